package money

import (
	"testing"

	"github.com/shopspring/decimal"
)

// dec reads a decimal literal; test tables only.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestShopspringRoundIsHalfAwayFromZero pins the behaviour of the library this package
// relies on for its oracle below, so that an upgrade that changes it is noticed.
func TestShopspringRoundIsHalfAwayFromZero(t *testing.T) {
	for in, want := range map[string]string{
		"2.5": "3", "-2.5": "-3", "0.5": "1", "-0.5": "-1", "1.5": "2", "-1.5": "-2",
		"2.4999": "2", "-2.4999": "-2", "2.5001": "3", "-2.5001": "-3",
	} {
		if got := dec(in).Round(0).String(); got != want {
			t.Errorf("decimal %s.Round(0) = %s, want %s", in, got, want)
		}
	}
}

func TestMulRate(t *testing.T) {
	tests := []struct{ amount, rate, want string }{
		{"25", "0.1", "3"},
		{"-25", "0.1", "-3"},
		{"25", "-0.1", "-3"},
		{"15", "0.1", "2"},
		{"-15", "0.1", "-2"},
		{"14", "0.1", "1"},
		{"-14", "0.1", "-1"},
		{"1", "0.5", "1"},
		{"-1", "0.5", "-1"},
		{"1", "0.4999", "0"},
		{"-1", "0.4999", "0"},
		{"3", "0.0001", "0"},
		{"0", "0.5", "0"},
		{"1000000", "0.125", "125000"},
		{"333", "0.333333", "111"},
		{"1234567", "1", "1234567"},
		{"1234567", "0", "0"},
		{"1234567", "100", "123456700"},
		{"950000000", "0.1", "95000000"},
		{"99999999999999999999", "1.5", "149999999999999999999"}, // …998.5, half away from zero
		{"-99999999999999999999", "1.5", "-149999999999999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.amount+"×"+tt.rate, func(t *testing.T) {
			got := MustParse(tt.amount).MulRate(dec(tt.rate))
			if got.String() != tt.want {
				t.Fatalf("%s × %s = %s, want %s", tt.amount, tt.rate, got, tt.want)
			}
		})
	}
}

func TestMulRatio(t *testing.T) {
	tests := []struct{ amount, num, den, want string }{
		{"10000001", "12.5", "100", "1250000"}, // 1250000.125
		{"10000004", "12.5", "100", "1250001"}, // 1250000.5
		{"-10000004", "12.5", "100", "-1250001"},
		{"5", "1", "2", "3"},
		{"-5", "1", "2", "-3"},
		{"5", "-1", "2", "-3"},
		{"5", "1", "-2", "-3"},
		{"-5", "-1", "2", "3"},
		{"-5", "-1", "-2", "-3"},
		{"1", "1", "3", "0"},
		{"2", "1", "3", "1"},
		{"-2", "1", "3", "-1"},
		{"100", "2", "3", "67"},
		{"7", "1", "0.5", "14"},
		{"10", "0.03", "0.2", "2"}, // 1.5
		{"10", "0.0300", "0.20", "2"},
		{"3", "1e-300", "1e-300", "3"},
	}
	for _, tt := range tests {
		t.Run(tt.amount+"×"+tt.num+"÷"+tt.den, func(t *testing.T) {
			got := MustParse(tt.amount).MulRatio(dec(tt.num), dec(tt.den))
			if got.String() != tt.want {
				t.Fatalf("%s × %s / %s = %s, want %s", tt.amount, tt.num, tt.den, got, tt.want)
			}
		})
	}
}

func TestDivRound(t *testing.T) {
	tests := []struct {
		amount, by string
		want       string
		wantErr    error
	}{
		{"10", "4", "3", nil},
		{"-10", "4", "-3", nil},
		{"10", "-4", "-3", nil},
		{"100", "3", "33", nil},
		{"200", "3", "67", nil},
		{"100", "0.5", "200", nil},
		{"100", "0", "", errDivByZero()},
		{"100", "0.000", "", errDivByZero()},
		{"100", "1e-300", "", errRatioRange()},
		{"100", "1e300", "", errRatioRange()},
	}
	for _, tt := range tests {
		t.Run(tt.amount+"÷"+tt.by, func(t *testing.T) {
			got, err := MustParse(tt.amount).DivRound(dec(tt.by))
			if tt.wantErr != nil {
				mustSameErr(t, err, errOf(tt.wantErr))
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("%s / %s = %s, %v; want %s", tt.amount, tt.by, got, err, tt.want)
			}
		})
	}
}

func TestMulRatioPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"zero den", func() { FromInt64(1).MulRatio(dec("1"), decimal.Zero) }},
		{"absurd rate", func() { FromInt64(1).MulRate(decimal.New(1, -2000000000)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			tt.f()
		})
	}
}

// TestMulRateMatchesDecimal checks the exact integer rounding against shopspring's
// Mul + Round(0) on random amounts and rates, halves included.
func TestMulRateMatchesDecimal(t *testing.T) {
	r := mustRand(t)
	for range 20000 {
		v := randAmount(r)
		rate := decimal.New(r.Int64N(2_000_001)-1_000_000, -int32(r.IntN(7)))
		if r.IntN(4) == 0 {
			rate = decimal.New(5*(r.Int64N(21)-10), -int32(1+r.IntN(3))) // halves
		}
		want := v.Decimal().Mul(rate).Round(0)
		if got := v.MulRate(rate); !got.Decimal().Equal(want) {
			t.Fatalf("%s × %s = %s, want %s", v, rate, got, want)
		}
	}
}
