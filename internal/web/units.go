package web

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/org"
	"congquy/internal/store"
)

// unitsData is the units list page.
type unitsData struct {
	Units []org.Unit
	Query string
	Pager pager
}

// unitsList shows the organisation tree, searchable and paged.
func (s *Server) unitsList(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len([]rune(q)) > 100 {
		q = string([]rune(q)[:100])
	}
	pg := pageParam(c)
	f := store.UnitFilter{Query: q, Page: pg}
	if a := actorOf(c); a != nil {
		f.Within = a.Scope(auth.PermUnitsView)
	}
	units, total, err := s.store.ListUnits(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return s.show(c, "units/list", "units.title", unitsData{
		Units: units, Query: q, Pager: newPager(c, pg, total),
	})
}

// pageParam reads ?page= and ?size= with sane bounds.
func pageParam(c echo.Context) store.Page {
	n, err := strconv.Atoi(c.QueryParam("page"))
	if err != nil || n < 1 {
		n = 1 // Atoi gives MaxInt on overflow: not a page anyone asked for
	}
	n = min(n, store.MaxPageNumber)
	size, _ := strconv.Atoi(c.QueryParam("size"))
	if size < 1 || size > store.MaxPageSize {
		size = 50
	}
	return store.Page{Number: n, Size: size}
}
