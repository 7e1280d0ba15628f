package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
	"congquy/internal/org"
	"congquy/internal/store"
)

// decisionsData is the list of budget decisions.
type decisionsData struct {
	Decisions []store.Decision
	UnitNames map[int64]string
	Year      int
	Status    string
	Pager     pager
	Kinds     []budget.DecisionKind
}

// decisionsList lists budget decisions in scope.
func (s *Server) decisionsList(c echo.Context) error {
	ctx := c.Request().Context()
	a := actorFor(c)
	d := decisionsData{Year: s.yearParam(c), Status: statusFilter(c.QueryParam("status")), Kinds: budget.DecisionKinds}
	pg := pageParam(c)
	list, total, err := s.store.Decisions(ctx, store.DecisionFilter{Within: a.Scope(auth.PermBudgetView), FiscalYear: d.Year, Status: d.Status, Page: pg})
	if err != nil {
		return err
	}
	d.Decisions, d.Pager = list, newPager(c, pg, total)
	if d.UnitNames, err = s.unitNames(c, auth.PermBudgetView); err != nil {
		return err
	}
	return s.show(c, "budget/decisions", "budget.decisions.title", d)
}

// statusFilter keeps a known status filter.
func statusFilter(s string) string {
	switch s {
	case budget.StatusDraft, budget.StatusSubmitted, budget.StatusApproved, budget.StatusRejected, budget.StatusPosted, budget.StatusReversed, budget.StatusClosed:
		return s
	}
	return ""
}

// unitNames maps the units in scope to their codes.
func (s *Server) unitNames(c echo.Context, p auth.Permission) (map[int64]string, error) {
	units, err := s.scopeUnits(c.Request().Context(), actorFor(c), p)
	out := map[int64]string{}
	for _, u := range units {
		out[u.ID] = u.Code
	}
	return out, err
}

// decisionForm is the decision form's input.
type decisionForm struct {
	Kind       string
	UnitID     int64
	Year       int
	DecisionNo string
	Date       string
	Total      string
	Note       string
	SourceID   int64
	Rows       []decisionRow
}

type decisionRow struct {
	LineID int64
	Amount string
}

// decisionFormData is the decision form page.
type decisionFormData struct {
	Form    decisionForm
	Kinds   []budget.DecisionKind
	Units   []org.Unit
	Lines   []budget.Line // lines the rows may use
	Own     []budget.Line // lines of the unit itself (source of an allotment or transfer)
	Names   map[int64]string
	Problem *formProblem
}

// decisionNew shows an empty decision form for a unit and year.
func (s *Server) decisionNew(c echo.Context) error {
	f := decisionForm{Kind: string(budget.DecisionEstimate), UnitID: int64Value(c.QueryParam("unit")), Year: s.yearParam(c),
		Date: s.now().Format("2006-01-02")}
	if k := budget.DecisionKind(c.QueryParam("kind")); k.Valid() {
		f.Kind = string(k)
	}
	return s.showDecisionForm(c, http.StatusOK, f, nil)
}

// showDecisionForm renders the form with the lines the unit may use.
func (s *Server) showDecisionForm(c echo.Context, status int, f decisionForm, problem *formProblem) error {
	ctx := c.Request().Context()
	a := actorFor(c)
	d := decisionFormData{Form: f, Kinds: budget.DecisionKinds, Problem: problem}
	var err error
	if d.Units, err = s.scopeUnits(ctx, a, auth.PermBudgetDraft); err != nil {
		return err
	}
	if d.Form.UnitID == 0 && len(d.Units) > 0 {
		d.Form.UnitID = d.Units[0].ID
	}
	if d.Names, err = s.unitNames(c, auth.PermBudgetView); err != nil {
		return err
	}
	if d.Form.UnitID != 0 {
		all, _, err := s.store.Lines(ctx, store.LineFilter{Within: a.Scope(auth.PermBudgetDraft), UnitID: d.Form.UnitID, FiscalYear: f.Year, Page: store.Page{Size: store.MaxPageSize}})
		if err != nil {
			return err
		}
		for _, l := range all {
			if l.UnitID == d.Form.UnitID {
				d.Own = append(d.Own, l)
			}
			if (budget.DecisionKind(f.Kind) == budget.DecisionAllotment) != (l.UnitID == d.Form.UnitID) {
				d.Lines = append(d.Lines, l)
			}
		}
	}
	for len(d.Form.Rows) < max(5, len(d.Lines)) && len(d.Form.Rows) < budget.MaxDecisionLines {
		d.Form.Rows = append(d.Form.Rows, decisionRow{})
	}
	return s.render(c, status, "budget/decision_form", "", s.newPage(c, "budget.decisions.new", d))
}

// decisionCreate drafts a decision; "distribute" fills the rows evenly instead.
func (s *Server) decisionCreate(c echo.Context) error {
	f := readDecisionForm(c)
	nd, err := f.decision()
	if err == nil && c.FormValue("action") == "distribute" {
		err = f.distribute()
		if err == nil {
			return s.showDecisionForm(c, http.StatusOK, f, nil)
		}
	}
	if err == nil {
		var d store.Decision
		if d, err = s.store.DraftDecision(c.Request().Context(), withRequest(c), nd); err == nil {
			return redirectWith(c, "/budget/decisions/"+itoa64(d.ID), "success", s.cat.T(langOf(c), "budget.decisions.drafted"))
		}
	}
	p, err := asFormProblem(err, langOf(c))
	if err != nil {
		return err
	}
	return s.showDecisionForm(c, statusFor(err), f, p)
}

// readDecisionForm reads the posted form.
func readDecisionForm(c echo.Context) decisionForm {
	f := decisionForm{Kind: c.FormValue("kind"), UnitID: int64Value(c.FormValue("unit_id")), Year: intValue(c.FormValue("year"), 0),
		DecisionNo: clip(c.FormValue("decision_no"), 64), Date: c.FormValue("decision_date"), Total: clip(c.FormValue("total"), 64),
		Note: clip(c.FormValue("note"), 1000), SourceID: int64Value(c.FormValue("source_line"))}
	form, _ := c.FormParams()
	lines, amounts := form["line"], form["amount"]
	for i := 0; i < len(lines) && i < len(amounts) && i < budget.MaxDecisionLines; i++ {
		f.Rows = append(f.Rows, decisionRow{LineID: int64Value(lines[i]), Amount: clip(amounts[i], 64)})
	}
	return f
}

// decision turns the form into a decision: rows are entered as positive amounts; the
// kind gives their sign, and an allotment or transfer takes the total from its source.
func (f decisionForm) decision() (budget.NewDecision, error) {
	kind := budget.DecisionKind(f.Kind)
	d := budget.NewDecision{UnitID: f.UnitID, FiscalYear: f.Year, Kind: kind, DecisionNo: f.DecisionNo, Note: f.Note}
	var err error
	if d.DecisionDate, err = dateValue(f.Date, "decision_date"); err != nil {
		return d, err
	}
	if d.Total, err = amountValue(f.Total, "total"); err != nil {
		return d, err
	}
	if kind == budget.DecisionAllotment || kind == budget.DecisionTransfer {
		if f.SourceID == 0 {
			return d, apperr.New(apperr.Invalid, "Hãy chọn dòng dự toán nguồn.", "Choose the source budget line.").OnField("source_line")
		}
		d.Lines = append(d.Lines, budget.DecisionLine{LineID: f.SourceID, Amount: d.Total.Neg()})
	}
	for _, r := range f.Rows {
		if r.LineID == 0 || r.Amount == "" {
			continue
		}
		v, err := money.ParsePositive(r.Amount)
		if err != nil {
			return d, err
		}
		if kind == budget.DecisionDecrease || kind == budget.DecisionRelease {
			v = v.Neg()
		}
		d.Lines = append(d.Lines, budget.DecisionLine{LineID: r.LineID, Amount: v})
	}
	return d, nil
}

// distribute splits the total evenly over the rows that name a line, the parts adding
// up exactly to the total (money.SplitEqual).
func (f *decisionForm) distribute() error {
	total, err := money.ParsePositive(f.Total)
	if err != nil {
		return err
	}
	var idx []int
	for i, r := range f.Rows {
		if r.LineID != 0 {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return apperr.New(apperr.Invalid, "Hãy chọn các dòng nhận trước khi chia đều.", "Choose the receiving lines before distributing.").OnField("lines")
	}
	parts, err := budget.DistributeEqual(total, len(idx))
	if err != nil {
		return err
	}
	for k, i := range idx {
		f.Rows[i].Amount = parts[k].String()
	}
	return nil
}

// decisionData is one decision's page.
type decisionData struct {
	Decision   store.Decision
	UnitName   string
	CanApprove bool
}

// decisionView shows a decision with its lines and, for an approver, the decision forms.
func (s *Server) decisionView(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a := actorFor(c)
	d, err := s.store.DecisionByID(c.Request().Context(), a, id)
	if err != nil {
		return err
	}
	names, err := s.unitNames(c, auth.PermBudgetView)
	if err != nil {
		return err
	}
	return s.show(c, "budget/decision", "budget.decisions.one", decisionData{Decision: d, UnitName: names[d.UnitID],
		CanApprove: d.Status == budget.StatusDraft && a.Can(auth.PermBudgetApprove) && a.Login != d.DraftedLogin})
}

// decisionApprove approves and applies a draft decision.
func (s *Server) decisionApprove(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.ApproveDecision(c.Request().Context(), withRequest(c), id); err != nil {
		return err
	}
	return redirectWith(c, "/budget/decisions/"+itoa64(id), "success", s.cat.T(langOf(c), "budget.decisions.approved"))
}

// decisionReject rejects a draft decision with a reason.
func (s *Server) decisionReject(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.RejectDecision(c.Request().Context(), withRequest(c), id, c.FormValue("reason")); err != nil {
		return err
	}
	return redirectWith(c, "/budget/decisions/"+itoa64(id), "info", s.cat.T(langOf(c), "budget.decisions.rejected"))
}
