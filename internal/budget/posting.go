package budget

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"congquy/internal/ledger"
	"congquy/internal/money"
)

// Accounts are the accounts of the chart (migrations/data/accounts_tt24_2024.csv) on which
// the budget area posts, for one funding type. The entries are those of the
// administrative accounting regime for a unit spending its operating estimate by
// withdrawing it at the State Treasury (rút dự toán) — Circular 24/2024/TT-BTC, which
// keeps the scheme of Circular 107/2017/TT-BTC — and are UNVERIFIED against the
// circular's text (docs/budget.md, "Journal entries"): an accountant must confirm them
// before production.
type Accounts struct {
	Expense  string // Nợ: chi phí hoạt động (611x)
	Revenue  string // Có: thu hoạt động do NSNN cấp (511)
	Estimate string // ngoài bảng: dự toán chi hoạt động năm nay (0082x), single entry
}

// AccountsFor returns the accounts of a funding type: an autonomous (tự chủ) line is
// recurrent spending (thường xuyên: 6111, 00821), a non-autonomous one non-recurrent
// (không thường xuyên: 6112, 00822).
func AccountsFor(f FundingType) Accounts {
	if f == NonAutonomous {
		return Accounts{Expense: "6112", Revenue: "511", Estimate: "00822"}
	}
	return Accounts{Expense: "6111", Revenue: "511", Estimate: "00821"}
}

// SourceVoucher and SourceDecision are the journal entries' source types.
const (
	SourceVoucher  = "voucher"
	SourceDecision = "budget_decision"
)

// Code is the line's classification as journal lines carry it (budget_code):
// chương-khoản-tiểu mục/nguồn/cấp.
func (l Line) Code() string {
	return fmt.Sprintf("%s-%s-%s/%s/%d", l.Chapter, l.Subsection, l.Item, l.Source, l.Level)
}

// VoucherEntry is the journal entry that posts an approved voucher, dated on its document
// date: for each budget line it spends (in id order), Nợ the expense account / Có the
// revenue account (the estimate withdrawn to pay directly), and, single entry, Có the
// off-balance estimate account (the estimate used). Every line of the entry carries its
// budget line, so that the ledger can be summed per line (store invariants).
func VoucherEntry(v Voucher, lines map[int64]Line, approvedBy int64) ledger.Entry {
	byLine := map[int64]money.VND{}
	var ids []int64
	for _, l := range v.Lines {
		if _, ok := byLine[l.BudgetLineID]; !ok {
			ids = append(ids, l.BudgetLineID)
		}
		byLine[l.BudgetLineID] = byLine[l.BudgetLineID].Add(l.Amount)
	}
	slices.Sort(ids)
	e := ledger.Entry{UnitID: v.UnitID, Date: v.DocDate, Memo: clipRunes(voucherMemo(v), 500),
		SourceType: SourceVoucher, SourceID: strconv.FormatInt(v.ID, 10), ApprovedBy: approvedBy}
	if v.DraftedBy != nil {
		e.DraftedBy = *v.DraftedBy
	}
	for _, id := range ids {
		l, x := lines[id], byLine[id]
		acc := AccountsFor(l.FundingType)
		code := l.Code()
		e.Lines = append(e.Lines,
			ledger.Line{Account: acc.Expense, Debit: x, BudgetLineID: id, BudgetCode: code},
			ledger.Line{Account: acc.Revenue, Credit: x, BudgetLineID: id, BudgetCode: code},
			ledger.Line{Account: acc.Estimate, Credit: x, BudgetLineID: id, BudgetCode: code, Memo: "Sử dụng dự toán"})
	}
	return e
}

// voucherMemo is the entry's description: the document and the payee.
func voucherMemo(v Voucher) string {
	doc := v.DocNo
	if doc == "" {
		doc = "#" + strconv.FormatInt(v.ID, 10)
	}
	memo := "Chi theo chứng từ " + doc + " — " + v.Payee
	if v.Description != "" {
		memo += ": " + v.Description
	}
	return memo
}

// DecisionPart is one line of a decision as it posts: the budget line (with its unit and
// funding type) and the signed amount the decision moves on it.
type DecisionPart struct {
	Line   Line
	Amount money.VND
}

// DecisionEntries are the journal entries that post an approved decision to the
// off-balance estimate accounts, one per unit it touches (an entry belongs to one unit;
// an allotment touches the department and its offices), in unit order. The estimate
// account is debited with what a line receives (estimate, allotment received, increase,
// transfer in, release of withheld savings) and credited with what it gives up (allotment
// given to sub-units, decrease, transfer out, savings withheld). So, per budget line, the
// balance of the estimate account is allocated + adjusted − withheld − spent.
func DecisionEntries(id int64, kind DecisionKind, number string, date time.Time, draftedBy, approvedBy int64, parts []DecisionPart) []ledger.Entry {
	byUnit := map[int64]*ledger.Entry{}
	var units []int64
	for _, p := range parts {
		e, ok := byUnit[p.Line.UnitID]
		if !ok {
			e = &ledger.Entry{UnitID: p.Line.UnitID, Date: date, SourceType: SourceDecision, SourceID: strconv.FormatInt(id, 10),
				Memo: clipRunes("Quyết định "+number+": "+decisionKindVI[kind], 500), DraftedBy: draftedBy, ApprovedBy: approvedBy}
			byUnit[p.Line.UnitID] = e
			units = append(units, p.Line.UnitID)
		}
		receives := p.Amount.IsPositive()
		if kind.Column() == ColWithheld {
			receives = !receives // withholding takes estimate away, releasing gives it back
		}
		l := ledger.Line{Account: AccountsFor(p.Line.FundingType).Estimate, BudgetLineID: p.Line.ID, BudgetCode: p.Line.Code()}
		if receives {
			l.Debit = p.Amount.Abs()
		} else {
			l.Credit = p.Amount.Abs()
		}
		e.Lines = append(e.Lines, l)
	}
	slices.Sort(units)
	out := make([]ledger.Entry, 0, len(units))
	for _, u := range units {
		out = append(out, *byUnit[u])
	}
	return out
}

// decisionKindVI names the kinds in journal memos (the ledger's memos are Vietnamese, as
// the books are kept).
var decisionKindVI = map[DecisionKind]string{
	DecisionEstimate: "giao dự toán", DecisionAllotment: "phân bổ dự toán", DecisionIncrease: "bổ sung dự toán",
	DecisionDecrease: "điều chỉnh giảm dự toán", DecisionTransfer: "điều chuyển dự toán",
	DecisionWithhold: "giữ lại tiết kiệm", DecisionRelease: "giải tỏa tiết kiệm",
}

// ClipMemo cuts a journal memo to the ledger's 500 characters.
func ClipMemo(s string) string { return clipRunes(s, 500) }

// clipRunes cuts s to at most n characters.
func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
