package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
	"congquy/internal/org"
	"congquy/internal/store"
)

// executionData is the budget-vs-actual page.
type executionData struct {
	Units     []org.Unit
	UnitID    int64
	Year      int
	Exec      store.Execution
	Remaining money.VND
	Percent   string // % executed, exact then rounded for display
	Elapsed   string // % of the year elapsed
	Chart     string // JSON for the chart script, in a data- attribute
}

// RowPercent is a row's % executed for display.
func (d executionData) RowPercent(r store.ExecutionRow) string {
	return pct(budget.Execution(r.Spent, r.Estimate))
}

// RowMeter is the width class of a row's execution bar, in steps of ten.
func (d executionData) RowMeter(r store.ExecutionRow) string {
	p := budget.Execution(r.Spent, r.Estimate).Div(decimal.NewFromInt(10)).Floor().IntPart() * 10
	return fmt.Sprintf("w-%d", min(max(p, 0), 100))
}

// pct rounds a percentage to one decimal for display.
func pct(d decimal.Decimal) string { return d.StringFixed(1) }

// executionPage shows budget-vs-actual for a unit's subtree and a year.
func (s *Server) executionPage(c echo.Context) error {
	d, err := s.execution(c)
	if err != nil {
		return err
	}
	return s.show(c, "budget/execution", "budget.execution.title", d)
}

// execution gathers the report for the unit and year of the request.
func (s *Server) execution(c echo.Context) (executionData, error) {
	ctx := c.Request().Context()
	a := actorFor(c)
	d := executionData{Year: s.yearParam(c), UnitID: int64Value(c.QueryParam("unit"))}
	var err error
	if d.Units, err = s.scopeUnits(ctx, a, auth.PermBudgetView); err != nil {
		return d, err
	}
	if len(d.Units) == 0 {
		return d, apperr.NotFoundf("đơn vị", "unit")
	}
	if d.UnitID == 0 {
		d.UnitID = d.Units[0].ID
	}
	if d.Exec, err = s.store.BudgetVsActual(ctx, a, d.UnitID, d.Year); err != nil {
		return d, err
	}
	d.Remaining = d.Exec.Total.Remaining()
	d.Percent = pct(budget.Execution(d.Exec.Total.Spent, d.Exec.Total.Estimate))
	d.Elapsed = pct(budget.ElapsedShare(d.Year, s.now().In(zone())))
	d.Chart, err = chartJSON(c, s, d.Exec)
	return d, err
}

// chartJSON sums the report by mục for the chart, in millions of đồng as decimal strings
// (the chart only draws them; no amount is computed from them).
func chartJSON(c echo.Context, s *Server, e store.Execution) (string, error) {
	type group struct{ estimate, committed, spent money.VND }
	var order []string
	groups := map[string]*group{}
	for _, r := range e.Rows {
		g, ok := groups[r.Group]
		if !ok {
			g = &group{}
			groups[r.Group] = g
			order = append(order, r.Group)
		}
		g.estimate, g.committed, g.spent = g.estimate.Add(r.Estimate), g.committed.Add(r.Committed), g.spent.Add(r.Spent)
	}
	million := decimal.New(1, 6)
	m := func(v money.VND) string { return v.Decimal().DivRound(million, 1).String() }
	lang := langOf(c)
	out := struct {
		Labels []string   `json:"labels"`
		Series []string   `json:"series"`
		Values [][]string `json:"values"`
		Unit   string     `json:"unit"`
	}{Series: []string{s.cat.T(lang, "budget.estimate"), s.cat.T(lang, "budget.committed"), s.cat.T(lang, "budget.spent")},
		Values: [][]string{{}, {}, {}}, Unit: s.cat.T(lang, "budget.execution.million")}
	for _, k := range order {
		g := groups[k]
		out.Labels = append(out.Labels, s.cat.T(lang, "budget.kind.group")+" "+k)
		out.Values[0] = append(out.Values[0], m(g.estimate))
		out.Values[1] = append(out.Values[1], m(g.committed))
		out.Values[2] = append(out.Values[2], m(g.spent))
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// executionXLSX exports the budget-vs-actual report: amounts as exact numeric cells, text
// cells that could start a formula neutralised.
func (s *Server) executionXLSX(c echo.Context) error {
	d, err := s.execution(c)
	if err != nil {
		return err
	}
	lang := langOf(c)
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	headers := []string{"budget.unit", "budget.kind.chapter", "budget.kind.subsection", "budget.kind.group", "budget.kind.item",
		"budget.codes.name", "budget.kind.source", "budget.funding_type", "budget.estimate", "budget.committed", "budget.spent",
		"budget.remaining", "budget.execution.percent"}
	for i, h := range headers {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, s.cat.T(lang, h)); err != nil {
			return err
		}
	}
	write := func(row int, r store.ExecutionRow, label string) error {
		texts := []string{label, r.Chapter, r.Subsection, r.Group, r.Item, r.ItemName, r.Source, ""}
		if r.FundingType != "" {
			texts[7] = s.cat.T(lang, "budget.funding."+string(r.FundingType))
		}
		for i, t := range texts {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			if err := f.SetCellStr(sheet, cell, safeCell(t)); err != nil {
				return err
			}
		}
		nums := []string{r.Estimate.String(), r.Committed.String(), r.Spent.String(), r.Remaining().String(),
			budget.Execution(r.Spent, r.Estimate).StringFixed(2)}
		for i, n := range nums {
			cell, _ := excelize.CoordinatesToCellName(len(texts)+i+1, row)
			if err := f.SetCellDefault(sheet, cell, n); err != nil { // a numeric cell written from the exact decimal text
				return err
			}
		}
		return nil
	}
	for i, r := range d.Exec.Rows {
		if err := write(i+2, r, r.UnitCode); err != nil {
			return err
		}
	}
	if err := write(len(d.Exec.Rows)+2, d.Exec.Total, s.cat.T(lang, "budget.total")); err != nil {
		return err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	name := fmt.Sprintf("du-toan-thuc-hien-%d.xlsx", d.Year)
	c.Response().Header().Set("Content-Disposition", contentDisposition(name))
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// safeCell neutralises a text cell that a spreadsheet could read as a formula (TESTING.md
// row 23): a leading = + - @, tab or CR gets a leading apostrophe.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
