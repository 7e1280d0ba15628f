package money

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func BenchmarkParse(b *testing.B) {
	for _, in := range []struct{ name, s string }{
		{"plain", "1234567"},
		{"vi", "1.234.567 ₫"},
		{"en20", "-99,999,999,999,999,999,999 VND"},
		{"fraction", "1.234,5"},
		{"1MB", strings.Repeat("9", 1<<20)},
	} {
		b.Run(in.name, func(b *testing.B) {
			for b.Loop() {
				_, _ = Parse(in.s)
			}
		})
	}
}

func BenchmarkFormat(b *testing.B) {
	v := MustParse("-1.234.567.890")
	for b.Loop() {
		_ = v.Format("vi")
	}
}

func BenchmarkMulRatio(b *testing.B) {
	v, num, den := MustParse("950.000.000"), decimal.RequireFromString("12.5"), decimal.New(100, 0)
	for b.Loop() {
		_ = v.MulRatio(num, den)
	}
}

func BenchmarkSplitByWeights(b *testing.B) {
	v := MustParse("1.000.000.000")
	w := make([]decimal.Decimal, 100)
	for i := range w {
		w[i] = decimal.New(int64(i+1), -2)
	}
	for b.Loop() {
		_, _ = v.SplitByWeights(w)
	}
}
