package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/ledger"
)

// PeriodMonth is one month of a unit's year as the periods page shows it.
type PeriodMonth struct {
	Month    time.Time  `db:"month"`
	Exists   bool       `db:"exists"`
	ClosedAt *time.Time `db:"closed_at"`
	ClosedBy *string    `db:"closed_by"`
	Entries  int        `db:"entries"`
	// Proposal is the pending reopening proposal, if any.
	ProposalID     *int64  `db:"proposal_id"`
	ProposalBy     *string `db:"proposal_by"`
	ProposalByID   *int64  `db:"proposal_by_id"`
	ProposalReason *string `db:"proposal_reason"`
}

// Closed reports whether the month is closed.
func (p PeriodMonth) Closed() bool { return p.ClosedAt != nil }

// ListPeriods returns the twelve months of a unit's year with their state.
func (s *Store) ListPeriods(ctx context.Context, within []int64, unitID int64, year int) ([]PeriodMonth, error) {
	var out []PeriodMonth
	err := s.read(ctx, func(q *sqlx.Tx) error {
		if err := readUnitInScope(ctx, q, within, unitID); err != nil {
			return err
		}
		return q.SelectContext(ctx, &out, `
			SELECT m::date AS month, p.unit_id IS NOT NULL AS exists, p.closed_at, cu.login AS closed_by,
				(SELECT count(*) FROM journal_entries e WHERE e.unit_id = $1 AND e.period = m::date) AS entries,
				a.id AS proposal_id, a.proposed_login AS proposal_by, a.proposed_by AS proposal_by_id, a.reason AS proposal_reason
			FROM generate_series(make_date($2, 1, 1), make_date($2, 12, 1), interval '1 month') m
			LEFT JOIN periods p ON p.unit_id = $1 AND p.month = m::date
			LEFT JOIN users cu ON cu.id = p.closed_by
			LEFT JOIN period_acts a ON a.unit_id = $1 AND a.month = m::date AND a.status = 'proposed'
			ORDER BY m`, unitID, year)
	})
	if err != nil {
		return nil, fmt.Errorf("list periods: %w", err)
	}
	return out, nil
}

// OpenPeriods creates the twelve monthly periods of a unit's year (postings also create
// them on demand); it is idempotent.
func (s *Store) OpenPeriods(ctx context.Context, actor auth.Actor, unitID int64, year int) error {
	return s.write(ctx, actor, func(t *tx) error {
		if err := t.unitInScope(ctx, auth.PermPeriodsClose, unitID); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO periods (unit_id, month)
			SELECT $1, m::date FROM generate_series(make_date($2, 1, 1), make_date($2, 12, 1), interval '1 month') m
			ON CONFLICT DO NOTHING`, unitID, year); err != nil {
			return fmt.Errorf("open periods: %w", err)
		}
		return t.audit(ctx, event{UnitID: unitID, Action: "open", Entity: "periods", EntityID: fmt.Sprintf("%d/%d", unitID, year),
			After: map[string]any{"unit_id": unitID, "year": year}})
	})
}

// ClosePeriod closes a unit's month by a recorded act. Postings in flight finish first
// (they hold the period row FOR SHARE; this UPDATE waits for them), and every posting
// after it is refused by the database.
func (s *Store) ClosePeriod(ctx context.Context, actor auth.Actor, unitID int64, month time.Time) (ledger.PeriodAct, error) {
	month = ledger.MonthOf(month)
	var act ledger.PeriodAct
	err := s.write(ctx, actor, func(t *tx) error {
		if err := t.unitInScope(ctx, auth.PermPeriodsClose, unitID); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO periods (unit_id, month) VALUES ($1, $2) ON CONFLICT DO NOTHING`, unitID, month); err != nil {
			return fmt.Errorf("ensure period: %w", err)
		}
		res, err := t.ExecContext(ctx, `UPDATE periods SET closed_at = now(), closed_by = NULLIF($3, 0)
			WHERE unit_id = $1 AND month = $2 AND closed_at IS NULL`, unitID, month, t.actor.UserID)
		if err != nil {
			return fmt.Errorf("close period: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "Kỳ kế toán này đã khóa sổ.", "This period is already closed.")
		}
		if act, err = t.insertAct(ctx, unitID, month, "close", "done", ""); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: unitID, Action: "close", Entity: "period", EntityID: periodKey(unitID, month), After: act})
	})
	return act, err
}

// ProposeReopen records a proposal to reopen a closed month; another person with the
// right approves or rejects it.
func (s *Store) ProposeReopen(ctx context.Context, actor auth.Actor, unitID int64, month time.Time, reason string) (ledger.PeriodAct, error) {
	month = ledger.MonthOf(month)
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 1000 {
		return ledger.PeriodAct{}, apperr.New(apperr.Invalid, "Hãy ghi lý do mở lại kỳ (tối đa 1000 ký tự).",
			"Give the reason to reopen the period (at most 1000 characters).").OnField("reason")
	}
	var act ledger.PeriodAct
	err := s.write(ctx, actor, func(t *tx) error {
		if err := t.unitInScope(ctx, auth.PermPeriodsClose, unitID); err != nil {
			return err
		}
		var closed bool
		err := t.GetContext(ctx, &closed, `SELECT closed_at IS NOT NULL FROM periods WHERE unit_id = $1 AND month = $2`, unitID, month)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !closed) {
			return apperr.New(apperr.Conflict, "Kỳ kế toán này đang mở.", "This period is open.")
		}
		if err != nil {
			return fmt.Errorf("load period: %w", err)
		}
		if act, err = t.insertAct(ctx, unitID, month, "reopen", "proposed", reason); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: unitID, Action: "propose_reopen", Entity: "period", EntityID: periodKey(unitID, month), After: act})
	})
	return act, err
}

// DecideReopen approves (reopening the month) or rejects a reopening proposal. The
// person who proposed it cannot decide it (period_acts_maker_checker).
func (s *Store) DecideReopen(ctx context.Context, actor auth.Actor, actID int64, approve bool) (ledger.PeriodAct, error) {
	var act ledger.PeriodAct
	err := s.write(ctx, actor, func(t *tx) error {
		err := t.GetContext(ctx, &act, `SELECT `+actColumns+` FROM period_acts WHERE id = $1 FOR UPDATE`, actID)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("đề nghị mở lại kỳ", "reopening proposal")
		}
		if err != nil {
			return fmt.Errorf("load act: %w", err)
		}
		if err := t.unitInScope(ctx, auth.PermPeriodsClose, act.UnitID); err != nil {
			return apperr.NotFoundf("đề nghị mở lại kỳ", "reopening proposal")
		}
		if act.Kind != "reopen" || act.Status != "proposed" {
			return apperr.New(apperr.Conflict, "Đề nghị này đã được xử lý.", "This proposal has already been decided.")
		}
		if act.ProposedBy != nil && *act.ProposedBy == t.actor.UserID {
			return apperr.New(apperr.Forbidden, "Người đề nghị không được tự phê duyệt đề nghị mở lại kỳ.",
				"Whoever proposed a reopening cannot decide it.")
		}
		before := act
		status := "rejected"
		if approve {
			status = "approved"
		}
		if err := t.GetContext(ctx, &act, `UPDATE period_acts SET status = $2, decided_by = NULLIF($3, 0), decided_login = $4, decided_at = now()
			WHERE id = $1 RETURNING `+actColumns, actID, status, t.actor.UserID, t.actor.Login); err != nil {
			return fmt.Errorf("decide act: %w", err)
		}
		if approve {
			if _, err := t.ExecContext(ctx, `UPDATE periods SET closed_at = NULL, closed_by = NULL WHERE unit_id = $1 AND month = $2`,
				act.UnitID, act.Month); err != nil {
				return fmt.Errorf("reopen period: %w", err)
			}
		}
		return t.audit(ctx, event{UnitID: act.UnitID, Action: status, Entity: "period_act", EntityID: act.ID, Before: before, After: act})
	})
	return act, err
}

const actColumns = `id, unit_id, month, kind, status, reason, proposed_by, proposed_login, proposed_at, decided_by, decided_login, decided_at`

func (t *tx) insertAct(ctx context.Context, unitID int64, month time.Time, kind, status, reason string) (ledger.PeriodAct, error) {
	var act ledger.PeriodAct
	err := t.GetContext(ctx, &act, `INSERT INTO period_acts (unit_id, month, kind, status, reason, proposed_by, proposed_login,
			decided_by, decided_login, decided_at)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, 0), $7,
			CASE WHEN $4 = 'done' THEN NULLIF($6, 0) END, CASE WHEN $4 = 'done' THEN $7 END, CASE WHEN $4 = 'done' THEN now() END)
		RETURNING `+actColumns, unitID, month, kind, status, reason, t.actor.UserID, t.actor.Login)
	if err != nil {
		return act, fmt.Errorf("record period act: %w", err)
	}
	return act, nil
}

func periodKey(unitID int64, month time.Time) string {
	return fmt.Sprintf("%d/%s", unitID, month.Format("2006-01"))
}

// readUnitInScope returns NotFound unless unitID is within the subtrees of within (nil:
// everywhere, for the system and the CLI).
func readUnitInScope(ctx context.Context, q *sqlx.Tx, within []int64, unitID int64) error {
	var ok bool
	err := q.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM units WHERE id = $2 AND ($1::bigint[] IS NULL OR id IN
		(SELECT descendant_id FROM unit_closure WHERE ancestor_id = ANY($1))))`, pqInt64s(within), unitID)
	if err != nil {
		return fmt.Errorf("check scope: %w", err)
	}
	if !ok {
		return apperr.NotFoundf("đơn vị", "unit")
	}
	return nil
}
