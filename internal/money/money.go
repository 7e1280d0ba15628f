// Package money is congquy's amount type: Vietnamese đồng (VND), which has no minor unit
// (ISO 4217: 0 decimals), so every amount is a whole number of đồng, stored in PostgreSQL
// as numeric(20,0). Floating point never touches an amount: values are exact decimals,
// travel as strings (JSON, forms, SQL parameters), and are rounded only where an amount is
// produced from a rate or a division, half away from zero. Splits of one amount into parts
// always sum exactly to the whole. (DESIGN.md §2.)
package money

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// MaxDigits is the most digits an amount may have: the precision of the numeric(20,0)
// columns that hold amounts. Parse, FromDecimal and Scan refuse anything longer, so a value
// that enters through them always fits its column.
const MaxDigits = 20

// MaxInputLen is the longest text, in bytes, that Parse (and the JSON, text and SQL
// decoders) will look at. Longer input is refused before any parsing, so a hostile
// megabyte of digits costs nothing.
const MaxInputLen = 64

// VND is an amount of Vietnamese đồng. It is always a whole number (the invariant every
// constructor enforces); the zero value is 0 ₫. Amounts are immutable values: methods
// return new amounts. Compare them with Equal or Cmp: the unexported marker field makes ==
// a compile error, because two equal amounts may hold different big.Int pointers.
type VND struct {
	_ [0]func() // not comparable with ==; use Equal
	d decimal.Decimal
}

// maxAbs is 10^MaxDigits; every amount that enters from outside is strictly below it.
var maxAbs = new(big.Int).Exp(big.NewInt(10), big.NewInt(MaxDigits), nil)

// Zero is 0 ₫, spelled out for readability at call sites.
var Zero = VND{}

// FromInt64 returns n đồng. It exists for constants and counts in code; user input goes
// through Parse.
func FromInt64(n int64) VND {
	return VND{d: decimal.New(n, 0)}
}

// FromDecimal returns d as an amount. It refuses a d with a fractional part (a fractional
// đồng is a validation error, never a silent rounding; round explicitly with MulRate or
// MulRatio instead) and a d of more than MaxDigits digits.
func FromDecimal(d decimal.Decimal) (VND, error) {
	coef, exp := d.Coefficient(), d.Exponent()
	if coef.Sign() == 0 {
		return VND{}, nil
	}
	if exp < 0 {
		return fromScaled(coef, -int64(exp))
	}
	if int64(exp) > MaxDigits {
		return VND{}, errTooLarge()
	}
	coef.Mul(coef, pow10(int64(exp)))
	return fromBigChecked(coef)
}

// fromScaled returns coef / 10^k if that is a whole number within range. A nonzero coef
// with fewer digits than k cannot be divisible by 10^k, so the division is only done
// when it is cheap.
func fromScaled(coef *big.Int, k int64) (VND, error) {
	if k > int64(coef.BitLen())/3+1 { // 10^k > 2^(3k) > |coef|
		return VND{}, errFraction()
	}
	q, r := new(big.Int).QuoRem(coef, pow10(k), new(big.Int))
	if r.Sign() != 0 {
		return VND{}, errFraction()
	}
	return fromBigChecked(q)
}

// MustParse is Parse that panics on error. It is for tests, demo data and constants,
// where a bad literal is a programming error.
func MustParse(s string) VND {
	v, err := Parse(s)
	if err != nil {
		panic("money.MustParse(" + quoteShort(s) + "): " + err.Error())
	}
	return v
}

// Decimal returns the amount as a decimal, for arithmetic with rates and quantities
// that this package does not offer.
func (v VND) Decimal() decimal.Decimal { return v.d }

// String returns the amount as plain digits with a leading "-" when negative
// ("-1234567"): the form used in JSON, SQL parameters, CSV and logs.
func (v VND) String() string { return v.big().String() }

// Int64 returns the amount as an int64 and whether it fits.
func (v VND) Int64() (int64, bool) {
	b := v.big()
	if !b.IsInt64() {
		return 0, false
	}
	return b.Int64(), true
}

// big returns a fresh copy of the amount as a big.Int.
func (v VND) big() *big.Int { return v.d.BigInt() }

// fromBig wraps a whole number; it copies b.
func fromBig(b *big.Int) VND { return VND{d: decimal.NewFromBigInt(b, 0)} }

// fromBigChecked is fromBig for values from outside, which must fit MaxDigits.
func fromBigChecked(b *big.Int) (VND, error) {
	if b.CmpAbs(maxAbs) >= 0 {
		return VND{}, errTooLarge()
	}
	return fromBig(b), nil
}

// pow10 returns 10^k for k >= 0.
func pow10(k int64) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil)
}

// quoteShort quotes s for a panic or log message, cut to a readable length.
func quoteShort(s string) string {
	const n = 40
	if len(s) > n {
		s = s[:n] + "…"
	}
	return `"` + s + `"`
}
