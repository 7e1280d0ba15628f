package money

import (
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// amounts formats parts as "a,b,c" for compact tables.
func amounts(parts []VND) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

func TestSplitEqual(t *testing.T) {
	tests := []struct {
		amount string
		n      int
		want   string
	}{
		{"100", 3, "34,33,33"},
		{"-100", 3, "-34,-33,-33"},
		{"0", 3, "0,0,0"},
		{"2", 5, "1,1,0,0,0"},
		{"-2", 5, "-1,-1,0,0,0"},
		{"12000000", 12, strings.Repeat("1000000,", 11) + "1000000"},
		{"12000011", 12, strings.Repeat("1000001,", 11) + "1000000"},
		{"1", 1, "1"},
		{"99999999999999999999", 2, "50000000000000000000,49999999999999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			parts, err := MustParse(tt.amount).SplitEqual(tt.n)
			if err != nil || amounts(parts) != tt.want {
				t.Fatalf("SplitEqual(%s, %d) = %s, %v; want %s", tt.amount, tt.n, amounts(parts), err, tt.want)
			}
		})
	}
	for _, n := range []int{0, -1, MaxParts + 1} {
		_, err := FromInt64(100).SplitEqual(n)
		mustSameErr(t, err, errParts())
	}
}

func TestSplitByWeights(t *testing.T) {
	tests := []struct {
		amount  string
		weights string
		want    string
		wantErr error
	}{
		{"100", "1 1 1", "34,33,33", nil},
		{"100", "1 2", "33,67", nil},
		{"10", "0.5 0.25 0.25", "5,3,2", nil},
		{"-10", "0.5 0.25 0.25", "-5,-3,-2", nil},
		{"7", "0 1 0", "0,7,0", nil},
		{"1", "1 1 1", "1,0,0", nil},
		{"5", "0 0 1 1", "0,0,3,2", nil},
		{"100", "1.5 2 0.25", "40,53,7", nil},
		{"0", "1 2 3", "0,0,0", nil},
		{"1000", "1", "1000", nil},
		{"3", "1e-100 1e-100 1e-100", "1,1,1", nil},
		{"100", "", "", errParts()},
		{"100", "1 -1 2", "", errWeightNegative(1)},
		{"100", "0 0.00", "", errWeightSum()},
		{"100", "1e-300 1e300", "", errWeightRange()},
	}
	for _, tt := range tests {
		t.Run(tt.amount+" by "+tt.weights, func(t *testing.T) {
			var w []decimal.Decimal
			for _, f := range strings.Fields(tt.weights) {
				w = append(w, dec(f))
			}
			parts, err := MustParse(tt.amount).SplitByWeights(w)
			if tt.wantErr != nil {
				mustSameErr(t, err, errOf(tt.wantErr))
				return
			}
			if err != nil || amounts(parts) != tt.want {
				t.Fatalf("got %s, %v; want %s", amounts(parts), err, tt.want)
			}
		})
	}
}

// randAmount returns a random amount of 1 to MaxDigits digits, often small, either sign.
func randAmount(r *rand.Rand) VND {
	var b strings.Builder
	if r.IntN(2) == 0 {
		b.WriteByte('-')
	}
	n := 1 + r.IntN(MaxDigits)
	if r.IntN(3) == 0 {
		n = 1 + r.IntN(3)
	}
	for range n {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return MustParse(b.String())
}

// randWeights returns 1 to 20 non-negative weights with a positive sum, of mixed scales,
// often equal and often zero, to exercise ties.
func randWeights(r *rand.Rand) []decimal.Decimal {
	w := make([]decimal.Decimal, 1+r.IntN(20))
	for i := range w {
		switch r.IntN(4) {
		case 0:
			w[i] = decimal.Zero
		case 1:
			w[i] = decimal.New(1, 0)
		default:
			w[i] = decimal.New(r.Int64N(1_000_000), -int32(r.IntN(6)))
		}
	}
	w[r.IntN(len(w))] = decimal.New(1+r.Int64N(1000), -int32(r.IntN(3)))
	return w
}

// TestSplitProperties checks, on random amounts and weights, that parts sum exactly to
// the whole, that each is within 1 đồng of its exact share, that zero weights get 0, and
// that the extra đồng went by largest remainder, lowest index first.
func TestSplitProperties(t *testing.T) {
	r := mustRand(t)
	for range 5000 {
		v, w := randAmount(r), randWeights(r)
		parts, err := v.SplitByWeights(w)
		if err != nil {
			t.Fatalf("%s by %v: %v", v, w, err)
		}
		checkWeightedSplit(t, v, w, parts)

		n := 1 + r.IntN(40)
		eq, err := v.SplitEqual(n)
		if err != nil {
			t.Fatalf("%s into %d: %v", v, n, err)
		}
		checkEqualSplit(t, v, n, eq)
	}
}

func checkEqualSplit(t *testing.T, v VND, n int, parts []VND) {
	t.Helper()
	if len(parts) != n || !Sum(parts...).Equal(v) {
		t.Fatalf("%s into %d: %s does not sum to it", v, n, amounts(parts))
	}
	for i := 1; i < n; i++ {
		d := parts[i-1].Abs().Sub(parts[i].Abs())
		if d.IsNegative() || d.GreaterThan(FromInt64(1)) || parts[i].Sign()*v.Sign() < 0 {
			t.Fatalf("%s into %d: %s is not even, largest first", v, n, amounts(parts))
		}
	}
}

func checkWeightedSplit(t *testing.T, v VND, w []decimal.Decimal, parts []VND) {
	t.Helper()
	if len(parts) != len(w) || !Sum(parts...).Equal(v) {
		t.Fatalf("%s by %v: %s does not sum to it", v, w, amounts(parts))
	}
	total := new(big.Rat)
	for _, x := range w {
		total.Add(total, x.Rat())
	}
	abs := new(big.Rat).SetInt(v.Abs().big())
	// frac[i] is the fractional part of the exact share; up[i] whether the part got it rounded up.
	frac, up := make([]*big.Rat, len(w)), make([]bool, len(w))
	for i, x := range w {
		exact := new(big.Rat).Quo(new(big.Rat).Mul(abs, x.Rat()), total)
		got := new(big.Rat).SetInt(parts[i].Abs().big())
		diff := new(big.Rat).Sub(got, exact)
		if diff.Cmp(big.NewRat(-1, 1)) <= 0 || diff.Cmp(big.NewRat(1, 1)) >= 0 || parts[i].Sign()*v.Sign() < 0 {
			t.Fatalf("%s by %v: part %d = %s, exact share %s", v, w, i, parts[i], exact.FloatString(3))
		}
		if x.IsZero() && !parts[i].IsZero() {
			t.Fatalf("%s by %v: zero weight %d got %s", v, w, i, parts[i])
		}
		floor := new(big.Int).Quo(exact.Num(), exact.Denom())
		frac[i] = new(big.Rat).Sub(exact, new(big.Rat).SetInt(floor))
		up[i] = diff.Sign() > 0
	}
	for i := range w {
		for j := range w {
			c := frac[i].Cmp(frac[j])
			if up[j] && !up[i] && (c > 0 || c == 0 && i < j) {
				t.Fatalf("%s by %v: part %d rounded up before part %d (%s)", v, w, j, i, amounts(parts))
			}
		}
	}
}
