package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"congquy/internal/store"
)

// A total counted only up to the cap is shown as a lower bound, with a next page always
// offered; an exact total gives the last page.
func TestPagerWithCappedTotal(t *testing.T) {
	e := echo.New()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/ledger/journal?unit=1&page=3", nil), httptest.NewRecorder())
	pg := newPager(c, store.Page{Number: 3, Size: 50}, store.CountCap+1)
	if !pg.More || pg.Total != store.CountCap || pg.First != 101 || pg.Last != 150 || pg.NextURL != "/ledger/journal?page=4&unit=1" {
		t.Errorf("capped: %+v", pg)
	}
	pg = newPager(c, store.Page{Number: 3, Size: 50}, 120)
	if pg.More || pg.Pages != 3 || pg.Last != 120 || pg.NextURL != "" || pg.PrevURL != "/ledger/journal?page=2&unit=1" {
		t.Errorf("exact: %+v", pg)
	}
}
