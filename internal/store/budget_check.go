package store

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// The budget area's invariants (TESTING.md): recomputed from the records and from the
// ledger, they must agree with the running totals the use cases keep.

// checkLineAvailable: every line's components keep their sign rules and committed +
// spent + sub_consumed ≤ allocated + adjusted − withheld.
func checkLineAvailable(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		SELECT 'budget.line_available' AS check, 'budget_line' AS entity, id::text AS id,
			format('allocated %s adjusted %s withheld %s committed %s spent %s sub_consumed %s',
				allocated, adjusted, withheld, committed, spent, sub_consumed) AS detail
		FROM budget_lines
		WHERE allocated < 0 OR withheld < 0 OR committed < 0 OR spent < 0 OR sub_consumed < 0
		   OR allocated + adjusted < 0
		   OR committed + spent + sub_consumed > allocated + adjusted - withheld
		ORDER BY id`)
	return out, err
}

// checkLineDecisions: each line's allocated, adjusted and withheld equal the sums of the
// approved decisions on it.
func checkLineDecisions(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		WITH d AS (
			SELECT dl.budget_line_id AS id,
				sum(dl.amount) FILTER (WHERE d.kind IN ('estimate', 'allotment')) AS allocated,
				sum(dl.amount) FILTER (WHERE d.kind IN ('increase', 'decrease', 'transfer')) AS adjusted,
				sum(dl.amount) FILTER (WHERE d.kind IN ('withhold', 'release')) AS withheld
			FROM budget_decision_lines dl JOIN budget_decisions d ON d.id = dl.decision_id
			WHERE d.status = 'approved' GROUP BY dl.budget_line_id)
		SELECT 'budget.line_decisions' AS check, 'budget_line' AS entity, l.id::text AS id,
			format('line has allocated %s adjusted %s withheld %s; decisions give %s, %s, %s',
				l.allocated, l.adjusted, l.withheld, coalesce(d.allocated, 0), coalesce(d.adjusted, 0), coalesce(d.withheld, 0)) AS detail
		FROM budget_lines l LEFT JOIN d ON d.id = l.id
		WHERE l.allocated <> coalesce(d.allocated, 0) OR l.adjusted <> coalesce(d.adjusted, 0) OR l.withheld <> coalesce(d.withheld, 0)
		ORDER BY l.id`)
	return out, err
}

// checkLineCommitted: each line's committed equals what its approved commitments hold.
func checkLineCommitted(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		WITH c AS (SELECT budget_line_id AS id, sum(amount - consumed - released) AS open
			FROM commitments WHERE status IN ('approved', 'closed') GROUP BY budget_line_id)
		SELECT 'budget.line_committed' AS check, 'budget_line' AS entity, l.id::text AS id,
			format('line has committed %s; its commitments hold %s', l.committed, coalesce(c.open, 0)) AS detail
		FROM budget_lines l LEFT JOIN c ON c.id = l.id
		WHERE l.committed <> coalesce(c.open, 0) ORDER BY l.id`)
	return out, err
}

// checkLineSpent: each line's spent equals the approved and posted voucher lines on it.
func checkLineSpent(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		WITH s AS (SELECT vl.budget_line_id AS id, sum(vl.amount) AS spent
			FROM voucher_lines vl JOIN vouchers v ON v.id = vl.voucher_id
			WHERE v.status IN ('approved', 'posted') GROUP BY vl.budget_line_id)
		SELECT 'budget.line_spent' AS check, 'budget_line' AS entity, l.id::text AS id,
			format('line has spent %s; approved vouchers total %s', l.spent, coalesce(s.spent, 0)) AS detail
		FROM budget_lines l LEFT JOIN s ON s.id = l.id
		WHERE l.spent <> coalesce(s.spent, 0) ORDER BY l.id`)
	return out, err
}

// checkLineVouchers: each line's running voucher count (budget-vs-actual) equals the
// approved and posted vouchers with a line on it.
func checkLineVouchers(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		WITH c AS (SELECT vl.budget_line_id AS id, count(DISTINCT vl.voucher_id) AS n
			FROM voucher_lines vl JOIN vouchers v ON v.id = vl.voucher_id
			WHERE v.status IN ('approved', 'posted') GROUP BY vl.budget_line_id)
		SELECT 'budget.line_vouchers' AS check, 'budget_line' AS entity, l.id::text AS id,
			format('line counts %s vouchers; %s approved vouchers spend on it', l.vouchers, coalesce(c.n, 0)) AS detail
		FROM budget_lines l LEFT JOIN c ON c.id = l.id
		WHERE l.vouchers <> coalesce(c.n, 0) ORDER BY l.id`)
	return out, err
}

// checkLineSubConsumed: a line's sub_consumed equals what its linked sub-unit lines
// have committed, spent, and consumed below them.
func checkLineSubConsumed(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		WITH c AS (SELECT parent_line_id AS id, sum(committed + spent + sub_consumed) AS used
			FROM budget_lines WHERE parent_line_id IS NOT NULL GROUP BY parent_line_id)
		SELECT 'budget.line_sub_consumed' AS check, 'budget_line' AS entity, l.id::text AS id,
			format('line has sub_consumed %s; its linked lines use %s', l.sub_consumed, coalesce(c.used, 0)) AS detail
		FROM budget_lines l LEFT JOIN c ON c.id = l.id
		WHERE l.sub_consumed <> coalesce(c.used, 0) ORDER BY l.id`)
	return out, err
}

// checkCommitments: consumed + released ≤ amount, and consumed equals the approved
// voucher lines that pay the commitment; a draft or rejected one has moved nothing.
func checkCommitments(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		WITH p AS (SELECT vl.commitment_id AS id, sum(vl.amount) AS paid
			FROM voucher_lines vl JOIN vouchers v ON v.id = vl.voucher_id
			WHERE v.status IN ('approved', 'posted') AND vl.commitment_id IS NOT NULL GROUP BY vl.commitment_id)
		SELECT 'budget.commitment_consistent' AS check, 'commitment' AS entity, c.id::text AS id,
			format('amount %s consumed %s released %s status %s; approved vouchers paid %s',
				c.amount, c.consumed, c.released, c.status, coalesce(p.paid, 0)) AS detail
		FROM commitments c LEFT JOIN p ON p.id = c.id
		WHERE c.consumed + c.released > c.amount OR c.consumed <> coalesce(p.paid, 0)
		   OR (c.status IN ('draft', 'rejected') AND (c.consumed <> 0 OR c.released <> 0))
		ORDER BY c.id`)
	return out, err
}

// checkVoucherTotals: a voucher's total is the sum of its lines.
func checkVoucherTotals(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		SELECT 'budget.voucher_total' AS check, 'voucher' AS entity, v.id::text AS id,
			format('total %s, lines sum to %s', v.total, coalesce(sum(vl.amount), 0)) AS detail
		FROM vouchers v LEFT JOIN voucher_lines vl ON vl.voucher_id = v.id
		GROUP BY v.id HAVING v.total <> coalesce(sum(vl.amount), 0) ORDER BY v.id`)
	return out, err
}

// checkDecisionSums: a decision's lines add up to its total by its kind's rule.
func checkDecisionSums(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		SELECT 'budget.decision_sum' AS check, 'budget_decision' AS entity, d.id::text AS id,
			format('%s of %s: lines give %s and take %s', d.kind, d.total,
				coalesce(sum(dl.amount) FILTER (WHERE dl.amount > 0), 0), coalesce(-sum(dl.amount) FILTER (WHERE dl.amount < 0), 0)) AS detail
		FROM budget_decisions d LEFT JOIN budget_decision_lines dl ON dl.decision_id = d.id
		GROUP BY d.id
		HAVING CASE
			WHEN d.kind IN ('allotment', 'transfer') THEN coalesce(sum(dl.amount), 0) <> 0
				OR coalesce(sum(dl.amount) FILTER (WHERE dl.amount > 0), 0) <> d.total
			WHEN d.kind IN ('decrease', 'release') THEN coalesce(sum(dl.amount), 0) <> -d.total
			ELSE coalesce(sum(dl.amount), 0) <> d.total END
		ORDER BY d.id`)
	return out, err
}

// budgetLedgerSums sums, per budget line, the journal lines that name it: on expense
// accounts (what vouchers spent, less reversals) and on the off-balance estimate accounts
// (what decisions gave, less what decisions took and vouchers used).
const budgetLedgerSums = `
	WITH j AS (
		SELECT jl.budget_line_id AS id,
			sum(jl.debit - jl.credit) FILTER (WHERE a.kind = 'expense') AS spent,
			sum(jl.debit - jl.credit) FILTER (WHERE jl.off_balance) AS estimate
		FROM journal_lines jl
		JOIN (SELECT DISTINCT code, kind FROM accounts) a ON a.code = jl.account_code
		WHERE jl.budget_line_id IS NOT NULL
		GROUP BY jl.budget_line_id)`

// checkLineSpentLedger: each line's spent equals the ledger: the debits less the credits
// of the expense-account journal lines that name it (postings less reversals).
func checkLineSpentLedger(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, budgetLedgerSums+`
		SELECT 'budget.line_spent_ledger' AS check, 'budget_line' AS entity, l.id::text AS id,
			format('line has spent %s; the ledger''s expense postings on it total %s', l.spent, coalesce(j.spent, 0)) AS detail
		FROM budget_lines l LEFT JOIN j ON j.id = l.id
		WHERE l.spent <> coalesce(j.spent, 0) ORDER BY l.id`)
	return out, err
}

// checkLineEstimateLedger: the off-balance estimate account's balance on each line equals
// the line's estimate less what it spent: allocated + adjusted − withheld − spent.
// (Committed amounts have no account of their own in the chart; budget.line_committed
// checks them against the commitments.)
func checkLineEstimateLedger(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, budgetLedgerSums+`
		SELECT 'budget.line_estimate_ledger' AS check, 'budget_line' AS entity, l.id::text AS id,
			format('line has estimate %s and spent %s; the off-balance estimate account on it holds %s',
				l.allocated + l.adjusted - l.withheld, l.spent, coalesce(j.estimate, 0)) AS detail
		FROM budget_lines l LEFT JOIN j ON j.id = l.id
		WHERE l.allocated + l.adjusted - l.withheld - l.spent <> coalesce(j.estimate, 0) ORDER BY l.id`)
	return out, err
}
