package budget

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"congquy/internal/apperr"
	"congquy/internal/money"
)

// DecisionKind is what a budget decision does to its lines.
type DecisionKind string

// The kinds of budget decision. Each moves one running total of its lines.
const (
	DecisionEstimate  DecisionKind = "estimate"  // dự toán giao: allocated += amount (> 0)
	DecisionAllotment DecisionKind = "allotment" // phân bổ: allocated moves from one line to sub-units' lines
	DecisionIncrease  DecisionKind = "increase"  // bổ sung: adjusted += amount (> 0)
	DecisionDecrease  DecisionKind = "decrease"  // điều chỉnh giảm: adjusted −= amount
	DecisionTransfer  DecisionKind = "transfer"  // điều chuyển giữa các dòng: adjusted ±, sum 0
	DecisionWithhold  DecisionKind = "withhold"  // giữ lại tiết kiệm: withheld += amount (> 0)
	DecisionRelease   DecisionKind = "release"   // giải tỏa tiết kiệm: withheld −= amount
)

// DecisionKinds lists the kinds in display order.
var DecisionKinds = []DecisionKind{DecisionEstimate, DecisionAllotment, DecisionIncrease,
	DecisionDecrease, DecisionTransfer, DecisionWithhold, DecisionRelease}

// Column is the running total the kind moves.
type Column string

// The running totals a decision can move.
const (
	ColAllocated Column = "allocated"
	ColAdjusted  Column = "adjusted"
	ColWithheld  Column = "withheld"
)

// Column returns the running total a decision of this kind moves.
func (k DecisionKind) Column() Column {
	switch k {
	case DecisionEstimate, DecisionAllotment:
		return ColAllocated
	case DecisionWithhold, DecisionRelease:
		return ColWithheld
	}
	return ColAdjusted
}

// Valid reports whether k is a known kind.
func (k DecisionKind) Valid() bool {
	for _, x := range DecisionKinds {
		if x == k {
			return true
		}
	}
	return false
}

// The statuses of decisions, commitments and vouchers: drafted, submitted (vouchers),
// approved by another user (and applied), rejected with a reason, posted to the ledger
// (vouchers: approving posts), reversed by a reversing entry (vouchers), closed
// (commitments).
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusApproved  = "approved"
	StatusRejected  = "rejected"
	StatusPosted    = "posted"
	StatusReversed  = "reversed"
	StatusClosed    = "closed"
)

// DecisionLine is one budget line's signed amount in a decision.
type DecisionLine struct {
	LineNo int       `db:"line_no" json:"line_no"`
	LineID int64     `db:"budget_line_id" json:"budget_line_id"`
	Amount money.VND `db:"amount" json:"amount"`
}

// NewDecision is a budget decision as drafted: a decision number and date (số, ngày quyết
// định), the total it moves, and its lines. Amounts are signed the way they move the
// column: an allotment takes from its source line (negative) what it gives the sub-units'
// lines (positive); a decrease or release is negative; a transfer sums to zero.
type NewDecision struct {
	UnitID       int64
	FiscalYear   int
	Kind         DecisionKind
	DecisionNo   string
	DecisionDate time.Time
	Total        money.VND
	Note         string
	Lines        []DecisionLine
}

// MaxDecisionLines bounds the lines of one decision.
const MaxDecisionLines = 500

// Normalize trims the text fields and numbers the lines.
func (d *NewDecision) Normalize() {
	d.DecisionNo = strings.TrimSpace(d.DecisionNo)
	d.Note = strings.TrimSpace(d.Note)
	for i := range d.Lines {
		d.Lines[i].LineNo = i + 1
	}
}

// Validate checks the decision by itself: its header, the signs its kind allows, and
// that the parts sum exactly to the total; a difference is named in the message.
func (d NewDecision) Validate() error {
	switch {
	case !d.Kind.Valid():
		return apperr.New(apperr.Invalid, "Loại quyết định không hợp lệ.", "Unknown kind of decision.").OnField("kind")
	case d.DecisionNo == "" || len([]rune(d.DecisionNo)) > 64:
		return apperr.New(apperr.Invalid, "Số quyết định dài 1–64 ký tự.", "The decision number is 1–64 characters.").OnField("decision_no")
	case d.DecisionDate.IsZero():
		return apperr.New(apperr.Invalid, "Thiếu ngày quyết định.", "The decision date is missing.").OnField("decision_date")
	case len([]rune(d.Note)) > 1000:
		return apperr.New(apperr.Invalid, "Ghi chú dài tối đa 1000 ký tự.", "The note is at most 1000 characters.").OnField("note")
	case !d.Total.IsPositive():
		return apperr.New(apperr.Invalid, "Tổng số tiền của quyết định phải lớn hơn 0.", "The decision's total must be more than 0.").OnField("total")
	case len(d.Lines) == 0 || len(d.Lines) > MaxDecisionLines:
		return apperr.Newf(apperr.Invalid, "Quyết định cần 1–%d dòng.", "A decision needs 1–%d lines.", MaxDecisionLines).OnField("lines")
	}
	seen := map[int64]bool{}
	var plus, minus money.VND
	nPlus, nMinus := 0, 0
	for _, l := range d.Lines {
		if seen[l.LineID] {
			return apperr.New(apperr.Invalid, "Một dòng dự toán chỉ xuất hiện một lần trong quyết định.", "A budget line appears only once in a decision.").OnField("lines")
		}
		seen[l.LineID] = true
		switch l.Amount.Sign() {
		case 0:
			return apperr.New(apperr.Invalid, "Số tiền của từng dòng phải khác 0.", "Each line's amount must not be 0.").OnField("lines")
		case 1:
			plus, nPlus = plus.Add(l.Amount), nPlus+1
		default:
			minus, nMinus = minus.Add(l.Amount.Neg()), nMinus+1
		}
	}
	return d.checkSigns(plus, minus, nPlus, nMinus)
}

// checkSigns applies the kind's sign rule and the sum rule.
func (d NewDecision) checkSigns(plus, minus money.VND, nPlus, nMinus int) error {
	wrongSign := apperr.New(apperr.Invalid, signRuleVI[d.Kind], signRuleEN[d.Kind]).OnField("lines")
	switch d.Kind {
	case DecisionEstimate, DecisionIncrease, DecisionWithhold:
		if nMinus > 0 {
			return wrongSign
		}
		return sumMatches(plus, d.Total)
	case DecisionDecrease, DecisionRelease:
		if nPlus > 0 {
			return wrongSign
		}
		return sumMatches(minus, d.Total)
	case DecisionTransfer:
		if nPlus == 0 || nMinus == 0 {
			return wrongSign
		}
		if err := sumMatches(plus, d.Total); err != nil {
			return err
		}
		return sumMatches(minus, d.Total)
	case DecisionAllotment:
		if nMinus != 1 || nPlus == 0 {
			return wrongSign
		}
		if err := sumMatches(minus, d.Total); err != nil {
			return err
		}
		return sumMatches(plus, d.Total)
	}
	return nil
}

var signRuleVI = map[DecisionKind]string{
	DecisionEstimate:  "Dự toán giao: mọi dòng đều là số dương.",
	DecisionIncrease:  "Bổ sung dự toán: mọi dòng đều là số dương.",
	DecisionWithhold:  "Giữ lại tiết kiệm: mọi dòng đều là số dương.",
	DecisionDecrease:  "Điều chỉnh giảm: mọi dòng đều là số âm.",
	DecisionRelease:   "Giải tỏa tiết kiệm: mọi dòng đều là số âm.",
	DecisionTransfer:  "Điều chuyển cần ít nhất một dòng chuyển đi (âm) và một dòng nhận (dương).",
	DecisionAllotment: "Phân bổ lấy từ đúng một dòng của đơn vị (âm) cho các dòng của đơn vị cấp dưới (dương).",
}

var signRuleEN = map[DecisionKind]string{
	DecisionEstimate:  "Estimate: every line is positive.",
	DecisionIncrease:  "Increase: every line is positive.",
	DecisionWithhold:  "Withhold savings: every line is positive.",
	DecisionDecrease:  "Decrease: every line is negative.",
	DecisionRelease:   "Release savings: every line is negative.",
	DecisionTransfer:  "A transfer needs at least one line giving (negative) and one receiving (positive).",
	DecisionAllotment: "An allotment takes from exactly one line of the unit (negative) for lines of its sub-units (positive).",
}

// sumMatches refuses parts that do not add up to the total, naming the difference.
func sumMatches(parts, total money.VND) error {
	if parts.Equal(total) {
		return nil
	}
	diff := parts.Sub(total).Abs()
	return apperr.New(apperr.Invalid,
		fmt.Sprintf("Các phần cộng lại %s, khác tổng số %s (chênh lệch %s).", parts.Format("vi"), total.Format("vi"), diff.Format("vi")),
		fmt.Sprintf("The parts add up to %s, not the total %s (a difference of %s).", parts.Format("en"), total.Format("en"), diff.Format("en"))).
		OnField("lines")
}

// DistributeEqual splits total into n parts that differ by at most 1 đồng and add up
// exactly to it: the "distribute evenly" helper of the allotment form.
func DistributeEqual(total money.VND, n int) ([]money.VND, error) { return total.SplitEqual(n) }

// DistributeByWeights splits total in proportion to weights (head counts, last year's
// shares), the parts adding up exactly to it.
func DistributeByWeights(total money.VND, weights []decimal.Decimal) ([]money.VND, error) {
	return total.SplitByWeights(weights)
}
