package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
)

// Decision is a budget decision as stored, with its lines.
type Decision struct {
	ID            int64               `db:"id" json:"id"`
	UnitID        int64               `db:"unit_id" json:"unit_id"`
	FiscalYear    int                 `db:"fiscal_year" json:"fiscal_year"`
	Kind          budget.DecisionKind `db:"kind" json:"kind"`
	DecisionNo    string              `db:"decision_no" json:"decision_no"`
	DecisionDate  time.Time           `db:"decision_date" json:"decision_date"`
	Total         money.VND           `db:"total" json:"total"`
	Note          string              `db:"note" json:"note"`
	Status        string              `db:"status" json:"status"`
	DraftedBy     *int64              `db:"drafted_by" json:"drafted_by"`
	DraftedLogin  string              `db:"drafted_login" json:"drafted_login"`
	DraftedAt     time.Time           `db:"drafted_at" json:"drafted_at"`
	ApprovedLogin *string             `db:"approved_login" json:"approved_login"`
	DecidedAt     *time.Time          `db:"decided_at" json:"decided_at"`
	RejectReason  string              `db:"reject_reason" json:"reject_reason"`
	Lines         []DecisionLineView  `db:"-" json:"lines"`
	EntryIDs      []int64             `db:"-" json:"entry_ids,omitempty"` // journal entries that posted it (at approval)
}

// DecisionLineView is one line of a decision with its budget line's codes and unit.
type DecisionLineView struct {
	budget.DecisionLine
	UnitID   int64  `db:"unit_id" json:"unit_id"`
	UnitCode string `db:"unit_code" json:"unit_code"`
	Item     string `db:"item" json:"item"`
	Label    string `db:"label" json:"label"`
}

const decisionColumns = `d.id, d.unit_id, d.fiscal_year, d.kind, d.decision_no, d.decision_date, d.total,
	d.note, d.status, d.drafted_by, d.drafted_login, d.drafted_at, d.approved_login, d.decided_at, d.reject_reason`

// DraftDecision records a budget decision as a draft; nothing moves until another user
// approves it. Its lines must be of its fiscal year and of its unit — or, for an
// allotment, one line of its unit giving to lines of its sub-units.
func (s *Store) DraftDecision(ctx context.Context, actor auth.Actor, d budget.NewDecision) (Decision, error) {
	d.Normalize()
	if err := d.Validate(); err != nil {
		return Decision{}, err
	}
	var out Decision
	err := s.write(ctx, actor, func(t *tx) error {
		if err := inScope(ctx, t, actor, d.UnitID, auth.PermBudgetDraft, "đơn vị", "unit"); err != nil {
			return err
		}
		if err := t.checkDecisionLines(ctx, d); err != nil {
			return err
		}
		var id int64
		err := t.GetContext(ctx, &id, `INSERT INTO budget_decisions (unit_id, fiscal_year, kind, decision_no, decision_date,
				total, note, drafted_by, drafted_login) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			d.UnitID, d.FiscalYear, d.Kind, d.DecisionNo, d.DecisionDate, d.Total, d.Note, actorID(actor), actor.Login)
		if err != nil {
			return fmt.Errorf("insert decision: %w", err)
		}
		for _, l := range d.Lines {
			if _, err := t.ExecContext(ctx, `INSERT INTO budget_decision_lines (decision_id, line_no, budget_line_id, amount)
				VALUES ($1, $2, $3, $4)`, id, l.LineNo, l.LineID, l.Amount); err != nil {
				return fmt.Errorf("insert decision line: %w", err)
			}
		}
		if out, err = decisionByID(ctx, t, id); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: d.UnitID, Action: "draft", Entity: "budget_decision", EntityID: id, After: out})
	})
	return out, err
}

// checkDecisionLines checks where a decision's lines belong.
func (t *tx) checkDecisionLines(ctx context.Context, d budget.NewDecision) error {
	ids := make([]int64, len(d.Lines))
	for i, l := range d.Lines {
		ids[i] = l.LineID
	}
	var rows []struct {
		ID       int64  `db:"id"`
		Year     int    `db:"fiscal_year"`
		Distance *int   `db:"distance"` // distance below the decision's unit; nil: outside it
		Parent   *int64 `db:"parent_line_id"`
	}
	err := t.SelectContext(ctx, &rows, `SELECT l.id, l.fiscal_year, c.distance, l.parent_line_id FROM budget_lines l
		LEFT JOIN unit_closure c ON c.descendant_id = l.unit_id AND c.ancestor_id = $2
		WHERE l.id = ANY($1)`, pq.Array(ids), d.UnitID)
	if err != nil {
		return fmt.Errorf("check decision lines: %w", err)
	}
	if len(rows) != len(ids) {
		return apperr.NotFoundf("dòng dự toán", "budget line")
	}
	sign := map[int64]int{}
	for _, l := range d.Lines {
		sign[l.LineID] = l.Amount.Sign()
	}
	var source int64
	for _, l := range d.Lines {
		if l.Amount.IsNegative() {
			source = l.LineID
		}
	}
	for _, r := range rows {
		wrongYear := r.Year != d.FiscalYear
		own := r.Distance != nil && *r.Distance == 0
		below := r.Distance != nil && *r.Distance > 0
		switch {
		case wrongYear:
			return apperr.Newf(apperr.Invalid, "Mọi dòng của quyết định phải thuộc năm ngân sách %d.", "Every line of the decision must be of fiscal year %d.", d.FiscalYear).OnField("lines")
		case d.Kind == budget.DecisionAllotment && sign[r.ID] > 0 && !below:
			return apperr.New(apperr.Invalid, "Phân bổ chỉ giao cho các dòng dự toán của đơn vị cấp dưới.", "An allotment gives only to budget lines of sub-units.").OnField("lines")
		case d.Kind == budget.DecisionAllotment && sign[r.ID] > 0 && r.Parent != nil && *r.Parent == source:
			return apperr.New(apperr.Invalid, "Dòng nhận phân bổ đang bị giới hạn bởi chính dòng nguồn; hãy dùng một trong hai cách.", "The receiving line is already capped by the source line; use one or the other.").OnField("lines")
		case (d.Kind != budget.DecisionAllotment || sign[r.ID] < 0) && !own:
			return apperr.New(apperr.Invalid, "Các dòng của quyết định phải là dòng dự toán của chính đơn vị.", "The decision's lines must be budget lines of its own unit.").OnField("lines")
		}
	}
	return nil
}

// ApproveDecision approves a draft decision and applies it to its lines in the same
// transaction: lines locked in id order, each line's new availability checked (a
// decrease cannot take back what is already committed or spent), the audit event written.
// The approver must not be the drafter and must hold budget.approve in the unit.
func (s *Store) ApproveDecision(ctx context.Context, actor auth.Actor, id int64) (Decision, error) {
	var out Decision
	err := s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockDecision(ctx, actor, id)
		if err != nil {
			return err
		}
		ids := make([]int64, len(before.Lines))
		for i, l := range before.Lines {
			ids[i] = l.LineID
		}
		locked, err := t.lockLines(ctx, ids)
		if err != nil {
			return err
		}
		for _, l := range before.Lines {
			if err := t.applyDecisionLine(ctx, before.Kind, locked[l.LineID], l.DecisionLine); err != nil {
				return err
			}
		}
		entries, err := t.postDecision(ctx, before, locked)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE budget_decisions SET status = 'approved', approved_by = $2,
			approved_login = $3, decided_at = now() WHERE id = $1`, id, actorID(actor), actor.Login); err != nil {
			return fmt.Errorf("approve decision: %w", err)
		}
		if out, err = decisionByID(ctx, t, id); err != nil {
			return err
		}
		out.EntryIDs = entries
		return t.audit(ctx, event{UnitID: out.UnitID, Action: "approve", Entity: "budget_decision", EntityID: id, Before: before, After: out})
	})
	return out, err
}

// applyDecisionLine moves the running total the decision's kind moves, refusing a change
// that would leave the line with negative availability.
func (t *tx) applyDecisionLine(ctx context.Context, kind budget.DecisionKind, l budget.Line, dl budget.DecisionLine) error {
	// A smaller estimate (or more withheld) must still cover what is used.
	reduces := (kind.Column() == budget.ColWithheld) == dl.Amount.IsPositive()
	if reduces && l.Available().LessThan(dl.Amount.Abs()) {
		return budget.InsufficientBudget(l, l.Available(), dl.Amount.Abs())
	}
	// Each total keeps its own sign: an allotment cannot give more than was allocated,
	// a release cannot free more than is withheld.
	switch {
	case kind.Column() == budget.ColAllocated && dl.Amount.IsNegative() && l.Allocated.LessThan(dl.Amount.Abs()):
		return apperr.New(apperr.InsufficientBudget,
			fmt.Sprintf("Dòng dự toán %s chỉ được giao %s, không thể phân bổ %s.", l.Label(), l.Allocated.Format("vi"), dl.Amount.Abs().Format("vi")),
			fmt.Sprintf("Budget line %s was allocated only %s; it cannot allot %s.", l.LabelEN(), l.Allocated.Format("en"), dl.Amount.Abs().Format("en")))
	case kind.Column() == budget.ColWithheld && dl.Amount.IsNegative() && l.Withheld.LessThan(dl.Amount.Abs()):
		return apperr.New(apperr.Invalid,
			fmt.Sprintf("Dòng dự toán %s chỉ đang giữ lại %s, không thể giải tỏa %s.", l.Label(), l.Withheld.Format("vi"), dl.Amount.Abs().Format("vi")),
			fmt.Sprintf("Budget line %s withholds only %s; it cannot release %s.", l.LabelEN(), l.Withheld.Format("en"), dl.Amount.Abs().Format("en")))
	}
	// One constant statement: the kind's column moves, the others add zero.
	_, err := t.ExecContext(ctx, `UPDATE budget_lines SET
			allocated = allocated + CASE WHEN $3 = 'allocated' THEN $2::numeric ELSE 0 END,
			adjusted = adjusted + CASE WHEN $3 = 'adjusted' THEN $2::numeric ELSE 0 END,
			withheld = withheld + CASE WHEN $3 = 'withheld' THEN $2::numeric ELSE 0 END
		WHERE id = $1`, l.ID, dl.Amount, string(kind.Column()))
	if err != nil {
		return fmt.Errorf("apply decision to line %d: %w", l.ID, err)
	}
	return nil
}

// postDecision posts an approved decision to the off-balance estimate accounts of the
// ledger, in this transaction: one entry per unit it touches (budget.DecisionEntries),
// dated on the decision's date, each line naming its budget line. It returns the entries'
// ids. A closed period refuses the decision's approval as a whole.
func (t *tx) postDecision(ctx context.Context, d Decision, lines map[int64]budget.Line) ([]int64, error) {
	parts := make([]budget.DecisionPart, len(d.Lines))
	for i, l := range d.Lines {
		parts[i] = budget.DecisionPart{Line: lines[l.LineID], Amount: l.Amount}
	}
	var drafted int64
	if d.DraftedBy != nil {
		drafted = *d.DraftedBy
	}
	var ids []int64
	for _, e := range budget.DecisionEntries(d.ID, d.Kind, d.DecisionNo, d.DecisionDate, drafted, t.actor.UserID, parts) {
		p, err := t.postEntry(ctx, e)
		if err != nil {
			return nil, err
		}
		ids = append(ids, p.ID)
	}
	return ids, nil
}

// RejectDecision rejects a draft decision with a reason; nothing moves.
func (s *Store) RejectDecision(ctx context.Context, actor auth.Actor, id int64, reason string) (Decision, error) {
	var out Decision
	err := s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockDecision(ctx, actor, id)
		if err != nil {
			return err
		}
		if reason, err = rejectReason(reason); err != nil { // after the scope check
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE budget_decisions SET status = 'rejected', approved_by = NULL,
			approved_login = NULL, decided_at = now(), reject_reason = $2 WHERE id = $1`, id, reason); err != nil {
			return fmt.Errorf("reject decision: %w", err)
		}
		if out, err = decisionByID(ctx, t, id); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: out.UnitID, Action: "reject", Entity: "budget_decision", EntityID: id, Before: before, After: out})
	})
	return out, err
}

// lockDecision locks a draft decision for approval or rejection by actor.
func (t *tx) lockDecision(ctx context.Context, actor auth.Actor, id int64) (Decision, error) {
	var d Decision
	err := t.GetContext(ctx, &d, `SELECT `+decisionColumns+` FROM budget_decisions d WHERE d.id = $1 FOR NO KEY UPDATE`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.NotFoundf("quyết định", "decision")
	}
	if err != nil {
		return d, fmt.Errorf("lock decision %d: %w", id, err)
	}
	if err := inScope(ctx, t, actor, d.UnitID, auth.PermBudgetApprove, "quyết định", "decision"); err != nil {
		return d, err
	}
	if d.Status != budget.StatusDraft {
		return d, alreadyDecided()
	}
	if err := checkMakerChecker(actor, d.DraftedBy, d.UnitID, auth.PermBudgetApprove); err != nil {
		return d, err
	}
	full, err := decisionByID(ctx, t, id)
	return full, err
}

func alreadyDecided() *apperr.Error {
	return apperr.New(apperr.Conflict, "Bản ghi này đã được duyệt hoặc từ chối.", "This record has already been approved or rejected.")
}

// rejectReason checks the reason a rejection must carry.
func rejectReason(reason string) (string, error) {
	r := []rune(strings.TrimSpace(reason))
	if len(r) == 0 || len(r) > 1000 {
		return "", apperr.New(apperr.Invalid, "Hãy ghi lý do từ chối (tối đa 1000 ký tự).", "Give the reason for the rejection (at most 1000 characters).").OnField("reason")
	}
	return string(r), nil
}

// decisionByID reads a decision and its lines.
func decisionByID(ctx context.Context, q queryer, id int64) (Decision, error) {
	var d Decision
	if err := q.GetContext(ctx, &d, `SELECT `+decisionColumns+` FROM budget_decisions d WHERE d.id = $1`, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return d, apperr.NotFoundf("quyết định", "decision")
		}
		return d, fmt.Errorf("get decision %d: %w", id, err)
	}
	err := q.SelectContext(ctx, &d.Lines, `SELECT dl.line_no, dl.budget_line_id, dl.amount, l.unit_id, u.code AS unit_code, l.item,
			l.chapter || '-' || l.subsection || '-' || l.item || ' / ' || l.fund_source || ' / ' || l.funding_type AS label
		FROM budget_decision_lines dl JOIN budget_lines l ON l.id = dl.budget_line_id JOIN units u ON u.id = l.unit_id
		WHERE dl.decision_id = $1 ORDER BY dl.line_no`, id)
	if err != nil {
		return d, fmt.Errorf("get decision lines %d: %w", id, err)
	}
	return d, nil
}

// DecisionByID returns a decision within the actor's scope.
func (s *Store) DecisionByID(ctx context.Context, actor auth.Actor, id int64) (Decision, error) {
	var d Decision
	err := s.read(ctx, func(q *sqlx.Tx) error {
		var err error
		if d, err = decisionByID(ctx, q, id); err != nil {
			return err
		}
		return inScope(ctx, q, actor, d.UnitID, auth.PermBudgetView, "quyết định", "decision")
	})
	return d, err
}

// DecisionFilter narrows a list of decisions.
type DecisionFilter struct {
	Within     []int64
	FiscalYear int
	Status     string
	Page       Page
}

// Decisions returns one page of decisions in scope, newest first, and how many match.
func (s *Store) Decisions(ctx context.Context, f DecisionFilter) ([]Decision, int, error) {
	where := func(q *query) *query {
		q.add("WHERE d.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ANY(?))", pqInt64s(f.Within))
		if f.FiscalYear != 0 {
			q.add("AND d.fiscal_year = ?", f.FiscalYear)
		}
		if f.Status != "" {
			q.add("AND d.status = ?", f.Status)
		}
		return q
	}
	var out []Decision
	var total int
	err := s.read(ctx, func(t *sqlx.Tx) error {
		count := where(newQuery("SELECT count(*) FROM budget_decisions d"))
		if err := t.GetContext(ctx, &total, count.String(), count.Args()...); err != nil {
			return err
		}
		list := where(newQuery(`SELECT ` + decisionColumns + ` FROM budget_decisions d`)).add("ORDER BY d.id DESC").page(f.Page)
		return t.SelectContext(ctx, &out, list.String(), list.Args()...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list decisions: %w", err)
	}
	return out, total, nil
}
