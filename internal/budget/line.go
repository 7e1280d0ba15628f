package budget

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"congquy/internal/apperr"
	"congquy/internal/money"
)

// Line is one line of a unit's budget for a fiscal year (dòng dự toán): a classification
// and a funding type, with running totals kept in the same transaction as every change.
//
//   - Allocated: the estimate assigned to this line (dự toán giao), after allotments to
//     sub-units have been moved out of it.
//   - Adjusted: approved increases, decreases and transfers (may be negative).
//   - Withheld: savings held back (tiết kiệm), not to be spent.
//   - Committed: approved commitments not yet consumed by payments or released.
//   - Spent: approved and posted expenditure.
//   - SubConsumed: what lines of sub-units linked to this one (parent-constraint mode)
//     have committed and spent; it caps the sub-units by this line's budget.
type Line struct {
	ID          int64       `db:"id" json:"id"`
	UnitID      int64       `db:"unit_id" json:"unit_id"`
	FiscalYear  int         `db:"fiscal_year" json:"fiscal_year"`
	FundingType FundingType `db:"funding_type" json:"funding_type"`
	Note        string      `db:"note" json:"note"`
	ParentID    *int64      `db:"parent_line_id" json:"parent_line_id"`
	Classification
	Allocated   money.VND `db:"allocated" json:"allocated"`
	Adjusted    money.VND `db:"adjusted" json:"adjusted"`
	Withheld    money.VND `db:"withheld" json:"withheld"`
	Committed   money.VND `db:"committed" json:"committed"`
	Spent       money.VND `db:"spent" json:"spent"`
	SubConsumed money.VND `db:"sub_consumed" json:"sub_consumed"`
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
}

// Estimate is what the line may use in the year: allocated + adjusted − withheld.
func (l Line) Estimate() money.VND { return l.Allocated.Add(l.Adjusted).Sub(l.Withheld) }

// Available is what can still be committed or spent: the estimate less what is
// committed, spent, and consumed by linked sub-unit lines. The database keeps it ≥ 0.
func (l Line) Available() money.VND {
	return l.Estimate().Sub(l.Committed).Sub(l.Spent).Sub(l.SubConsumed)
}

// Label names the line in messages: its tiểu mục and classification.
func (l Line) Label() string {
	return fmt.Sprintf("%s (%s-%s, nguồn %s)", l.Item, l.Chapter, l.Subsection, l.Source)
}

// LabelEN names the line in English messages.
func (l Line) LabelEN() string {
	return fmt.Sprintf("%s (%s-%s, source %s)", l.Item, l.Chapter, l.Subsection, l.Source)
}

// NewLine is what is needed to open a budget line. It opens with zero amounts; money
// arrives only through approved decisions.
type NewLine struct {
	UnitID      int64
	FiscalYear  int
	FundingType FundingType
	Note        string
	ParentID    *int64 // a line of a parent unit that caps this one (optional)
	Classification
}

// Validate checks a new line's shape; the store checks the codes against the set in
// force for the year.
func (n NewLine) Validate(span int) error {
	if n.FiscalYear < 2000 || n.FiscalYear > 2200 {
		return apperr.New(apperr.Invalid, "Năm ngân sách không hợp lệ.", "The fiscal year is not valid.").OnField("fiscal_year")
	}
	if !n.FundingType.Valid() {
		return apperr.New(apperr.Invalid, "Hãy chọn kinh phí tự chủ hoặc không tự chủ.", "Choose autonomous or non-autonomous funding.").OnField("funding_type")
	}
	if len([]rune(n.Note)) > 300 {
		return apperr.New(apperr.Invalid, "Ghi chú dài tối đa 300 ký tự.", "The note is at most 300 characters.").OnField("note")
	}
	return n.Classification.ValidateShape(span)
}

// InsufficientBudget is the refusal of a posting that would overspend a line: it names
// the line, what is available and what was asked.
func InsufficientBudget(l Line, available, asked money.VND) *apperr.Error {
	return apperr.New(apperr.InsufficientBudget,
		fmt.Sprintf("Dòng dự toán %s còn %s, yêu cầu %s.", l.Label(), available.Format("vi"), asked.Format("vi")),
		fmt.Sprintf("Budget line %s has %s available; %s was asked.", l.LabelEN(), available.Format("en"), asked.Format("en")))
}

// Execution is the share of the estimate spent, as an exact decimal percentage (not
// rounded; round only to display). A zero estimate gives zero.
func Execution(spent, estimate money.VND) decimal.Decimal {
	if estimate.Sign() <= 0 {
		return decimal.Zero
	}
	return spent.Decimal().Mul(decimal.NewFromInt(100)).DivRound(estimate.Decimal(), 6)
}

// ElapsedShare is the share of the fiscal year (a calendar year) elapsed at the end of
// day asOf, as a decimal percentage: the pace budget execution is compared against.
func ElapsedShare(year int, asOf time.Time) decimal.Decimal {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	day := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	switch {
	case !day.After(start):
		return decimal.Zero
	case !day.Before(end):
		return decimal.NewFromInt(100)
	}
	days := int64(end.Sub(start).Hours() / 24)
	done := int64(day.Sub(start).Hours() / 24)
	return decimal.NewFromInt(done*100).DivRound(decimal.NewFromInt(days), 6)
}
