package budget

import (
	"strings"
	"time"
	"unicode/utf8"

	"congquy/internal/apperr"
	"congquy/internal/money"
)

// Commitment is a commitment of budget to a contract (cam kết chi): once approved, its
// amount counts against the line's committed total; payments consume it, and what the
// contract no longer needs is released. Consumed + released never exceeds the amount.
type Commitment struct {
	ID            int64      `db:"id" json:"id"`
	UnitID        int64      `db:"unit_id" json:"unit_id"`
	FiscalYear    int        `db:"fiscal_year" json:"fiscal_year"`
	BudgetLineID  int64      `db:"budget_line_id" json:"budget_line_id"`
	ContractNo    string     `db:"contract_no" json:"contract_no"`
	ContractDate  time.Time  `db:"contract_date" json:"contract_date"`
	Supplier      string     `db:"supplier" json:"supplier"`
	Description   string     `db:"description" json:"description"`
	Amount        money.VND  `db:"amount" json:"amount"`
	Consumed      money.VND  `db:"consumed" json:"consumed"`
	Released      money.VND  `db:"released" json:"released"`
	Status        string     `db:"status" json:"status"`
	DraftedBy     *int64     `db:"drafted_by" json:"drafted_by"`
	DraftedLogin  string     `db:"drafted_login" json:"drafted_login"`
	DraftedAt     time.Time  `db:"drafted_at" json:"drafted_at"`
	ApprovedLogin *string    `db:"approved_login" json:"approved_login"`
	DecidedAt     *time.Time `db:"decided_at" json:"decided_at"`
	RejectReason  string     `db:"reject_reason" json:"reject_reason"`
}

// Open is what the commitment still holds on its line.
func (c Commitment) Open() money.VND { return c.Amount.Sub(c.Consumed).Sub(c.Released) }

// NewCommitment is a commitment as drafted.
type NewCommitment struct {
	UnitID       int64
	BudgetLineID int64
	ContractNo   string
	ContractDate time.Time
	Supplier     string
	Description  string
	Amount       money.VND
}

// Normalize trims the text fields.
func (n *NewCommitment) Normalize() {
	n.ContractNo = strings.TrimSpace(n.ContractNo)
	n.Supplier = strings.TrimSpace(n.Supplier)
	n.Description = strings.TrimSpace(n.Description)
}

// Validate checks a commitment by itself.
func (n NewCommitment) Validate() error {
	switch {
	case n.BudgetLineID <= 0:
		return apperr.New(apperr.Invalid, "Hãy chọn dòng dự toán.", "Choose a budget line.").OnField("budget_line_id")
	case n.ContractNo == "" || utf8.RuneCountInString(n.ContractNo) > 64:
		return apperr.New(apperr.Invalid, "Số hợp đồng dài 1–64 ký tự.", "The contract number is 1–64 characters.").OnField("contract_no")
	case n.ContractDate.IsZero():
		return apperr.New(apperr.Invalid, "Thiếu ngày hợp đồng.", "The contract date is missing.").OnField("contract_date")
	case n.Supplier == "" || utf8.RuneCountInString(n.Supplier) > 300:
		return apperr.New(apperr.Invalid, "Nhà cung cấp dài 1–300 ký tự.", "The supplier is 1–300 characters.").OnField("supplier")
	case utf8.RuneCountInString(n.Description) > 1000:
		return apperr.New(apperr.Invalid, "Nội dung dài tối đa 1000 ký tự.", "The description is at most 1000 characters.").OnField("description")
	case !n.Amount.IsPositive():
		return apperr.New(apperr.Invalid, "Giá trị cam kết phải lớn hơn 0.", "The committed amount must be more than 0.").OnField("amount")
	}
	return nil
}
