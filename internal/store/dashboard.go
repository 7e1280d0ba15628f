package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"congquy/internal/money"
)

// Dashboard is what the overview page shows an actor: the budget of its scope for a year
// and the work waiting for it. Every figure is limited to the units given (the actor's
// scope for the permission that shows it).
type Dashboard struct {
	Estimate  money.VND `db:"estimate"`
	Committed money.VND `db:"committed"`
	Spent     money.VND `db:"spent"`
	Lines     int       `db:"lines"`
	// Vouchers by status in the year.
	Drafts    int `db:"drafts"`
	Submitted int `db:"submitted"`
	Rejected  int `db:"rejected"`
	Posted    int `db:"posted"`
	// Budget decisions and commitments drafted and not yet approved or rejected.
	DecisionDrafts   int `db:"decision_drafts"`
	CommitmentDrafts int `db:"commitment_drafts"`
}

// Remaining is estimate − committed − spent.
func (d Dashboard) Remaining() money.VND { return d.Estimate.Sub(d.Committed).Sub(d.Spent) }

// DashboardFor sums, in one snapshot, the budget lines of the year in the budget scope
// and counts the vouchers of the spending scope and the drafts of the budget scope. The
// sums read the running figures kept on the budget lines, so the page costs the same
// whatever the size of the journal.
func (s *Store) DashboardFor(ctx context.Context, budgetScope, spendScope []int64, year int) (Dashboard, error) {
	var d Dashboard
	err := s.read(ctx, func(q *sqlx.Tx) error {
		return q.GetContext(ctx, &d, `
			WITH b AS (SELECT DISTINCT descendant_id AS id FROM unit_closure WHERE ancestor_id = ANY($1)),
			     s AS (SELECT DISTINCT descendant_id AS id FROM unit_closure WHERE ancestor_id = ANY($2))
			SELECT l.estimate, l.committed, l.spent, l.lines, v.drafts, v.submitted, v.rejected, v.posted,
				(SELECT count(*) FROM budget_decisions WHERE status = 'draft' AND fiscal_year = $3 AND unit_id IN (SELECT id FROM b)) AS decision_drafts,
				(SELECT count(*) FROM commitments WHERE status = 'draft' AND fiscal_year = $3 AND unit_id IN (SELECT id FROM b)) AS commitment_drafts
			FROM (SELECT coalesce(sum(allocated + adjusted - withheld), 0) AS estimate, coalesce(sum(committed), 0) AS committed,
					coalesce(sum(spent), 0) AS spent, count(*) AS lines
				FROM budget_lines WHERE fiscal_year = $3 AND unit_id IN (SELECT id FROM b)) l,
			     (SELECT count(*) FILTER (WHERE status = 'draft') AS drafts, count(*) FILTER (WHERE status = 'submitted') AS submitted,
					count(*) FILTER (WHERE status = 'rejected') AS rejected, count(*) FILTER (WHERE status = 'posted') AS posted
				FROM vouchers WHERE fiscal_year = $3 AND unit_id IN (SELECT id FROM s)) v`,
			pq.Array(budgetScope), pq.Array(spendScope), year)
	})
	if err != nil {
		return d, translate(fmt.Errorf("dashboard: %w", err))
	}
	return d, nil
}
