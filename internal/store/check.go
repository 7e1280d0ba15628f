package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Violation is one broken invariant found by the checker.
type Violation struct {
	Check  string `json:"check"`  // the invariant's id, e.g. "ledger.entry_balanced"
	Entity string `json:"entity"` // the kind of record at fault
	ID     string `json:"id"`     // the record's id
	Detail string `json:"detail"` // what is wrong, with the figures
}

// invariant is one check of the invariant checker: it returns the records that break it.
type invariant struct {
	id  string
	run func(ctx context.Context, q *sqlx.Tx) ([]Violation, error)
}

// invariants are run by Check in order; each area appends its own.
var invariants = []invariant{
	{"org.unit_closure", checkUnitClosure},
	{"auth.role_in_subtree", checkRolesInSubtree},
	{"ledger.entry_balanced", checkEntriesBalance},
	{"ledger.balances_match_lines", checkBalancesMatchLines},
	{"ledger.reversal_mirrors", checkReversalsMirror},
	{"audit.chains_verify", checkAuditChains},
	// Budget and expenditure (budget_check.go).
	{"budget.line_available", checkLineAvailable},
	{"budget.line_decisions", checkLineDecisions},
	{"budget.line_committed", checkLineCommitted},
	{"budget.line_spent", checkLineSpent},
	{"budget.line_vouchers", checkLineVouchers},
	{"budget.line_sub_consumed", checkLineSubConsumed},
	{"budget.commitment_consistent", checkCommitments},
	{"budget.voucher_total", checkVoucherTotals},
	{"budget.decision_sum", checkDecisionSums},
	{"budget.line_spent_ledger", checkLineSpentLedger},
	{"budget.line_estimate_ledger", checkLineEstimateLedger},
}

// CheckResult is the outcome of one invariant.
type CheckResult struct {
	ID         string
	Violations []Violation
}

// Check recomputes every invariant from the data, in one snapshot, and returns what it
// found. progress, if not nil, is told each invariant's id before it runs.
func (s *Store) Check(ctx context.Context, progress func(id string)) ([]CheckResult, error) {
	var out []CheckResult
	err := s.read(ctx, func(q *sqlx.Tx) error {
		for _, inv := range invariants {
			if progress != nil {
				progress(inv.id)
			}
			v, err := inv.run(ctx, q)
			if err != nil {
				return fmt.Errorf("check %s: %w", inv.id, err)
			}
			out = append(out, CheckResult{ID: inv.id, Violations: v})
		}
		return nil
	})
	return out, err
}

// checkUnitClosure: every unit's ancestors in unit_closure are exactly its parent chain.
func checkUnitClosure(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		WITH RECURSIVE chain AS (
			SELECT id AS unit_id, id AS ancestor_id, 0 AS distance FROM units
			UNION ALL
			SELECT c.unit_id, u.parent_id, c.distance + 1
			FROM chain c JOIN units u ON u.id = c.ancestor_id
			WHERE u.parent_id IS NOT NULL AND c.distance < 64
		), diff AS (
			(SELECT unit_id, ancestor_id, distance FROM chain
			 EXCEPT SELECT descendant_id, ancestor_id, distance FROM unit_closure)
			UNION ALL
			(SELECT descendant_id, ancestor_id, distance FROM unit_closure
			 EXCEPT SELECT unit_id, ancestor_id, distance FROM chain)
		)
		SELECT DISTINCT 'org.unit_closure' AS check, 'unit' AS entity, unit_id::text AS id,
			'unit tree index disagrees with parent links' AS detail
		FROM diff ORDER BY id`)
	return out, err
}

// checkRolesInSubtree: every role is granted within its user's unit subtree.
func checkRolesInSubtree(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		SELECT 'auth.role_in_subtree' AS check, 'user' AS entity, r.user_id::text AS id,
			format('role %s on unit %s is outside the user''s unit %s', r.role, r.unit_id, u.unit_id) AS detail
		FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE NOT EXISTS (SELECT 1 FROM unit_closure c WHERE c.ancestor_id = u.unit_id AND c.descendant_id = r.unit_id)
		ORDER BY r.user_id`)
	return out, err
}
