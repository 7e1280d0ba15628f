package budget

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"congquy/internal/money"
)

// Basis is what a norm's limit is counted per.
type Basis string

// The bases of a norm's limit.
const (
	PerDay       Basis = "per_day"        // limit × days
	PerPerson    Basis = "per_person"     // limit × persons
	PerPersonDay Basis = "per_person_day" // limit × persons × days (lodging lump sums)
	PerItem      Basis = "per_item"       // limit × quantity of items (price caps)
	PerYear      Basis = "per_year"       // the year's total of the kind, this line included
	PerVoucher   Basis = "per_voucher"    // the line's amount
	Quantity     Basis = "quantity"       // a quantity, not an amount
)

// Action is what a breached norm does at submit.
type Action string

// The actions of a norm.
const (
	Block Action = "block" // the voucher cannot be submitted
	Warn  Action = "warn"  // it can, with a written justification shown to approvers and inspectors
)

// Norm is a spending rule (định mức) as data: its legal basis, what it applies to, its
// limit and what a breach does. Among the norms of one Group that match a line, the one
// with the lowest Priority applies (the most specific: a leader's lump sum before the
// place-based ones).
type Norm struct {
	ID              int64            `db:"id" json:"id"`
	Code            string           `db:"code" json:"code"`
	NameVI          string           `db:"name_vi" json:"name_vi"`
	NameEN          string           `db:"name_en" json:"name_en"`
	LegalDocument   string           `db:"legal_document" json:"legal_document"`
	LegalArticle    string           `db:"legal_article" json:"legal_article"`
	Group           string           `db:"norm_group" json:"group"`
	Priority        int              `db:"priority" json:"priority"`
	Items           []string         `db:"-" json:"items"` // tiểu mục the norm applies to; empty: any
	ExpenseKind     string           `db:"expense_kind" json:"expense_kind"`
	PlaceClass      string           `db:"place_class" json:"place_class"`             // empty: any place
	ItemKind        string           `db:"item_kind" json:"item_kind"`                 // empty: any item
	MinPositionCoef *decimal.Decimal `db:"min_position_coef" json:"min_position_coef"` // nil: anyone
	Basis           Basis            `db:"basis" json:"basis"`
	LimitAmount     money.NullVND    `db:"limit_amount" json:"limit_amount"`
	LimitQuantity   *decimal.Decimal `db:"limit_quantity" json:"limit_quantity"`
	Action          Action           `db:"action" json:"action"`
	ValidFrom       time.Time        `db:"valid_from" json:"valid_from"`
	ValidTo         *time.Time       `db:"valid_to" json:"valid_to"`
	Source          string           `db:"source" json:"source"`
	Verified        bool             `db:"verified" json:"verified"`
}

// Legal returns the norm's legal basis as one phrase.
func (n Norm) Legal() string { return n.LegalArticle + ", " + n.LegalDocument }

// Facts are what the norms need to know about one voucher line.
type Facts struct {
	Date         time.Time       // the voucher's document date
	Item         string          // tiểu mục of the line's budget line
	ExpenseKind  string          // e.g. "lodging_lump_sum", "car_purchase"
	Days         int             // days of a mission
	Persons      int             // persons concerned
	PlaceClass   string          // e.g. "city_class1", "town", "other"
	PositionCoef decimal.Decimal // hệ số phụ cấp chức vụ of the person
	ItemKind     string          // e.g. "car_general"
	Quantity     decimal.Decimal // items bought, or the quantity a quantity norm counts
	Amount       money.VND       // the line's amount
	PriorYear    money.VND       // this kind's total earlier in the fiscal year (per_year norms)
}

// Outcome is the result of one norm on one line.
type Outcome string

// The outcomes.
const (
	OK      Outcome = "ok"      // within the norm
	Warned  Outcome = "warn"    // over a warn norm: needs a justification
	Blocked Outcome = "block"   // over a block norm, or facts missing: cannot be submitted
	Missing Outcome = "missing" // the facts the norm needs were not given: cannot be submitted
)

// Result is one norm's verdict on one line, kept with the voucher so that approvers and
// inspectors see what was checked, the limit and the figures.
type Result struct {
	LineNo    int             `json:"line_no"`
	NormCode  string          `json:"norm_code"`
	NameVI    string          `json:"name_vi"`
	NameEN    string          `json:"name_en"`
	Legal     string          `json:"legal"`
	Verified  bool            `json:"verified"`
	Basis     Basis           `json:"basis"`
	Outcome   Outcome         `json:"outcome"`
	Permitted money.NullVND   `json:"permitted"`
	Actual    money.NullVND   `json:"actual"`
	LimitQty  decimal.Decimal `json:"limit_qty"`
	ActualQty decimal.Decimal `json:"actual_qty"`
}

// Breached reports whether the result stops or warns.
func (r Result) Breached() bool { return r.Outcome != OK }

// MessageVI explains the result in Vietnamese.
func (r Result) MessageVI() string {
	switch r.Outcome {
	case Missing:
		return fmt.Sprintf("Dòng %d: định mức %q cần số ngày, số người hoặc số lượng — hãy nhập đủ.", r.LineNo, r.NameVI)
	case OK:
		return fmt.Sprintf("Dòng %d: trong định mức %q.", r.LineNo, r.NameVI)
	}
	if r.Basis == Quantity {
		return fmt.Sprintf("Dòng %d vượt định mức %q (%s): số lượng %s, tối đa %s.", r.LineNo, r.NameVI, r.Legal, r.ActualQty, r.LimitQty)
	}
	return fmt.Sprintf("Dòng %d vượt định mức %q (%s): %s, tối đa %s.", r.LineNo, r.NameVI, r.Legal,
		r.Actual.VND.Format("vi"), r.Permitted.VND.Format("vi"))
}

// MessageEN explains the result in English.
func (r Result) MessageEN() string {
	switch r.Outcome {
	case Missing:
		return fmt.Sprintf("Line %d: norm %q needs the days, persons or quantity — enter them.", r.LineNo, r.NameEN)
	case OK:
		return fmt.Sprintf("Line %d: within norm %q.", r.LineNo, r.NameEN)
	}
	if r.Basis == Quantity {
		return fmt.Sprintf("Line %d exceeds norm %q (%s): quantity %s, at most %s.", r.LineNo, r.NameEN, r.Legal, r.ActualQty, r.LimitQty)
	}
	return fmt.Sprintf("Line %d exceeds norm %q (%s): %s, at most %s.", r.LineNo, r.NameEN, r.Legal,
		r.Actual.VND.Format("en"), r.Permitted.VND.Format("en"))
}

// Evaluate applies the norms to one line: in each group of norms, the matching norm with
// the lowest priority gives one result. Lines no norm matches give no result.
func Evaluate(norms []Norm, lineNo int, f Facts) []Result {
	best := map[string]Norm{}
	for _, n := range norms {
		if !n.matches(f) {
			continue
		}
		if b, ok := best[n.Group]; !ok || n.Priority < b.Priority || (n.Priority == b.Priority && n.Code < b.Code) {
			best[n.Group] = n
		}
	}
	groups := make([]string, 0, len(best))
	for g := range best {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	out := make([]Result, 0, len(groups))
	for _, g := range groups {
		out = append(out, best[g].apply(lineNo, f))
	}
	return out
}

// matches reports whether the norm applies to the line.
func (n Norm) matches(f Facts) bool {
	switch {
	case n.ExpenseKind != f.ExpenseKind:
		return false
	case f.Date.Before(n.ValidFrom) || (n.ValidTo != nil && f.Date.After(*n.ValidTo)):
		return false
	case len(n.Items) > 0 && !slices.Contains(n.Items, f.Item):
		return false
	case n.PlaceClass != "" && n.PlaceClass != f.PlaceClass:
		return false
	case n.ItemKind != "" && n.ItemKind != f.ItemKind:
		return false
	case n.MinPositionCoef != nil && f.PositionCoef.LessThan(*n.MinPositionCoef):
		return false
	}
	return true
}

// apply computes the norm's verdict on a line it matches.
func (n Norm) apply(lineNo int, f Facts) Result {
	r := Result{LineNo: lineNo, NormCode: n.Code, NameVI: n.NameVI, NameEN: n.NameEN, Legal: n.Legal(),
		Verified: n.Verified, Basis: n.Basis, Outcome: OK}
	if n.Basis == Quantity {
		if n.LimitQuantity == nil {
			r.Outcome = Missing
			return r
		}
		r.LimitQty, r.ActualQty = *n.LimitQuantity, f.Quantity
		if f.Quantity.GreaterThan(*n.LimitQuantity) {
			r.Outcome = Outcome(n.Action)
		}
		return r
	}
	permitted, actual, ok := n.figures(f)
	if !ok {
		r.Outcome = Missing
		return r
	}
	r.Permitted, r.Actual = money.NullVND{VND: permitted, Valid: true}, money.NullVND{VND: actual, Valid: true}
	if actual.GreaterThan(permitted) {
		r.Outcome = Outcome(n.Action)
	}
	return r
}

// figures returns the permitted amount and the amount compared with it, or false when
// the line lacks a fact the basis needs.
func (n Norm) figures(f Facts) (permitted, actual money.VND, ok bool) {
	limit := n.LimitAmount.VND
	switch n.Basis {
	case PerDay:
		return limit.MulInt(int64(f.Days)), f.Amount, f.Days > 0
	case PerPerson:
		return limit.MulInt(int64(f.Persons)), f.Amount, f.Persons > 0
	case PerPersonDay:
		return limit.MulInt(int64(f.Days) * int64(f.Persons)), f.Amount, f.Days > 0 && f.Persons > 0
	case PerItem:
		return limit.MulRate(f.Quantity), f.Amount, f.Quantity.IsPositive()
	case PerYear:
		return limit, f.PriorYear.Add(f.Amount), true
	case PerVoucher:
		return limit, f.Amount, true
	}
	return money.Zero, money.Zero, false
}

// Verdict sums up the results of a voucher: whether any blocks it, and which lines need
// a justification.
func Verdict(results []Result) (blocked []Result, warned []Result) {
	for _, r := range results {
		switch r.Outcome {
		case Blocked, Missing:
			blocked = append(blocked, r)
		case Warned:
			warned = append(warned, r)
		}
	}
	return blocked, warned
}
