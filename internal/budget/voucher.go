package budget

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"congquy/internal/apperr"
	"congquy/internal/money"
)

// Voucher is an expenditure voucher (chứng từ chi): who is paid, for what, on which budget
// lines. It is drafted, submitted (norms are evaluated then), approved by another user —
// the lines' spent moves in that transaction — and posted to the ledger; or rejected with
// a reason and edited again.
type Voucher struct {
	ID             int64      `db:"id" json:"id"`
	UnitID         int64      `db:"unit_id" json:"unit_id"`
	FiscalYear     int        `db:"fiscal_year" json:"fiscal_year"`
	DocNo          string     `db:"doc_no" json:"doc_no"`
	DocDate        time.Time  `db:"doc_date" json:"doc_date"`
	Payee          string     `db:"payee" json:"payee"`
	InvoiceNo      string     `db:"invoice_no" json:"invoice_no"`
	InvoiceDate    *time.Time `db:"invoice_date" json:"invoice_date"`
	Description    string     `db:"description" json:"description"`
	Total          money.VND  `db:"total" json:"total"`
	Status         string     `db:"status" json:"status"`
	DraftedBy      *int64     `db:"drafted_by" json:"drafted_by"`
	DraftedLogin   string     `db:"drafted_login" json:"drafted_login"`
	DraftedAt      time.Time  `db:"drafted_at" json:"drafted_at"`
	SubmittedLogin *string    `db:"submitted_login" json:"submitted_login"`
	SubmittedAt    *time.Time `db:"submitted_at" json:"submitted_at"`
	ApprovedLogin  *string    `db:"approved_login" json:"approved_login"`
	DecidedAt      *time.Time `db:"decided_at" json:"decided_at"`
	RejectReason   string     `db:"reject_reason" json:"reject_reason"`
	PostedAt       *time.Time `db:"posted_at" json:"posted_at"`
	EntryID        *int64     `db:"entry_id" json:"entry_id"` // the journal entry that posted it
	// A reversal: who, when, why, and the reversing journal entry.
	ReversedLogin   *string    `db:"reversed_login" json:"reversed_login"`
	ReversedAt      *time.Time `db:"reversed_at" json:"reversed_at"`
	ReverseReason   string     `db:"reverse_reason" json:"reverse_reason"`
	ReversalEntryID *int64     `db:"reversal_entry_id" json:"reversal_entry_id"`

	Lines       []VoucherLine `db:"-" json:"lines"`
	NormResults []Result      `db:"-" json:"norm_results"`
}

// VoucherLine is one line of a voucher: an amount on a budget line (a tiểu mục), maybe
// paying a commitment, with the facts the norms need and, where a warn norm is breached,
// the written justification.
type VoucherLine struct {
	LineNo        int             `db:"line_no" json:"line_no"`
	BudgetLineID  int64           `db:"budget_line_id" json:"budget_line_id"`
	CommitmentID  *int64          `db:"commitment_id" json:"commitment_id"`
	Amount        money.VND       `db:"amount" json:"amount"`
	Description   string          `db:"description" json:"description"`
	ExpenseKind   string          `db:"expense_kind" json:"expense_kind"`
	Days          int             `db:"days" json:"days"`
	Persons       int             `db:"persons" json:"persons"`
	PlaceClass    string          `db:"place_class" json:"place_class"`
	PositionCoef  decimal.Decimal `db:"position_coef" json:"position_coef"`
	ItemKind      string          `db:"item_kind" json:"item_kind"`
	Quantity      decimal.Decimal `db:"quantity" json:"quantity"`
	Justification string          `db:"justification" json:"justification"`
	Item          string          `db:"item" json:"item"` // the budget line's tiểu mục, for display
}

// NewVoucher is a voucher as drafted or edited.
type NewVoucher struct {
	UnitID      int64
	FiscalYear  int
	DocNo       string
	DocDate     time.Time
	Payee       string
	InvoiceNo   string
	InvoiceDate *time.Time
	Description string
	Lines       []VoucherLine
}

// MaxVoucherLines bounds the lines of one voucher.
const MaxVoucherLines = 200

// Normalize trims the text fields and numbers the lines.
func (v *NewVoucher) Normalize() {
	v.DocNo = strings.TrimSpace(v.DocNo)
	v.Payee = strings.TrimSpace(v.Payee)
	v.InvoiceNo = strings.TrimSpace(v.InvoiceNo)
	v.Description = strings.TrimSpace(v.Description)
	for i := range v.Lines {
		l := &v.Lines[i]
		l.LineNo = i + 1
		l.Description = strings.TrimSpace(l.Description)
		l.Justification = strings.TrimSpace(l.Justification)
		l.ExpenseKind = strings.TrimSpace(l.ExpenseKind)
		l.PlaceClass = strings.TrimSpace(l.PlaceClass)
		l.ItemKind = strings.TrimSpace(l.ItemKind)
	}
}

// Validate checks a voucher by itself; the store checks its budget lines and the norms.
func (v NewVoucher) Validate() error {
	switch {
	case v.Payee == "" || utf8.RuneCountInString(v.Payee) > 300:
		return apperr.New(apperr.Invalid, "Người nhận tiền dài 1–300 ký tự.", "The payee is 1–300 characters.").OnField("payee")
	case v.DocDate.IsZero():
		return apperr.New(apperr.Invalid, "Thiếu ngày chứng từ.", "The document date is missing.").OnField("doc_date")
	case v.DocDate.Year() != v.FiscalYear:
		return apperr.Newf(apperr.Invalid, "Ngày chứng từ phải thuộc năm ngân sách %d.", "The document date must fall in fiscal year %d.", v.FiscalYear).OnField("doc_date")
	case utf8.RuneCountInString(v.DocNo) > 64:
		return apperr.New(apperr.Invalid, "Số chứng từ dài tối đa 64 ký tự.", "The document number is at most 64 characters.").OnField("doc_no")
	case utf8.RuneCountInString(v.InvoiceNo) > 64:
		return apperr.New(apperr.Invalid, "Số hóa đơn dài tối đa 64 ký tự.", "The invoice number is at most 64 characters.").OnField("invoice_no")
	case v.InvoiceDate != nil && v.InvoiceNo == "":
		return apperr.New(apperr.Invalid, "Có ngày hóa đơn thì cần số hóa đơn.", "An invoice date needs an invoice number.").OnField("invoice_no")
	case v.InvoiceDate != nil && v.InvoiceDate.After(v.DocDate):
		return apperr.New(apperr.Invalid, "Ngày hóa đơn không được sau ngày chứng từ.", "The invoice date cannot be after the document date.").OnField("invoice_date")
	case utf8.RuneCountInString(v.Description) > 1000:
		return apperr.New(apperr.Invalid, "Nội dung dài tối đa 1000 ký tự.", "The description is at most 1000 characters.").OnField("description")
	case len(v.Lines) == 0 || len(v.Lines) > MaxVoucherLines:
		return apperr.Newf(apperr.Invalid, "Chứng từ cần 1–%d dòng chi.", "A voucher needs 1–%d lines.", MaxVoucherLines).OnField("lines")
	}
	for _, l := range v.Lines {
		if err := l.validate(); err != nil {
			return err
		}
	}
	return nil
}

// validate checks one line.
func (l VoucherLine) validate() error {
	bad := func(vi, en string) error {
		return apperr.Newf(apperr.Invalid, "Dòng %d: "+vi, "Line %d: "+en, l.LineNo).OnField("lines")
	}
	switch {
	case l.BudgetLineID <= 0:
		return bad("hãy chọn dòng dự toán.", "choose a budget line.")
	case !l.Amount.IsPositive():
		return bad("số tiền phải lớn hơn 0.", "the amount must be more than 0.")
	case utf8.RuneCountInString(l.Description) > 500:
		return bad("nội dung dài tối đa 500 ký tự.", "the description is at most 500 characters.")
	case utf8.RuneCountInString(l.Justification) > 2000:
		return bad("giải trình dài tối đa 2000 ký tự.", "the justification is at most 2000 characters.")
	case !factShape(l.ExpenseKind) || !factShape(l.PlaceClass) || !factShape(l.ItemKind):
		return bad("loại chi, nơi đến hoặc loại tài sản không hợp lệ.", "the expense kind, place or item kind is not valid.")
	case l.Days < 0 || l.Days > 366 || l.Persons < 0 || l.Persons > 10000:
		return bad("số ngày 0–366, số người 0–10.000.", "days 0–366, persons 0–10,000.")
	case l.PositionCoef.IsNegative() || l.PositionCoef.GreaterThanOrEqual(decimal.NewFromInt(99)) || l.PositionCoef.Exponent() < -2:
		return bad("hệ số phụ cấp chức vụ từ 0 đến 99, tối đa 2 chữ số thập phân.", "the position coefficient is 0–99 with at most 2 decimals.")
	case l.Quantity.IsNegative() || l.Quantity.GreaterThanOrEqual(decimal.New(1, 9)) || l.Quantity.Exponent() < -3:
		return bad("số lượng không âm, tối đa 3 chữ số thập phân.", "the quantity is not negative, with at most 3 decimals.")
	}
	return nil
}

// factShape reports whether s is an empty or lower-case identifier of up to 40 bytes.
func factShape(s string) bool {
	if len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Total returns the sum of the lines.
func (v NewVoucher) Total() money.VND {
	t := money.Zero
	for _, l := range v.Lines {
		t = t.Add(l.Amount)
	}
	return t
}

// Facts returns what the norms need to know about line l of the voucher dated date, whose
// budget line is on tiểu mục item.
func (l VoucherLine) Facts(date time.Time, item string, prior money.VND) Facts {
	return Facts{Date: date, Item: item, ExpenseKind: l.ExpenseKind, Days: l.Days, Persons: l.Persons,
		PlaceClass: l.PlaceClass, PositionCoef: l.PositionCoef, ItemKind: l.ItemKind, Quantity: l.Quantity,
		Amount: l.Amount, PriorYear: prior}
}

// Demand adds up what a voucher asks of each budget line; a line may appear on several
// voucher lines. The ids come back sorted, the order lines are locked in.
func Demand(lines []VoucherLine) (ids []int64, asked map[int64]money.VND) {
	asked = map[int64]money.VND{}
	for _, l := range lines {
		if _, ok := asked[l.BudgetLineID]; !ok {
			ids = append(ids, l.BudgetLineID)
		}
		asked[l.BudgetLineID] = asked[l.BudgetLineID].Add(l.Amount)
	}
	slices.Sort(ids)
	return ids, asked
}
