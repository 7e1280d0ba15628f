package web

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"congquy/internal/store"
)

// pager is what the pagination partial shows.
type pager struct {
	Number, Size, Total, Pages int
	More                       bool // Total is a lower bound: there are more than Total rows
	First, Last                int  // 1-based positions of the rows shown
	PrevURL, NextURL           string
}

// newPager builds the pager for total rows, keeping the request's other query parameters.
func newPager(c echo.Context, p store.Page, total int) pager {
	pg := pager{Number: p.Number, Size: p.Size, Total: total}
	if total > store.CountCap { // counted only up to the cap: the last page is unknown
		pg.Total, pg.More = store.CountCap, true
	}
	pg.Pages = (total + p.Size - 1) / p.Size
	if total > 0 {
		pg.First = (p.Number-1)*p.Size + 1
		pg.Last = min(p.Number*p.Size, total)
		if pg.More {
			pg.Last = p.Number * p.Size
		}
	}
	link := func(n int) string {
		q := url.Values{}
		for k, v := range c.QueryParams() {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(n))
		return c.Request().URL.Path + "?" + q.Encode()
	}
	if p.Number > 1 {
		pg.PrevURL = link(p.Number - 1)
	}
	if p.Number < pg.Pages || pg.More {
		pg.NextURL = link(p.Number + 1)
	}
	return pg
}
