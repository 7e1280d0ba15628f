package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/org"
	"congquy/internal/store"
)

// linesData is the list of budget lines and the form to open one.
type linesData struct {
	Lines        []budget.Line
	Units        []org.Unit // units the actor may open lines for
	UnitNames    map[int64]string
	Year         int
	Years        []int
	UnitID       int64
	Query        string
	Pager        pager
	FundingTypes []budget.FundingType
	Form         lineForm
	Problem      *formProblem
}

// lineForm is the open-a-line form's input, kept when it is shown again.
type lineForm struct {
	UnitID                            int64
	Chapter, Subsection, Item, Source string
	Level                             int
	FundingType                       string
	ParentID                          int64
	Note                              string
}

// linesList lists the budget lines in scope for a year.
func (s *Server) linesList(c echo.Context) error {
	d, err := s.linesData(c)
	if err != nil {
		return err
	}
	return s.show(c, "budget/lines", "budget.lines.title", d)
}

// linesData gathers what the lines page shows.
func (s *Server) linesData(c echo.Context) (linesData, error) {
	ctx := c.Request().Context()
	a := actorFor(c)
	d := linesData{Year: s.yearParam(c), UnitID: int64Value(c.QueryParam("unit")), Query: clip(c.QueryParam("q"), 20),
		FundingTypes: budget.FundingTypes, Form: lineForm{Chapter: "014", Subsection: "341", Source: "01", Level: 1, FundingType: string(budget.Autonomous)}}
	pg := pageParam(c)
	lines, total, err := s.store.Lines(ctx, store.LineFilter{Within: a.Scope(auth.PermBudgetView), UnitID: d.UnitID, FiscalYear: d.Year, Query: d.Query, Page: pg})
	if err != nil {
		return d, err
	}
	d.Lines, d.Pager = lines, newPager(c, pg, total)
	if d.Years, err = s.store.FiscalYears(ctx); err != nil {
		return d, err
	}
	all, err := s.scopeUnits(ctx, a, auth.PermBudgetView)
	if err != nil {
		return d, err
	}
	d.UnitNames = map[int64]string{}
	for _, u := range all {
		d.UnitNames[u.ID] = u.Code
	}
	d.Units, err = s.scopeUnits(ctx, a, auth.PermBudgetDraft)
	return d, err
}

// lineCreate opens a budget line.
func (s *Server) lineCreate(c echo.Context) error {
	f := lineForm{UnitID: int64Value(c.FormValue("unit_id")), Chapter: clip(c.FormValue("chapter"), 8),
		Subsection: clip(c.FormValue("subsection"), 8), Item: clip(c.FormValue("item"), 8), Source: clip(c.FormValue("source"), 4),
		Level: intValue(c.FormValue("level"), 0), FundingType: c.FormValue("funding_type"), ParentID: int64Value(c.FormValue("parent_line_id")),
		Note: clip(c.FormValue("note"), 300)}
	year := intValue(c.FormValue("year"), s.now().Year())
	n := budget.NewLine{UnitID: f.UnitID, FiscalYear: year, FundingType: budget.FundingType(f.FundingType), Note: f.Note,
		Classification: budget.Classification{Chapter: f.Chapter, Subsection: f.Subsection, Item: f.Item, Source: f.Source, Level: f.Level}}
	if f.ParentID != 0 {
		n.ParentID = &f.ParentID
	}
	l, err := s.store.CreateLine(c.Request().Context(), withRequest(c), n)
	if err != nil {
		p, err := asFormProblem(err, langOf(c))
		if err != nil {
			return err
		}
		c.QueryParams().Set("year", itoa(year))
		d, derr := s.linesData(c)
		if derr != nil {
			return derr
		}
		d.Form, d.Problem = f, p
		return s.render(c, http.StatusUnprocessableEntity, "budget/lines", "", s.newPage(c, "budget.lines.title", d))
	}
	msg := s.cat.T(langOf(c), "budget.lines.created", map[string]any{"Item": l.Item, "Code": strings.Join([]string{l.Chapter, l.Subsection, l.Item}, "-")})
	return redirectWith(c, "/budget/lines?year="+itoa(l.FiscalYear), "success", msg)
}
