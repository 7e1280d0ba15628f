package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/store"
)

// commitmentsData is the list of commitments and the form to draft one.
type commitmentsData struct {
	Commitments []budget.Commitment
	Lines       []budget.Line // lines the actor may commit against
	LineNames   map[int64]string
	UnitNames   map[int64]string
	Year        int
	Status      string
	Pager       pager
	Form        commitmentForm
	Problem     *formProblem
}

type commitmentForm struct {
	LineID                                          int64
	ContractNo, Date, Supplier, Description, Amount string
}

// commitmentsList lists commitments in scope for a year.
func (s *Server) commitmentsList(c echo.Context) error {
	d, err := s.commitmentsData(c)
	if err != nil {
		return err
	}
	d.Form.Date = s.now().Format("2006-01-02")
	return s.show(c, "budget/commitments", "budget.commitments.title", d)
}

func (s *Server) commitmentsData(c echo.Context) (commitmentsData, error) {
	ctx := c.Request().Context()
	a := actorFor(c)
	d := commitmentsData{Year: s.yearParam(c), Status: statusFilter(c.QueryParam("status")), LineNames: map[int64]string{}}
	pg := pageParam(c)
	list, total, err := s.store.Commitments(ctx, store.CommitmentFilter{Within: a.Scope(auth.PermBudgetView), FiscalYear: d.Year, Status: d.Status, Page: pg})
	if err != nil {
		return d, err
	}
	d.Commitments, d.Pager = list, newPager(c, pg, total)
	if d.UnitNames, err = s.unitNames(c, auth.PermBudgetView); err != nil {
		return d, err
	}
	lines, _, err := s.store.Lines(ctx, store.LineFilter{Within: a.Scope(auth.PermBudgetView), FiscalYear: d.Year, Page: store.Page{Size: store.MaxPageSize}})
	if err != nil {
		return d, err
	}
	draftable := map[int64]bool{}
	if units, err := s.scopeUnits(ctx, a, auth.PermBudgetDraft); err == nil {
		for _, u := range units {
			draftable[u.ID] = true
		}
	}
	for _, l := range lines {
		d.LineNames[l.ID] = d.UnitNames[l.UnitID] + " · " + l.Chapter + "-" + l.Subsection + "-" + l.Item
		if draftable[l.UnitID] {
			d.Lines = append(d.Lines, l)
		}
	}
	return d, nil
}

// commitmentCreate drafts a commitment.
func (s *Server) commitmentCreate(c echo.Context) error {
	f := commitmentForm{LineID: int64Value(c.FormValue("budget_line_id")), ContractNo: clip(c.FormValue("contract_no"), 64),
		Date: c.FormValue("contract_date"), Supplier: clip(c.FormValue("supplier"), 300), Description: clip(c.FormValue("description"), 1000),
		Amount: clip(c.FormValue("amount"), 64)}
	err := func() error {
		n := budget.NewCommitment{BudgetLineID: f.LineID, ContractNo: f.ContractNo, Supplier: f.Supplier, Description: f.Description}
		var err error
		if n.ContractDate, err = dateValue(f.Date, "contract_date"); err != nil {
			return err
		}
		if n.Amount, err = amountValue(f.Amount, "amount"); err != nil {
			return err
		}
		l, err := s.store.Line(c.Request().Context(), actorFor(c), auth.PermBudgetDraft, f.LineID)
		if err != nil {
			return err
		}
		n.UnitID = l.UnitID
		_, err = s.store.DraftCommitment(c.Request().Context(), withRequest(c), n)
		return err
	}()
	if err == nil {
		return redirectWith(c, "/budget/commitments", "success", s.cat.T(langOf(c), "budget.commitments.drafted"))
	}
	p, err := asFormProblem(err, langOf(c))
	if err != nil {
		return err
	}
	d, derr := s.commitmentsData(c)
	if derr != nil {
		return derr
	}
	d.Form, d.Problem = f, p
	return s.render(c, http.StatusUnprocessableEntity, "budget/commitments", "", s.newPage(c, "budget.commitments.title", d))
}

// commitmentApprove approves a drafted commitment: it then counts against its line.
func (s *Server) commitmentApprove(c echo.Context) error {
	return s.commitmentAct(c, "budget.commitments.approved", func(id int64) error {
		_, err := s.store.ApproveCommitment(c.Request().Context(), withRequest(c), id)
		return err
	})
}

// commitmentReject rejects a drafted commitment with a reason.
func (s *Server) commitmentReject(c echo.Context) error {
	return s.commitmentAct(c, "budget.commitments.rejected", func(id int64) error {
		_, err := s.store.RejectCommitment(c.Request().Context(), withRequest(c), id, c.FormValue("reason"))
		return err
	})
}

// commitmentRelease gives back what an approved commitment still holds.
func (s *Server) commitmentRelease(c echo.Context) error {
	return s.commitmentAct(c, "budget.commitments.released", func(id int64) error {
		_, err := s.store.ReleaseCommitment(c.Request().Context(), withRequest(c), id)
		return err
	})
}

// commitmentAct runs one action on the commitment of the path and goes back to the list.
func (s *Server) commitmentAct(c echo.Context, done string, act func(int64) error) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := act(id); err != nil {
		return err
	}
	return redirectWith(c, "/budget/commitments", "success", s.cat.T(langOf(c), done))
}
