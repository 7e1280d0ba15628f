package money

import (
	"runtime"
	"strings"
	"testing"

	"congquy/internal/apperr"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"},
		{"-0", "0"},
		{"007", "7"},
		{"1234567", "1234567"},
		{"-1234567", "-1234567"},
		{"1.234.567", "1234567"},
		{"1,234,567", "1234567"},
		{"1 234 567", "1234567"},
		{"1\u00a0234\u00a0567", "1234567"},
		{"1\u202f234\u2009567", "1234567"},
		{"12.500", "12500"},
		{"1,234", "1234"},
		{"999", "999"},
		{"  1.000  ", "1000"},
		{"\t1000\n", "1000"},
		{"1.000 ₫", "1000"},
		{"1.000₫", "1000"},
		{"-1.234.567 ₫", "-1234567"},
		{"1.000 đ", "1000"},
		{"1.000đ", "1000"},
		{"1.000 Đ", "1000"},
		{"1000 VND", "1000"},
		{"1000vnd", "1000"},
		{"1.000.000 VNĐ", "1000000"},
		{"500 đồng", "500"},
		{"500 ĐỒNG", "500"},
		{"500 \u0111o\u0302\u0300ng", "500"},
		{"1.000\u00a0₫", "1000"},
		{"99999999999999999999", "99999999999999999999"},
		{"-99.999.999.999.999.999.999", "-99999999999999999999"},
		{"000000000000000000000000000000000000000001", "1"},
		{"9223372036854775807", "9223372036854775807"},
		{"9223372036854775808", "9223372036854775808"},
		{"-9223372036854775808", "-9223372036854775808"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got.String() != tt.want {
				t.Fatalf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		in   string
		want *apperr.Error
	}{
		{"", errEmpty()},
		{"   ", errEmpty()},
		{"₫", errEmpty()},
		{"-", errNoDigits()},
		{".", errNoDigits()},
		{"- ₫", errNoDigits()},
		{strings.Repeat("1", MaxInputLen+1), errTooLong()},
		{strings.Repeat("9", 1<<20), errTooLong()},
		{strings.Repeat(" ", MaxInputLen) + "1", errTooLong()},
		{"1e10000", errChar('e')},
		{"1e10", errChar('e')},
		{"1E3", errChar('E')},
		{"0x10", errChar('x')},
		{"１２３", errChar('１')},
		{"١٢٣", errChar('١')},
		{"۱۲۳", errChar('۱')},
		{"12a", errChar('a')},
		{"1_000", errChar('_')},
		{"1'000", errChar('\'')},
		{"1\t000", errChar('\t')},
		{"$1000", errChar('$')},
		{"₫1000", errChar('₫')},
		{"1000 ₫ ₫", errChar('₫')},
		{"1000 USD", errChar('U')},
		{"\u22121000", errChar('\u2212')},
		{"NaN", errChar('N')},
		{"Infinity", errChar('I')},
		{"1\x00", errChar(0)},
		{"\xff", errChar('\uFFFD')},
		{"--1", errSign()},
		{"1-", errSign()},
		{"1-000", errSign()},
		{"- 1000", errSign()},
		{"-\u00a01000", errSign()},
		{"+1", errPlus()},
		{"+-1", errPlus()},
		{"-+1", errChar('+')},
		{"12.5", errFraction()},
		{"1234,5", errFraction()},
		{"1.234,5", errFraction()},
		{"1.234,00", errFraction()},
		{"1,234.00", errFraction()},
		{"1.234.567,89", errFraction()},
		{"1 234,5", errFraction()},
		{"0.5", errFraction()},
		{"0.500", errFraction()},
		{"-0,5", errFraction()},
		{".5", errFraction()},
		{",500", errFraction()},
		{"1.2345", errFraction()},
		{"1234.567", errFraction()},
		{"1.23.4", errGrouping()},
		{"1.234.5", errGrouping()},
		{"1,23,456", errGrouping()},
		{"12 34", errGrouping()},
		{"1234 567", errGrouping()},
		{"1..234", errGrouping()},
		{"1.000.", errGrouping()},
		{"5.", errGrouping()},
		{"01.234", errFraction()},
		{"01.234.567", errGrouping()},
		{"1  234", errGrouping()},
		{"1.234 567", errMixedSeparators()},
		{"1,234.567.890", errMixedSeparators()},
		{"1 234.567 890", errMixedSeparators()},
		{"100000000000000000000", errTooLarge()},
		{"-100.000.000.000.000.000.000", errTooLarge()},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 20 {
			name = name[:20] + "…"
		}
		t.Run(name, func(t *testing.T) {
			v, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want error %q", tt.in, v, tt.want.EN)
			}
			mustSameErr(t, err, tt.want)
		})
	}
}

func TestParseSign(t *testing.T) {
	tests := []struct {
		in          string
		positive    *apperr.Error // nil: ParsePositive accepts
		nonNegative *apperr.Error // nil: ParseNonNegative accepts
	}{
		{"1", nil, nil},
		{"1.000 ₫", nil, nil},
		{"0", errNotPositive(), nil},
		{"-0", errNotPositive(), nil},
		{"-1", errNotPositive(), errNegative()},
		{"12.5", errFraction(), errFraction()},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			for _, c := range []struct {
				name  string
				parse func(string) (VND, error)
				want  *apperr.Error
			}{{"ParsePositive", ParsePositive, tt.positive}, {"ParseNonNegative", ParseNonNegative, tt.nonNegative}} {
				v, err := c.parse(tt.in)
				if c.want == nil {
					if err != nil || !v.Equal(MustParse(tt.in)) {
						t.Fatalf("%s(%q) = %s, %v", c.name, tt.in, v, err)
					}
					continue
				}
				mustSameErr(t, err, c.want)
				if !v.IsZero() {
					t.Fatalf("%s(%q) returned %s with its error", c.name, tt.in, v)
				}
			}
		})
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustParse(\"12.5\") did not panic")
		}
	}()
	MustParse("12.5")
}

// TestParseHugeInputAllocatesLittle checks that 1 MB of digits is refused without
// copying or converting it: the bytes allocated per call are those of the error only.
func TestParseHugeInputAllocatesLittle(t *testing.T) {
	huge := strings.Repeat("9", 1<<20)
	const runs = 100
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		if _, err := Parse(huge); err == nil {
			t.Fatal("1 MB of digits accepted")
		}
	}
	runtime.ReadMemStats(&after)
	if perCall := (after.TotalAlloc - before.TotalAlloc) / runs; perCall > 4096 {
		t.Fatalf("Parse of 1 MB allocated %d bytes per call", perCall)
	}
}
