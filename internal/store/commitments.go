package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
)

const commitmentColumns = `c.id, c.unit_id, c.fiscal_year, c.budget_line_id, c.contract_no, c.contract_date, c.supplier,
	c.description, c.amount, c.consumed, c.released, c.status, c.drafted_by, c.drafted_login, c.drafted_at,
	c.approved_login, c.decided_at, c.reject_reason`

// DraftCommitment records a commitment for a contract on a line of the unit; it counts
// against the line only once approved.
func (s *Store) DraftCommitment(ctx context.Context, actor auth.Actor, n budget.NewCommitment) (budget.Commitment, error) {
	n.Normalize()
	if err := n.Validate(); err != nil {
		return budget.Commitment{}, err
	}
	var c budget.Commitment
	err := s.write(ctx, actor, func(t *tx) error {
		var l budget.Line
		err := t.GetContext(ctx, &l, `SELECT `+lineColumns+` FROM budget_lines l WHERE l.id = $1`, n.BudgetLineID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && l.UnitID != n.UnitID) {
			return apperr.NotFoundf("dòng dự toán", "budget line").OnField("budget_line_id")
		}
		if err != nil {
			return fmt.Errorf("get line: %w", err)
		}
		if err := inScope(ctx, t, actor, l.UnitID, auth.PermBudgetDraft, "dòng dự toán", "budget line"); err != nil {
			return err
		}
		err = t.GetContext(ctx, &c, `INSERT INTO commitments AS c (unit_id, fiscal_year, budget_line_id, contract_no, contract_date,
				supplier, description, amount, drafted_by, drafted_login)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+commitmentColumns,
			l.UnitID, l.FiscalYear, l.ID, n.ContractNo, n.ContractDate, n.Supplier, n.Description, n.Amount, actorID(actor), actor.Login)
		if err != nil {
			return fmt.Errorf("insert commitment: %w", err)
		}
		return t.audit(ctx, event{UnitID: c.UnitID, Action: "draft", Entity: "commitment", EntityID: c.ID, After: c})
	})
	return c, err
}

// ApproveCommitment approves a drafted commitment: its amount moves into the line's
// committed total (and the lines above it), refused if the line has not that much
// available. Locking order: the commitment, then its lines.
func (s *Store) ApproveCommitment(ctx context.Context, actor auth.Actor, id int64) (budget.Commitment, error) {
	return s.decideCommitment(ctx, actor, id, func(t *tx, c budget.Commitment) error {
		locked, err := t.lockLines(ctx, []int64{c.BudgetLineID})
		if err != nil {
			return err
		}
		if err := t.consume(ctx, locked, c.BudgetLineID, c.Amount, money.Zero); err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `UPDATE commitments SET status = 'approved', approved_by = $2, approved_login = $3,
			decided_at = now() WHERE id = $1`, id, actorID(actor), actor.Login)
		return err
	}, "approve")
}

// RejectCommitment rejects a drafted commitment with a reason.
func (s *Store) RejectCommitment(ctx context.Context, actor auth.Actor, id int64, reason string) (budget.Commitment, error) {
	return s.decideCommitment(ctx, actor, id, func(t *tx, c budget.Commitment) error {
		reason, err := rejectReason(reason) // after the scope check: another unit's id is not found
		if err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `UPDATE commitments SET status = 'rejected', decided_at = now(), reject_reason = $2 WHERE id = $1`, id, reason)
		return err
	}, "reject")
}

// decideCommitment locks a draft commitment, checks scope and maker-checker, runs the
// decision and records it.
func (s *Store) decideCommitment(ctx context.Context, actor auth.Actor, id int64, fn func(*tx, budget.Commitment) error, action string) (budget.Commitment, error) {
	var out budget.Commitment
	err := s.write(ctx, actor, func(t *tx) error {
		c, err := t.lockCommitment(ctx, actor, id, auth.PermBudgetApprove)
		if err != nil {
			return err
		}
		if c.Status != budget.StatusDraft {
			return alreadyDecided()
		}
		if err := checkMakerChecker(actor, c.DraftedBy, c.UnitID, auth.PermBudgetApprove); err != nil {
			return err
		}
		if err := fn(t, c); err != nil {
			return err
		}
		if err := t.GetContext(ctx, &out, `SELECT `+commitmentColumns+` FROM commitments c WHERE c.id = $1`, id); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: c.UnitID, Action: action, Entity: "commitment", EntityID: id, Before: c, After: out})
	})
	return out, err
}

// ReleaseCommitment closes an approved commitment: what it still holds goes back to the
// line's availability (the contract ended below its amount).
func (s *Store) ReleaseCommitment(ctx context.Context, actor auth.Actor, id int64) (budget.Commitment, error) {
	var out budget.Commitment
	err := s.write(ctx, actor, func(t *tx) error {
		c, err := t.lockCommitment(ctx, actor, id, auth.PermBudgetDraft)
		if err != nil {
			return err
		}
		if c.Status != budget.StatusApproved {
			return apperr.New(apperr.Conflict, "Chỉ giải phóng được cam kết đã duyệt và chưa đóng.", "Only an approved, open commitment can be released.")
		}
		open := c.Open()
		locked, err := t.lockLines(ctx, []int64{c.BudgetLineID})
		if err != nil {
			return err
		}
		if err := t.consume(ctx, locked, c.BudgetLineID, open.Neg(), money.Zero); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE commitments SET released = released + $2, status = 'closed' WHERE id = $1`, id, open); err != nil {
			return fmt.Errorf("release commitment: %w", err)
		}
		if err := t.GetContext(ctx, &out, `SELECT `+commitmentColumns+` FROM commitments c WHERE c.id = $1`, id); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: c.UnitID, Action: "release", Entity: "commitment", EntityID: id, Before: c, After: out})
	})
	return out, err
}

// lockCommitment locks a commitment in the actor's scope for the permission.
func (t *tx) lockCommitment(ctx context.Context, actor auth.Actor, id int64, perm auth.Permission) (budget.Commitment, error) {
	var c budget.Commitment
	err := t.GetContext(ctx, &c, `SELECT `+commitmentColumns+` FROM commitments c WHERE c.id = $1 FOR NO KEY UPDATE`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.NotFoundf("cam kết chi", "commitment")
	}
	if err != nil {
		return c, fmt.Errorf("lock commitment %d: %w", id, err)
	}
	return c, inScope(ctx, t, actor, c.UnitID, perm, "cam kết chi", "commitment")
}

// CommitmentByID returns a commitment within the actor's scope.
func (s *Store) CommitmentByID(ctx context.Context, actor auth.Actor, id int64) (budget.Commitment, error) {
	var c budget.Commitment
	err := s.db.GetContext(ctx, &c, `SELECT `+commitmentColumns+` FROM commitments c WHERE c.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.NotFoundf("cam kết chi", "commitment")
	}
	if err != nil {
		return c, translate(err)
	}
	return c, inScope(ctx, s.db, actor, c.UnitID, auth.PermBudgetView, "cam kết chi", "commitment")
}

// CommitmentFilter narrows a list of commitments.
type CommitmentFilter struct {
	Within     []int64
	FiscalYear int
	Status     string
	Page       Page
}

// Commitments returns one page of commitments in scope, newest first.
func (s *Store) Commitments(ctx context.Context, f CommitmentFilter) ([]budget.Commitment, int, error) {
	where := func(q *query) *query {
		q.add("WHERE c.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ANY(?))", pqInt64s(f.Within))
		if f.FiscalYear != 0 {
			q.add("AND c.fiscal_year = ?", f.FiscalYear)
		}
		if f.Status != "" {
			q.add("AND c.status = ?", f.Status)
		}
		return q
	}
	var out []budget.Commitment
	var total int
	err := s.read(ctx, func(t *sqlx.Tx) error {
		count := where(newQuery("SELECT count(*) FROM commitments c"))
		if err := t.GetContext(ctx, &total, count.String(), count.Args()...); err != nil {
			return err
		}
		list := where(newQuery(`SELECT ` + commitmentColumns + ` FROM commitments c`)).add("ORDER BY c.id DESC").page(f.Page)
		return t.SelectContext(ctx, &out, list.String(), list.Args()...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list commitments: %w", err)
	}
	return out, total, nil
}
