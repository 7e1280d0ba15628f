// Package ledger holds the double-entry ledger's rules (sổ cái, DESIGN.md §3): journal
// entries and their lines, accounts of the chart, monthly periods. It knows no SQL; the
// store enforces the same rules again in the database.
package ledger

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"congquy/internal/apperr"
	"congquy/internal/money"
)

// Entry is a journal entry (bút toán) to post: two or more lines on accounts of the chart,
// for one unit, on one date, from one source document.
type Entry struct {
	UnitID     int64
	Date       time.Time // the entry's civil date; its month is the period
	Memo       string    // what happened, as the accountant writes it (diễn giải)
	SourceType string    // the kind of source document: "voucher", "receipt", "manual", …
	SourceID   string    // the source document's id, "" for none
	DraftedBy  int64     // the user who drafted the source document (0: none)
	ApprovedBy int64     // the user who approved it (0: none)
	ReversesID int64     // set only by reversals
	Lines      []Line
}

// Line is one line of an entry: exactly one of Debit and Credit is positive.
type Line struct {
	Account      string    `db:"account" json:"account"`
	Debit        money.VND `db:"debit" json:"debit"`
	Credit       money.VND `db:"credit" json:"credit"`
	BudgetLineID int64     `db:"budget_line_id" json:"budget_line_id,omitempty"` // the budget line it consumes, 0 for none
	BudgetCode   string    `db:"budget_code" json:"budget_code,omitempty"`       // budget classification (mục lục NSNN), free text
	Memo         string    `db:"memo" json:"memo,omitempty"`
}

// Posted is what posting an entry returns.
type Posted struct {
	ID       int64
	Period   time.Time
	PostedAt time.Time
}

// MaxLines bounds the lines of one entry.
const MaxLines = 500

var (
	accountShape    = regexp.MustCompile(`^[0-9]{3,6}$`)
	sourceTypeShape = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

// IsOffBalance reports whether the account is an off-balance memorandum account (tài
// khoản ngoài bảng, numbered 0xx): single-entry, outside the debit = credit balance.
func IsOffBalance(code string) bool { return strings.HasPrefix(code, "0") }

// Normalize trims the text fields.
func (e *Entry) Normalize() {
	e.Memo = strings.TrimSpace(e.Memo)
	e.SourceType = strings.TrimSpace(e.SourceType)
	e.SourceID = strings.TrimSpace(e.SourceID)
	for i := range e.Lines {
		e.Lines[i].Account = strings.TrimSpace(e.Lines[i].Account)
		e.Lines[i].BudgetCode = strings.TrimSpace(e.Lines[i].BudgetCode)
		e.Lines[i].Memo = strings.TrimSpace(e.Lines[i].Memo)
	}
}

// Validate checks the entry's shape: a unit, a date, a memo, a source; lines with one
// positive side each on well-formed account numbers; the on-balance lines balance and are
// at least two (an entry of only off-balance lines is a single-entry memorandum).
func (e Entry) Validate() error {
	switch {
	case e.UnitID <= 0:
		return apperr.New(apperr.Invalid, "Bút toán phải thuộc một đơn vị.", "An entry must belong to a unit.").OnField("unit_id")
	case e.Date.IsZero():
		return apperr.New(apperr.Invalid, "Hãy nhập ngày hạch toán.", "Enter the entry date.").OnField("date")
	case e.Memo == "" || len([]rune(e.Memo)) > 500:
		return apperr.New(apperr.Invalid, "Diễn giải gồm 1–500 ký tự.", "The memo is 1–500 characters.").OnField("memo")
	case !sourceTypeShape.MatchString(e.SourceType):
		return apperr.New(apperr.Invalid, "Loại chứng từ gốc không hợp lệ.", "The source document type is not valid.").OnField("source_type")
	case len(e.SourceID) > 100:
		return apperr.New(apperr.Invalid, "Số chứng từ gốc quá dài.", "The source document id is too long.").OnField("source_id")
	case len(e.Lines) == 0 || len(e.Lines) > MaxLines:
		return apperr.Newf(apperr.Invalid, "Bút toán có từ 1 đến %d dòng.", "An entry has 1 to %d lines.", MaxLines).OnField("lines")
	}
	var dr, cr money.VND
	onBalance := 0
	for i, l := range e.Lines {
		if err := l.validate(i + 1); err != nil {
			return err
		}
		if IsOffBalance(l.Account) {
			continue
		}
		onBalance++
		dr, cr = dr.Add(l.Debit), cr.Add(l.Credit)
	}
	if onBalance == 1 {
		return apperr.New(apperr.Invalid, "Bút toán kép cần ít nhất hai dòng trên tài khoản trong bảng.",
			"A double entry needs at least two lines on balance-sheet accounts.").OnField("lines")
	}
	if !dr.Equal(cr) {
		return apperr.Newf(apperr.Invalid, "Bút toán không cân: tổng Nợ %s ≠ tổng Có %s.",
			"The entry does not balance: debits %s ≠ credits %s.", dr.Format("vi"), cr.Format("vi")).OnField("lines")
	}
	return nil
}

// validate checks one line; n is its 1-based position for the message.
func (l Line) validate(n int) error {
	if !accountShape.MatchString(l.Account) {
		return apperr.Newf(apperr.Invalid, "Dòng %d: số hiệu tài khoản không hợp lệ.", "Line %d: the account number is not valid.", n).OnField("lines")
	}
	if l.Debit.Sign() < 0 || l.Credit.Sign() < 0 {
		return apperr.Newf(apperr.Invalid, "Dòng %d: số tiền không được âm.", "Line %d: amounts cannot be negative.", n).OnField("lines")
	}
	if (l.Debit.Sign() > 0) == (l.Credit.Sign() > 0) {
		return apperr.Newf(apperr.Invalid, "Dòng %d: ghi đúng một bên, Nợ hoặc Có, với số tiền dương.",
			"Line %d: enter exactly one side, debit or credit, with a positive amount.", n).OnField("lines")
	}
	if len(l.BudgetCode) > 100 || len([]rune(l.Memo)) > 300 {
		return apperr.Newf(apperr.Invalid, "Dòng %d: mã mục lục hoặc diễn giải quá dài.", "Line %d: budget code or memo too long.", n).OnField("lines")
	}
	return nil
}

// Total is the sum of the debits of the on-balance lines (the entry's amount); for an
// entry of only off-balance lines, the sum of all debits.
func (e Entry) Total() money.VND {
	var on, all money.VND
	for _, l := range e.Lines {
		all = all.Add(l.Debit)
		if !IsOffBalance(l.Account) {
			on = on.Add(l.Debit)
		}
	}
	if on.Sign() > 0 {
		return on
	}
	return all
}

// Reversal returns the entry that cancels e: the same lines with debit and credit
// swapped, dated date, referencing the original.
func Reversal(originalID int64, unitID int64, lines []Line, date time.Time, memo string) Entry {
	out := Entry{UnitID: unitID, Date: date, Memo: memo, SourceType: "reversal",
		ReversesID: originalID}
	out.SourceID = strconv.FormatInt(originalID, 10)
	for _, l := range lines {
		l.Debit, l.Credit = l.Credit, l.Debit
		out.Lines = append(out.Lines, l)
	}
	return out
}
