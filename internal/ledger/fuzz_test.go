package ledger

import (
	"regexp"
	"testing"
	"time"

	"congquy/internal/apperr"
	"congquy/internal/money"
)

// mustBilingualInvalid fails unless err is a bilingual Invalid *apperr.Error.
func mustBilingualInvalid(t *testing.T, what string, err error) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid || e.VI == "" || e.EN == "" {
		t.Fatalf("%s: %v is not a bilingual Invalid error", what, err)
	}
}

// FuzzParseDate: ParseDate never panics; what it accepts is a real date of 2000–2200
// written exactly as it formats back; everything else is a bilingual refusal.
// Run: go test -run='^$' -fuzz=FuzzParseDate -fuzztime=60s ./internal/ledger/
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-31", "2026-02-30", "1999-12-31", "2201-01-01", "0000-01-01", "2026-3-1", "2026-03-31T00:00:00Z", " 2026-03-31", "２０２６-03-31", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			mustBilingualInvalid(t, "ParseDate("+s+")", err)
			return
		}
		if d.Format("2006-01-02") != s || d.Year() < 2000 || d.Year() > 2200 || d.Location() != time.UTC {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
	})
}

// FuzzParseMonth: the same for periods, which must fall in the years dates may.
// Run: go test -run='^$' -fuzz=FuzzParseMonth -fuzztime=60s ./internal/ledger/
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-03", "2026-13", "0000-01", "9999-12", "2026-3", "2026-03-01", "", "-2026-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			mustBilingualInvalid(t, "ParseMonth("+s+")", err)
			return
		}
		if m.Format("2006-01") != s || m.Day() != 1 || m.Year() < 2000 || m.Year() > 2200 {
			t.Fatalf("ParseMonth(%q) = %v", s, m)
		}
	})
}

var accountOracle = regexp.MustCompile(`^[0-9]{3,6}$`)

// FuzzAccountCode: a line is accepted only on an account number of 3–6 ASCII digits
// (after trimming), whatever else the code holds.
// Run: go test -run='^$' -fuzz=FuzzAccountCode -fuzztime=60s ./internal/ledger/
func FuzzAccountCode(f *testing.F) {
	for _, s := range []string{"111", "1121", "008", "611 ", "11", "1234567", "１１１", "111\x00", "111;--", "0"} {
		f.Add(s)
	}
	date := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, code string) {
		e := Entry{UnitID: 1, Date: date, Memo: "m", SourceType: "manual", Lines: []Line{
			{Account: code, Debit: money.FromInt64(1)}, {Account: "112", Credit: money.FromInt64(1)}}}
		e.Normalize()
		err := e.Validate()
		ok := accountOracle.MatchString(e.Lines[0].Account)
		if err != nil && ok && !IsOffBalance(e.Lines[0].Account) {
			t.Fatalf("account %q refused: %v", code, err)
		}
		if err == nil && !ok {
			t.Fatalf("account %q accepted", code)
		}
		if err != nil {
			mustBilingualInvalid(t, "account "+code, err)
		}
	})
}
