package money

import (
	"strings"
	"testing"

	"congquy/internal/apperr"
)

// FuzzParse checks that Parse never panics, refuses only with a bilingual Invalid error,
// and that whatever it accepts keeps its digits and sign and reads back unchanged from
// String, Format and FormatPlain in both languages.
// Run: go test -run='^$' -fuzz=FuzzParse -fuzztime=60s ./internal/money/
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0", "-0", "1234567", "-1.234.567 ₫", "1,234,567", "1 234 567", "1\u00a0234", "12.5",
		"1.234,5", "1.23.4", "1e10", "１２３", "١٢٣", "--1", "+1", "99999999999999999999",
		"100000000000000000000", "500 đồng", "1.000 VNĐ", " 007 ", ".5", "5.", "- 1", "₫",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.Invalid || e.VI == "" || e.EN == "" {
				t.Fatalf("Parse(%q): error %#v is not a bilingual Invalid *apperr.Error", s, err)
			}
			return
		}
		if len(s) > MaxInputLen {
			t.Fatalf("Parse accepted %d bytes", len(s))
		}
		checkDigitsKept(t, s, v)
		for _, out := range []string{
			v.String(),
			v.Format("vi"), strings.TrimSuffix(v.Format("vi"), " ₫"), v.FormatPlain("vi"),
			v.Format("en"), strings.TrimSuffix(v.Format("en"), " ₫"), v.FormatPlain("en"),
		} {
			back, err := Parse(out)
			if err != nil || !back.Equal(v) {
				t.Fatalf("Parse(%q) = %s, but Parse(%q) = %s, %v", s, v, out, back, err)
			}
		}
	})
}

// checkDigitsKept is an oracle independent of Parse's grammar: the ASCII digits of the
// input, without leading zeros, are the digits of the result, and the result is negative
// exactly when the input has a minus sign and is not zero.
func checkDigitsKept(t *testing.T, s string, v VND) {
	t.Helper()
	var digits strings.Builder
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			digits.WriteByte(s[i])
		}
	}
	want := strings.TrimLeft(digits.String(), "0")
	if want == "" {
		want = "0"
	}
	if got := v.Abs().String(); got != want {
		t.Fatalf("Parse(%q) = %s, want digits %s", s, v, want)
	}
	if v.IsNegative() != (strings.Contains(s, "-") && want != "0") {
		t.Fatalf("Parse(%q) = %s has the wrong sign", s, v)
	}
}
