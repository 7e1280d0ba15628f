package money

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// maxExpSpread bounds the difference of decimal exponents in a ratio, so that a hostile
// or corrupt rate such as 1e-2000000000 cannot make us build a number of a billion digits.
// Real rates (numeric(7,4) percent, quantities) are many orders of magnitude inside it.
const maxExpSpread = 256

// MulRate returns v × rate rounded to whole đồng, half away from zero: the one place a
// rate turns into money (e.g. annual wear = original cost × 0.1). The product is computed
// exactly before rounding. It panics if rate's exponent is absurd (beyond ±256), which
// only a programming error or corrupt reference data can cause.
func (v VND) MulRate(rate decimal.Decimal) VND {
	return v.MulRatio(rate, decimal.New(1, 0))
}

// MulRatio returns v × num / den rounded to whole đồng, half away from zero, computed
// exactly (no intermediate rounding), e.g. cost.MulRatio(percent, 100). A zero den is a
// programming error and panics, as does an absurd exponent; use DivRound when the divisor
// comes from input.
func (v VND) MulRatio(num, den decimal.Decimal) VND {
	r, err := ratio(v, num, den)
	if err != nil {
		panic("money: MulRatio: " + err.Error())
	}
	return r
}

// DivRound returns v / d rounded to whole đồng, half away from zero, or an error when d is
// zero or out of range. It is for divisors that come from input (a number of people, a
// quantity); to share an amount so that the parts add up, use SplitEqual instead.
func (v VND) DivRound(d decimal.Decimal) (VND, error) {
	return ratio(v, decimal.New(1, 0), d)
}

// ratio returns v × num / den rounded half away from zero. Both decimals are written as
// coefficient × 10^exponent and the powers of ten moved to one side, so the division is
// one exact integer division.
func ratio(v VND, num, den decimal.Decimal) (VND, error) {
	if den.Sign() == 0 {
		return VND{}, errDivByZero()
	}
	e := int64(num.Exponent()) - int64(den.Exponent())
	if e > maxExpSpread || e < -maxExpSpread {
		return VND{}, errRatioRange()
	}
	n := new(big.Int).Mul(v.big(), num.Coefficient())
	d := den.Coefficient()
	if e > 0 {
		n.Mul(n, pow10(e))
	} else if e < 0 {
		d.Mul(d, pow10(-e))
	}
	return fromBig(quoRound(n, d)), nil
}

// quoRound returns n / d rounded to the nearest integer, halves away from zero. d != 0.
func quoRound(n, d *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(n, d, new(big.Int)) // q truncated toward zero
	if r.Sign() == 0 {
		return q
	}
	twice := r.Abs(r)
	twice.Lsh(twice, 1)
	if twice.CmpAbs(d) >= 0 {
		if (n.Sign() < 0) != (d.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}
