package money

import "math/big"

// Add returns v + w. Sums of whole đồng are exact; no range check is made here (the
// database column refuses what does not fit).
func (v VND) Add(w VND) VND { return VND{d: v.d.Add(w.d)} }

// Sub returns v − w.
func (v VND) Sub(w VND) VND { return VND{d: v.d.Sub(w.d)} }

// Neg returns −v, as used by a reversing entry.
func (v VND) Neg() VND { return VND{d: v.d.Neg()} }

// Abs returns |v|.
func (v VND) Abs() VND { return VND{d: v.d.Abs()} }

// MulInt returns v × n, e.g. a unit price times a quantity counted in whole items.
func (v VND) MulInt(n int64) VND {
	return fromBig(new(big.Int).Mul(v.big(), big.NewInt(n)))
}

// Sum returns the total of xs; the sum of none is 0 ₫.
func Sum(xs ...VND) VND {
	t := new(big.Int)
	for _, x := range xs {
		t.Add(t, x.big())
	}
	return fromBig(t)
}

// Cmp returns -1, 0 or +1 as v is less than, equal to or greater than w.
func (v VND) Cmp(w VND) int { return v.d.Cmp(w.d) }

// Equal reports whether v and w are the same amount. Use it instead of ==.
func (v VND) Equal(w VND) bool { return v.d.Equal(w.d) }

// LessThan reports whether v < w.
func (v VND) LessThan(w VND) bool { return v.Cmp(w) < 0 }

// GreaterThan reports whether v > w.
func (v VND) GreaterThan(w VND) bool { return v.Cmp(w) > 0 }

// Sign returns -1, 0 or +1 as v is negative, zero or positive.
func (v VND) Sign() int { return v.d.Sign() }

// IsZero reports whether v is 0 ₫.
func (v VND) IsZero() bool { return v.Sign() == 0 }

// IsNegative reports whether v < 0.
func (v VND) IsNegative() bool { return v.Sign() < 0 }

// IsPositive reports whether v > 0.
func (v VND) IsPositive() bool { return v.Sign() > 0 }
