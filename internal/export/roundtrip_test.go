package export

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"io"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"congquy/internal/money"
	"congquy/internal/testdb"
)

// roundTripCount is how many amounts TestMoneyRoundTrip sends through every format:
// 100,000 (TESTING.md row 8), or 20,000 under the race detector, which makes excelize
// ten times slower, unless CONGQUY_HEAVY=1 asks for the full count there too.
func roundTripCount() int {
	if raceDetector && os.Getenv("CONGQUY_HEAVY") == "" {
		return 20_000
	}
	return 100_000
}

// seed returns the seed of a randomised test: $CONGQUY_SEED to replay a run, else a new
// one. It is printed either way.
func seed(t *testing.T) uint64 {
	t.Helper()
	s := uint64(time.Now().UnixNano())
	if env := os.Getenv("CONGQUY_SEED"); env != "" {
		var err error
		if s, err = strconv.ParseUint(env, 10, 64); err != nil {
			t.Fatalf("CONGQUY_SEED: %v", err)
		}
	}
	t.Logf("seed %d (replay with CONGQUY_SEED=%d)", s, s)
	return s
}

// edgeAmounts are the amounts every run includes: zero, one đồng, the extremes of
// numeric(20,0), the edges of float64's exact integers (2^53) and of int64.
func edgeAmounts() []money.VND {
	var out []money.VND
	add := func(s string) {
		v := money.MustParse(s)
		out = append(out, v, v.Neg())
	}
	add("0")
	add("1")
	add("99999999999999999999") // 10^20 − 1, the largest numeric(20,0)
	add("10000000000000000000")
	for _, d := range []int64{-2, -1, 0, 1, 2} {
		add(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 53), big.NewInt(d)).String()) // 2^53 ± 2
		add(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 63), big.NewInt(d)).String()) // int64's edge
		add(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 64), big.NewInt(d)).String())
	}
	for _, s := range []string{"999999999999999", "1000000000000000", "9999999999999999", "1234567890123456789", "100000000000000001"} {
		add(s)
	}
	return out
}

// randomAmounts returns n amounts: the edge cases, then random lengths of 1–20 digits
// with random signs, so every magnitude is as likely as every other.
func randomAmounts(r *rand.Rand, n int) []money.VND {
	out := edgeAmounts()
	var b strings.Builder
	for len(out) < n {
		b.Reset()
		if r.IntN(2) == 0 {
			b.WriteByte('-')
		}
		digits := 1 + r.IntN(money.MaxDigits)
		b.WriteByte(byte('1' + r.IntN(9)))
		for range digits - 1 {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		out = append(out, money.MustParse(b.String()))
	}
	return out
}

// TESTING.md row 8: amounts go Go → PostgreSQL numeric(20,0) → JSON → CSV → XLSX → back
// to Go; every stage is compared with the original. Figures: mismatches 0, đồng lost 0.
func TestMoneyRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(seed(t), 8))
	want := randomAmounts(r, roundTripCount())

	stages := []struct {
		name string
		run  func(*testing.T, []money.VND) []money.VND
	}{
		{"PostgreSQL numeric(20,0)", viaPostgres},
		{"JSON", viaJSON},
		{"CSV", viaCSV},
		{"XLSX", viaXLSX},
	}
	got := want
	for _, st := range stages {
		got = st.run(t, got)
		mismatches, lost := compare(want, got)
		t.Logf("after %-25s %d amounts, mismatches %d, đồng lost %s", st.name+":", len(got), mismatches, lost)
		if mismatches != 0 || lost.Sign() != 0 {
			t.Fatalf("%s: %d mismatches, %s đồng lost", st.name, mismatches, lost)
		}
	}
}

// compare counts the positions where got differs from want, and the difference of sums.
func compare(want, got []money.VND) (int, *big.Int) {
	mismatches := 0
	if len(got) != len(want) {
		mismatches += max(len(got), len(want)) - min(len(got), len(want))
	}
	sum := func(xs []money.VND) *big.Int {
		s := new(big.Int)
		for _, x := range xs {
			b, _ := new(big.Int).SetString(x.String(), 10)
			s.Add(s, b)
		}
		return s
	}
	for i := range min(len(got), len(want)) {
		if !got[i].Equal(want[i]) {
			mismatches++
		}
	}
	return mismatches, new(big.Int).Sub(sum(want), sum(got))
}

// viaPostgres copies the amounts into a numeric(20,0) column and reads them back; it also
// checks PostgreSQL's own sum against Go's.
func viaPostgres(t *testing.T, in []money.VND) []money.VND {
	db, err := sql.Open("postgres", testdb.New(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE amounts (i int PRIMARY KEY, amount numeric(20,0) NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, `COPY amounts (i, amount) FROM STDIN`)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range in {
		if _, err := stmt.ExecContext(ctx, i, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	if err := stmt.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var pgSum string
	if err := db.QueryRowContext(ctx, `SELECT sum(amount)::text FROM amounts`).Scan(&pgSum); err != nil {
		t.Fatal(err)
	}
	_, lost := compare(nil, in)
	if goSum := new(big.Int).Neg(lost).String(); pgSum != goSum {
		t.Errorf("PostgreSQL sums to %s, Go to %s", pgSum, goSum)
	}
	rows, err := db.QueryContext(ctx, `SELECT amount FROM amounts ORDER BY i`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := make([]money.VND, 0, len(in))
	for rows.Next() {
		var v money.VND
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func viaJSON(t *testing.T, in []money.VND) []money.VND {
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if b[1] != '"' {
		t.Fatalf("amounts travel as JSON numbers: %.40s", b)
	}
	var out []money.VND
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func viaCSV(t *testing.T, in []money.VND) []money.VND {
	var buf bytes.Buffer
	w := NewCSV(&buf)
	for i, v := range in {
		if err := w.AddRow(Int(int64(i)), Money(v)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), utf8BOM)))
	r.ReuseRecord = true
	out := make([]money.VND, 0, len(in))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, mustParse(t, rec[1]))
	}
	return out
}

func viaXLSX(t *testing.T, in []money.VND) []money.VND {
	sh, err := NewSheet("Số tiền")
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	for i, v := range in {
		if err := sh.AddRow(Int(int64(i)), Money(v)); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := sh.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	t.Logf("XLSX of %d amounts: %d bytes", len(in), buf.Len())
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(sh.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := make([]money.VND, 0, len(in))
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, mustParse(t, cols[1]))
	}
	return out
}

func mustParse(t *testing.T, s string) money.VND {
	t.Helper()
	v, err := money.Parse(s)
	if err != nil {
		t.Fatalf("read back %q: %v", s, err)
	}
	return v
}

// TESTING.md row 8, second half: splits of an amount, equal or by weights, sum back to
// the amount exactly, each part within one đồng of its exact share.
func TestSplitsSumBack(t *testing.T) {
	r := rand.New(rand.NewPCG(seed(t), 9))
	amounts := randomAmounts(r, 20_000)
	lostEqual, lostWeights := 0, 0
	for i, v := range amounts {
		n := 1 + r.IntN(24)
		if i%1000 == 0 {
			n = 1 + r.IntN(money.MaxParts)
		}
		parts, err := v.SplitEqual(n)
		if err != nil {
			t.Fatal(err)
		}
		if !money.Sum(parts...).Equal(v) {
			lostEqual++
			t.Errorf("SplitEqual(%s, %d) sums to %s", v, n, money.Sum(parts...))
		}
		weights := make([]decimal.Decimal, 1+r.IntN(12))
		for j := range weights {
			weights[j] = decimal.New(r.Int64N(1_000_000), -int32(r.IntN(5)))
		}
		weights[0] = weights[0].Add(decimal.New(1, -4)) // a positive sum
		parts, err = v.SplitByWeights(weights)
		if err != nil {
			t.Fatal(err)
		}
		if !money.Sum(parts...).Equal(v) {
			lostWeights++
			t.Errorf("SplitByWeights(%s, %v) sums to %s", v, weights, money.Sum(parts...))
		}
		checkShares(t, v, weights, parts)
	}
	t.Logf("splits of %d amounts: equal lost %d, by weights lost %d", len(amounts), lostEqual, lostWeights)
}

// checkShares verifies that each part is within one đồng of its exact share.
func checkShares(t *testing.T, v money.VND, weights []decimal.Decimal, parts []money.VND) {
	t.Helper()
	total := decimal.Sum(weights[0], weights[1:]...)
	for j, w := range weights {
		exact := v.Decimal().Mul(w).DivRound(total, 4)
		if diff := parts[j].Decimal().Sub(exact).Abs(); diff.GreaterThanOrEqual(decimal.New(1, 0)) {
			t.Fatalf("%s by %v: part %d = %s, exact share %s", v, weights, j, parts[j], exact)
		}
	}
}
