package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"congquy/internal/money"
)

// FuzzTextCell checks that any text written to a CSV or XLSX cell reads back as the
// neutralised text, never as a formula, and that the amount beside it is unchanged.
// Run: go test -run='^$' -fuzz=FuzzTextCell -fuzztime=60s ./internal/export/
func FuzzTextCell(f *testing.F) {
	for _, s := range append(append([]string{"a\"b,c\r\nd", "\x00\x01", "_x0041_", "_x003D_1+1", "_x005F_x0041_", "\xff\xfe=", "\r=1", "\uFFFE", strings.Repeat("đ", 40)}, hostileTexts...), harmlessTexts...) {
		f.Add(s, int64(-1234567))
	}
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if len(s) > 4000 {
			t.Skip()
		}
		want := cellText(s)
		if startsFormula(want) {
			t.Fatalf("cell text %q of %q starts a formula", want, s)
		}
		amount := money.FromInt64(n)

		var buf bytes.Buffer
		w := NewCSV(&buf)
		if err := w.AddRow(Text(s), Money(amount)); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), utf8BOM)))
		rec, err := r.Read()
		if err != nil {
			t.Fatalf("CSV of %q unreadable: %v", s, err)
		}
		if rec[0] != want || rec[1] != amount.String() {
			t.Fatalf("CSV: %q, %q; want %q, %s", rec[0], rec[1], want, amount)
		}

		sh, err := NewSheet("f")
		if err != nil {
			t.Fatal(err)
		}
		defer sh.Close()
		if err := sh.AddRow(Text(s), Money(amount)); err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		if _, err := sh.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatalf("XLSX of %q unreadable: %v", s, err)
		}
		defer x.Close()
		got, _ := x.GetCellValue("f", "A1", excelize.Options{RawCellValue: true})
		if got != want && !(strings.TrimSpace(want) == "" && got == "") {
			t.Fatalf("XLSX text %q read back as %q", want, got)
		}
		if fm, _ := x.GetCellFormula("f", "A1"); fm != "" {
			t.Fatalf("XLSX formula %q", fm)
		}
		if v, _ := x.GetCellValue("f", "B1", excelize.Options{RawCellValue: true}); v != amount.String() {
			t.Fatalf("XLSX amount %q, want %s", v, amount)
		}
	})
}
