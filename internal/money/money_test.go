package money

import (
	"fmt"
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

func TestZeroValue(t *testing.T) {
	var z VND
	if !z.IsZero() || z.Sign() != 0 || z.String() != "0" || z.Format("vi") != "0 ₫" {
		t.Fatalf("zero value: %s %q", z, z.Format("vi"))
	}
	mustEqual(t, z.Add(FromInt64(5)), FromInt64(5))
	mustEqual(t, z.Neg(), Zero)
	if !z.Decimal().Equal(decimal.Zero) {
		t.Fatal("zero Decimal() is not 0")
	}
	if n, ok := z.Int64(); !ok || n != 0 {
		t.Fatalf("zero Int64() = %d, %v", n, ok)
	}
}

func TestFromDecimal(t *testing.T) {
	tests := []struct {
		in      decimal.Decimal
		want    string
		wantErr error
	}{
		{decimal.RequireFromString("1234567"), "1234567", nil},
		{decimal.RequireFromString("-1234567.000"), "-1234567", nil},
		{decimal.New(15, 2), "1500", nil},
		{decimal.New(0, -2000000000), "0", nil},
		{decimal.New(12345, -2), "", errFraction()},
		{decimal.New(-5, -1), "", errFraction()},
		{decimal.New(1, -2000000000), "", errFraction()},
		{decimal.New(1, 2000000000), "", errTooLarge()},
		{decimal.New(1, 20), "", errTooLarge()},
		{decimal.New(1, 19), "10000000000000000000", nil},
		{decimal.RequireFromString("99999999999999999999"), "99999999999999999999", nil},
		{decimal.RequireFromString("-100000000000000000000"), "", errTooLarge()},
	}
	for _, tt := range tests {
		name := tt.in.Coefficient().String() + "e" + fmt.Sprint(tt.in.Exponent()) // String() of 1e2000000000 is 2 GB
		t.Run(name, func(t *testing.T) {
			got, err := FromDecimal(tt.in)
			if tt.wantErr != nil {
				mustSameErr(t, err, errOf(tt.wantErr))
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("FromDecimal(%s) = %s, %v; want %s", name, got, err, tt.want)
			}
			if got.Decimal().Exponent() != 0 {
				t.Fatalf("FromDecimal(%s) kept exponent %d", name, got.Decimal().Exponent())
			}
		})
	}
}

func TestArithmetic(t *testing.T) {
	a, b := MustParse("1.000.000"), MustParse("-250.000")
	mustEqual(t, a.Add(b), FromInt64(750_000))
	mustEqual(t, a.Sub(b), FromInt64(1_250_000))
	mustEqual(t, b.Neg(), FromInt64(250_000))
	mustEqual(t, b.Abs(), FromInt64(250_000))
	mustEqual(t, a.Abs(), a)
	mustEqual(t, b.MulInt(-4), a)
	mustEqual(t, Sum(), Zero)
	mustEqual(t, Sum(a, b, b, b, b), Zero)
	big := MustParse("99999999999999999999")
	mustEqual(t, Sum(big, big).Sub(big), big)
	if got := big.MulInt(math.MaxInt64).String(); got != "922337203685477580690776627963145224193" {
		t.Fatalf("MulInt beyond int64: %s", got)
	}
	checks := []struct {
		name string
		got  bool
	}{
		{"a > b", a.GreaterThan(b)},
		{"b < a", b.LessThan(a)},
		{"!(a < a)", !a.LessThan(a)},
		{"a.Cmp(b) == 1", a.Cmp(b) == 1},
		{"b.Cmp(a) == -1", b.Cmp(a) == -1},
		{"a.Cmp(a) == 0", a.Cmp(MustParse("1000000")) == 0},
		{"a.IsPositive()", a.IsPositive()},
		{"b.IsNegative()", b.IsNegative()},
		{"!Zero.IsPositive()", !Zero.IsPositive()},
		{"!Zero.IsNegative()", !Zero.IsNegative()},
		{"b.Sign() == -1", b.Sign() == -1},
		{"equal across representations", MustParse("1.000").Equal(FromInt64(1000))},
	}
	for _, c := range checks {
		if !c.got {
			t.Errorf("%s is false", c.name)
		}
	}
}

func TestInt64(t *testing.T) {
	tests := []struct {
		in     string
		want   int64
		wantOK bool
	}{
		{"0", 0, true},
		{"-1234567", -1234567, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := MustParse(tt.in).Int64()
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Int64(%s) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestResultsDoNotShareState(t *testing.T) {
	a := FromInt64(100)
	b := a.Add(Zero)
	a.big().SetInt64(7) // big returns a copy
	a.Decimal().BigInt().SetInt64(7)
	mustEqual(t, a, FromInt64(100))
	mustEqual(t, b, FromInt64(100))
}
