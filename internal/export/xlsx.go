package export

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Sheet is an XLSX workbook of one worksheet, written row by row.
//
// Numbers are exact in the file: an amount is written as its digit string into the
// cell's <v> element (XLSX keeps numbers as text in the XML), never through a float64, so
// every numeric(20,0) value — beyond int64 and far beyond 2^53 — reads back digit for
// digit with any XLSX reader that takes the raw value (congquy's importers, excelize's
// RawCellValue, openpyxl, pandas with dtype=str). Excel itself computes and displays
// with IEEE doubles of 15 significant digits: an amount of up to 15 digits (under a
// million billion đồng) shows and sums exactly; a longer one is shown with its digits
// after the 15th as zeros (and an amount above 2^53 ≈ 9.007×10^15 may not add exactly in
// an Excel formula), though the file still holds it exactly.
type Sheet struct {
	f     *excelize.File
	name  string
	row   int
	money int // style ids
	date  int
	dec   int
	head  int
}

// excelEpoch is day 0 of Excel's date serials (1900 date system, after its 1900 leap-year
// bug, so exact from 1 March 1900 on).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// NewSheet returns an empty workbook whose one worksheet is named name (cut to Excel's 31
// characters, without the characters it forbids). Close it when done.
func NewSheet(name string) (*Sheet, error) {
	f := excelize.NewFile()
	s := &Sheet{f: f, name: sheetName(name)}
	if err := f.SetSheetName("Sheet1", s.name); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("export: sheet name: %w", err)
	}
	styles := []struct {
		id    *int
		style excelize.Style
	}{
		{&s.money, excelize.Style{CustomNumFmt: ptr("#,##0")}},
		{&s.date, excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")}},
		{&s.dec, excelize.Style{CustomNumFmt: ptr("General")}},
		{&s.head, excelize.Style{Font: &excelize.Font{Bold: true}}},
	}
	for _, st := range styles {
		id, err := f.NewStyle(&st.style)
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("export: style: %w", err)
		}
		*st.id = id
	}
	return s, nil
}

func ptr(s string) *string { return &s }

// sheetName makes name acceptable to Excel: no : \ / ? * [ ], 1–31 characters.
func sheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) || r < ' ' {
			return '_'
		}
		return r
	}, strings.Trim(name, "' "))
	if utf8.RuneCountInString(name) > 31 {
		name = string([]rune(name)[:31])
	}
	if name == "" {
		name = "Sheet1"
	}
	return name
}

// Name is the worksheet's name.
func (s *Sheet) Name() string { return s.name }

// AddHeader writes a row of column titles in bold.
func (s *Sheet) AddHeader(titles ...string) error {
	cells := make([]Cell, len(titles))
	for i, t := range titles {
		cells[i] = Text(t)
	}
	if err := s.AddRow(cells...); err != nil {
		return err
	}
	if len(titles) == 0 {
		return nil
	}
	last, _ := excelize.CoordinatesToCellName(len(titles), s.row)
	return s.f.SetCellStyle(s.name, "A"+fmt.Sprint(s.row), last, s.head)
}

// AddRow writes the next row.
func (s *Sheet) AddRow(cells ...Cell) error {
	s.row++
	for i, c := range cells {
		ref, err := excelize.CoordinatesToCellName(i+1, s.row)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := s.set(ref, c); err != nil {
			return fmt.Errorf("export: cell %s: %w", ref, err)
		}
	}
	return nil
}

// set writes one cell. Numbers go through SetCellDefault, which stores the digit string
// as the cell's value unchanged (a numeric cell, no float conversion).
func (s *Sheet) set(ref string, c Cell) error {
	switch c.kind {
	case kindText:
		return s.f.SetCellStr(s.name, ref, escapeXString(cellText(c.text)))
	case kindMoney:
		return s.number(ref, c.money.String(), s.money)
	case kindInt:
		return s.number(ref, c.String(), 0)
	case kindDecimal:
		return s.number(ref, c.dec.String(), s.dec)
	case kindDate:
		return s.setDate(ref, c.date)
	}
	return nil
}

func (s *Sheet) number(ref, digits string, style int) error {
	if err := s.f.SetCellDefault(s.name, ref, digits); err != nil {
		return err
	}
	if style == 0 {
		return nil
	}
	return s.f.SetCellStyle(s.name, ref, ref, style)
}

// setDate writes a civil date as Excel's day serial (a whole number, so exact) with a
// date format; a date before March 1900, which Excel's serials cannot hold exactly, is
// written as ISO text.
func (s *Sheet) setDate(ref string, t time.Time) error {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if d.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)) {
		return s.f.SetCellStr(s.name, ref, d.Format(time.DateOnly))
	}
	serial := (d.Unix() - excelEpoch.Unix()) / 86400 // not Sub: a Duration overflows after 292 years
	return s.number(ref, fmt.Sprint(serial), s.date)
}

// escapeXString protects text that looks like an XLSX character escape (_x003D_ is "="),
// which excelize writes unchanged and every reader decodes: "_x003D_1+1" would come back
// as "=1+1". The underscore that starts such a sequence is itself escaped (_x005F_), as
// ECMA-376 prescribes, so the text reads back as it was typed. Sequences may overlap
// ("_x005F_x0041_"), so every underscore is looked at.
func escapeXString(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && isXEscape(s[i:]) {
			b.WriteString("_x005F")
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isXEscape reports whether s starts with _xHHHH_.
func isXEscape(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Rows is the number of rows written so far.
func (s *Sheet) Rows() int { return s.row }

// WriteTo writes the workbook as an XLSX file.
func (s *Sheet) WriteTo(w io.Writer) (int64, error) {
	n, err := s.f.WriteTo(w)
	if err != nil {
		return n, fmt.Errorf("export: write xlsx: %w", err)
	}
	return n, nil
}

// Close releases the workbook's resources.
func (s *Sheet) Close() error { return s.f.Close() }

// DateFromSerial returns the civil date of an Excel day serial, the inverse of what Date
// cells hold, for readers of congquy's files.
func DateFromSerial(serial int64) time.Time { return excelEpoch.AddDate(0, 0, int(serial)) }
