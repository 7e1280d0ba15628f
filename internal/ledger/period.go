package ledger

import (
	"time"

	"congquy/internal/apperr"
)

// Period is one month of one unit's books (kỳ kế toán). A closed period refuses postings.
type Period struct {
	UnitID   int64      `db:"unit_id" json:"unit_id"`
	Month    time.Time  `db:"month" json:"month"`
	OpenedAt time.Time  `db:"opened_at" json:"opened_at"`
	ClosedAt *time.Time `db:"closed_at" json:"closed_at"`
	ClosedBy *int64     `db:"closed_by" json:"closed_by"`
}

// Closed reports whether the period is closed.
func (p Period) Closed() bool { return p.ClosedAt != nil }

// PeriodAct is a recorded act on a period: a close, or a proposal to reopen that another
// person approves or rejects (maker-checker).
type PeriodAct struct {
	ID            int64      `db:"id" json:"id"`
	UnitID        int64      `db:"unit_id" json:"unit_id"`
	Month         time.Time  `db:"month" json:"month"`
	Kind          string     `db:"kind" json:"kind"`     // close, reopen
	Status        string     `db:"status" json:"status"` // proposed, approved, rejected, done
	Reason        string     `db:"reason" json:"reason"`
	ProposedBy    *int64     `db:"proposed_by" json:"proposed_by"`
	ProposedLogin string     `db:"proposed_login" json:"proposed_login"`
	ProposedAt    time.Time  `db:"proposed_at" json:"proposed_at"`
	DecidedBy     *int64     `db:"decided_by" json:"decided_by"`
	DecidedLogin  *string    `db:"decided_login" json:"decided_login"`
	DecidedAt     *time.Time `db:"decided_at" json:"decided_at"`
}

// MonthOf returns the first day of d's month, the key of its period.
func MonthOf(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// ParseMonth reads a month as "2026-03".
func ParseMonth(s string) (time.Time, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return time.Time{}, apperr.New(apperr.Invalid, "Kỳ kế toán phải có dạng năm-tháng, ví dụ 2026-03.",
			"A period is written year-month, e.g. 2026-03.").OnField("period")
	}
	return t, nil
}

// ParseDate reads a civil date as "2026-03-31".
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return time.Time{}, apperr.New(apperr.Invalid, "Ngày phải có dạng năm-tháng-ngày, ví dụ 2026-03-31.",
			"A date is written year-month-day, e.g. 2026-03-31.").OnField("date")
	}
	return t, nil
}

// ErrPeriodClosed is the refusal of a posting dated in a closed period, naming the month
// and the unit in each language.
func ErrPeriodClosed(month time.Time, unitVI, unitEN string) *apperr.Error {
	m := month.Format("01/2006")
	return apperr.New(apperr.PeriodClosed,
		"Kỳ kế toán tháng "+m+" của đơn vị "+unitVI+" đã khóa sổ; không thể ghi sổ vào kỳ này. Hãy chọn ngày thuộc kỳ đang mở, hoặc đề nghị mở lại kỳ.",
		"The accounting period "+m+" of "+unitEN+" is closed; nothing can be posted into it. Choose a date in an open period, or propose to reopen it.").OnField("date")
}
