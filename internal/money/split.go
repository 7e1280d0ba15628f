package money

import (
	"math/big"
	"slices"

	"github.com/shopspring/decimal"
)

// MaxParts is the most parts SplitEqual and SplitByWeights produce; it bounds the work a
// caller's count can cause. Real splits (12 months, a few hundred units, years of wear)
// are far below it.
const MaxParts = 100_000

// SplitEqual divides v into n parts that differ by at most 1 đồng and sum exactly to v
// (monthly distribution of an allotment, say). The remainder goes one đồng each to the
// first parts: 100 into 3 is 34, 33, 33. A negative v is split like its absolute value
// and every part negated (−100 is −34, −33, −33), so splitting a reversal gives the
// reversal of the split. n must be between 1 and MaxParts.
func (v VND) SplitEqual(n int) ([]VND, error) {
	if n < 1 || n > MaxParts {
		return nil, errParts()
	}
	a := v.big()
	neg := a.Sign() < 0
	a.Abs(a)
	q, r := new(big.Int).QuoRem(a, big.NewInt(int64(n)), new(big.Int))
	extra := int(r.Int64()) // r < n ≤ MaxParts
	parts := make([]VND, n)
	qPlus := new(big.Int).Add(q, big.NewInt(1))
	for i := range parts {
		p := q
		if i < extra {
			p = qPlus
		}
		parts[i] = signed(p, neg)
	}
	return parts, nil
}

// SplitByWeights divides v in proportion to weights (allocation across units by head
// count, a cost across assets by value), so that the parts sum exactly to v. It uses the
// largest-remainder (Hamilton) method: every part gets the whole đồng of its exact share,
// and the đồng left over go one each to the parts with the largest fractional remainders,
// the lowest index first on ties. Each part is therefore within 1 đồng of its exact share,
// and a zero weight always gets 0. A negative v is split like its absolute value and every
// part negated. Weights must be non-negative with a positive sum, at most MaxParts of them.
func (v VND) SplitByWeights(weights []decimal.Decimal) ([]VND, error) {
	w, err := scaleWeights(weights)
	if err != nil {
		return nil, err
	}
	total := new(big.Int)
	for _, x := range w {
		total.Add(total, x)
	}
	if total.Sign() == 0 {
		return nil, errWeightSum()
	}
	a := v.big()
	neg := a.Sign() < 0
	a.Abs(a)
	shares, rems := make([]*big.Int, len(w)), make([]*big.Int, len(w))
	left := new(big.Int).Set(a)
	for i, x := range w {
		shares[i], rems[i] = new(big.Int).QuoRem(new(big.Int).Mul(a, x), total, new(big.Int))
		left.Sub(left, shares[i])
	}
	// left < number of nonzero remainders, so only parts with a remainder get one more.
	for _, i := range byRemainder(rems)[:left.Int64()] {
		shares[i].Add(shares[i], big.NewInt(1))
	}
	parts := make([]VND, len(w))
	for i, s := range shares {
		parts[i] = signed(s, neg)
	}
	return parts, nil
}

// scaleWeights checks the weights and returns them as integers with a common scale, so
// that the shares can be computed with exact integer arithmetic.
func scaleWeights(weights []decimal.Decimal) ([]*big.Int, error) {
	if len(weights) < 1 || len(weights) > MaxParts {
		return nil, errParts()
	}
	minExp, maxExp := weights[0].Exponent(), weights[0].Exponent()
	for i, x := range weights {
		if x.Sign() < 0 {
			return nil, errWeightNegative(i)
		}
		minExp, maxExp = min(minExp, x.Exponent()), max(maxExp, x.Exponent())
	}
	if int64(maxExp)-int64(minExp) > maxExpSpread {
		return nil, errWeightRange()
	}
	w := make([]*big.Int, len(weights))
	for i, x := range weights {
		w[i] = x.Coefficient()
		if e := int64(x.Exponent()) - int64(minExp); e > 0 {
			w[i].Mul(w[i], pow10(e))
		}
	}
	return w, nil
}

// byRemainder returns the indices of rems, largest remainder first, lowest index first
// among equals.
func byRemainder(rems []*big.Int) []int {
	idx := make([]int, len(rems))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return rems[b].Cmp(rems[a]) })
	return idx
}

// signed returns b as an amount, negated when neg.
func signed(b *big.Int, neg bool) VND {
	v := fromBig(b)
	if neg {
		return v.Neg()
	}
	return v
}
