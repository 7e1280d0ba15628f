package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
)

// ExecutionRow is one budget line in the budget-vs-actual report.
type ExecutionRow struct {
	LineID      int64              `db:"id" json:"line_id"`
	UnitID      int64              `db:"unit_id" json:"unit_id"`
	UnitCode    string             `db:"unit_code" json:"unit_code"`
	UnitNameVI  string             `db:"unit_name_vi" json:"unit_name_vi"`
	UnitNameEN  string             `db:"unit_name_en" json:"unit_name_en"`
	FundingType budget.FundingType `db:"funding_type" json:"funding_type"`
	ItemName    string             `db:"item_name" json:"item_name"`
	Verified    bool               `db:"verified" json:"verified"`
	budget.Classification
	Estimate  money.VND `db:"estimate" json:"estimate"`
	Committed money.VND `db:"committed" json:"committed"`
	Spent     money.VND `db:"spent" json:"spent"`
	Vouchers  int       `db:"vouchers" json:"vouchers"`
}

// Remaining is what the line still has: estimate − committed − spent.
func (r ExecutionRow) Remaining() money.VND { return r.Estimate.Sub(r.Committed).Sub(r.Spent) }

// Execution is budget-vs-actual for a unit's subtree and a fiscal year.
type Execution struct {
	UnitID int64
	Year   int
	Rows   []ExecutionRow
	Total  ExecutionRow
}

// BudgetVsActual returns, for every budget line of the unit's subtree in the year, the
// estimate, committed, spent and the number of approved vouchers, and their totals, in
// one snapshot. Every figure is a running total kept on the line (the voucher count by
// migration 00307), so the report's cost does not grow with the journal or the vouchers.
// Rates are computed by the caller with budget.Execution (exact decimals).
func (s *Store) BudgetVsActual(ctx context.Context, actor auth.Actor, unitID int64, year int) (Execution, error) {
	out := Execution{UnitID: unitID, Year: year}
	err := s.read(ctx, func(q *sqlx.Tx) error {
		if err := inScope(ctx, q, actor, unitID, auth.PermBudgetView, "đơn vị", "unit"); err != nil {
			return err
		}
		err := q.SelectContext(ctx, &out.Rows, `
			SELECT l.id, l.unit_id, u.code AS unit_code, u.name_vi AS unit_name_vi, u.name_en AS unit_name_en, l.funding_type,
				l.chapter, l.section, l.subsection, l.item_group, l.item, l.fund_source, l.budget_level,
				coalesce(c.name_vi, '') AS item_name, coalesce(c.verified, false) AS verified,
				l.allocated + l.adjusted - l.withheld AS estimate, l.committed, l.spent, l.vouchers
			FROM budget_lines l JOIN units u ON u.id = l.unit_id
			LEFT JOIN budget_code_sets s ON s.valid_from <= l.fiscal_year AND (s.valid_to IS NULL OR s.valid_to >= l.fiscal_year)
			LEFT JOIN budget_codes c ON c.set_id = s.id AND c.kind = 'item' AND c.code = l.item
			WHERE l.fiscal_year = $2 AND l.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $1)
			ORDER BY u.depth, u.code, l.item_group, l.item, l.chapter, l.subsection, l.fund_source, l.funding_type`, unitID, year)
		if err != nil {
			return fmt.Errorf("budget vs actual: %w", err)
		}
		for _, r := range out.Rows {
			out.Total.Estimate = out.Total.Estimate.Add(r.Estimate)
			out.Total.Committed = out.Total.Committed.Add(r.Committed)
			out.Total.Spent = out.Total.Spent.Add(r.Spent)
			out.Total.Vouchers += r.Vouchers
		}
		return nil
	})
	return out, err
}

// FiscalYears lists the fiscal years that have budget lines, newest first.
func (s *Store) FiscalYears(ctx context.Context) ([]int, error) {
	var out []int
	err := s.db.SelectContext(ctx, &out, `SELECT year FROM fiscal_years ORDER BY year DESC`)
	return out, translate(err)
}
