// Package export writes congquy's tables as CSV and XLSX files for people to open in a
// spreadsheet: text cells are neutralised so that no cell becomes a live formula
// (TESTING.md row 23), amounts are exact numeric cells written from their digits, never
// through a float (DESIGN.md §2, §8). Every export of congquy goes through it:
//
//	sh, err := export.NewSheet("Dự toán")
//	sh.AddHeader("Đơn vị", "Ngày", "Số tiền")
//	sh.AddRow(export.Text(unit.Name("vi")), export.Date(day), export.Money(amount))
//	sh.WriteTo(w)
//
// and the same cells go to NewCSV(w).AddRow.
package export

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"congquy/internal/money"
)

// kind says what a cell holds.
type kind uint8

const (
	kindText kind = iota
	kindMoney
	kindInt
	kindDecimal
	kindDate
	kindEmpty
)

// Cell is one value of a row. Build it with Text, Money, Int, Decimal, Date or Empty.
type Cell struct {
	kind  kind
	text  string
	money money.VND
	n     int64
	dec   decimal.Decimal
	date  time.Time
}

// Text is a text cell. Text that a spreadsheet would read as a formula is neutralised
// (see Neutralise), so a payee named "=HYPERLINK(…)" stays a name.
func Text(s string) Cell { return Cell{kind: kindText, text: s} }

// Money is an amount: a number cell holding the exact đồng (negative amounts stay
// numbers), shown grouped by thousands in XLSX and as plain digits in CSV.
func Money(v money.VND) Cell { return Cell{kind: kindMoney, money: v} }

// Int is a whole number that is not money: a count, a year, a line number.
func Int(n int64) Cell { return Cell{kind: kindInt, n: n} }

// Decimal is an exact decimal that is not money, such as a percentage of execution; it
// is written from its digits like Money.
func Decimal(d decimal.Decimal) Cell { return Cell{kind: kindDecimal, dec: d} }

// Date is a civil date (its year, month and day, in t's own location): a real date cell
// shown dd/mm/yyyy in XLSX, and ISO 8601 (2026-03-31) in CSV.
func Date(t time.Time) Cell { return Cell{kind: kindDate, date: t} }

// Empty is a blank cell.
func Empty() Cell { return Cell{kind: kindEmpty} }

// String is the cell as CSV writes it.
func (c Cell) String() string {
	switch c.kind {
	case kindText:
		return cellText(c.text)
	case kindMoney:
		return c.money.String()
	case kindInt:
		return strconv.FormatInt(c.n, 10)
	case kindDecimal:
		return c.dec.String()
	case kindDate:
		return c.date.Format(time.DateOnly)
	}
	return ""
}

// formulaStarts are the first characters with which a spreadsheet (Excel, LibreOffice,
// Google Sheets) may start a formula or a DDE call when it reads a text cell — "=", "+",
// "-", "@", tab, CR (OWASP's CSV-injection list) — and LF and the full-width forms of the
// four signs, which some import paths fold to ASCII.
const formulaStarts = "=+-@\t\r\n＝＋－＠"

// Neutralise returns text that no spreadsheet will evaluate: text whose first character
// could start a formula gets a leading apostrophe ("'=1+1"), which Excel and LibreOffice
// show as text. Anything else is returned unchanged.
func Neutralise(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if s != "" && containsRune(formulaStarts, r) {
		return "'" + s
	}
	return s
}

// cellText is the text a Text cell holds in both formats: line ends as LF (a form's CR LF
// and a lone CR alike), control characters that XML 1.0 cannot carry and invalid UTF-8 as
// U+FFFD, then neutralised.
func cellText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r < ' ' && r != '\t' && r != '\n', r == 0xFFFE, r == 0xFFFF:
			return '\uFFFD'
		}
		return r
	}, s)
	return Neutralise(s)
}

func containsRune(set string, r rune) bool {
	for _, x := range set {
		if x == r {
			return true
		}
	}
	return false
}
