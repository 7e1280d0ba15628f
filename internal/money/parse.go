package money

import (
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Parse reads an amount typed by a person or found in a file. The rules, applied in order:
//
//  1. Input longer than MaxInputLen bytes is refused before anything else is looked at.
//  2. Surrounding white space is ignored, then one optional currency suffix — "₫", "đ",
//     "VND", "VNĐ" or "đồng", in any letter case, with or without a space before it.
//  3. An optional leading "-" makes the amount negative ("-0" is 0). A "+", a second "-",
//     or a sign anywhere else is refused.
//  4. What remains is ASCII digits 0–9, optionally grouped by thousands separators: ".",
//     "," or a space (also the no-break spaces U+00A0, U+202F and the thin space U+2009).
//     Only one kind of separator may be used, and if used the grouping must be exact:
//     a first group of 1–3 digits not starting with 0, then groups of exactly 3 digits.
//     So "1234567", "1.234.567", "1,234,567" and "1 234 567" are all 1234567 đồng, while
//     "1.23.4" and "12 34" are refused. Leading zeros are allowed only without grouping.
//  5. A "." or "," that cannot be a thousands separator reads as a decimal mark and is
//     refused as a fractional đồng: "12.5", "1234,5", "0.500", "1.234,5", "1.234,00",
//     "1,234.00". Fractions are never rounded away silently, even when they are zero.
//  6. Anything else is refused: letters, exponents ("1e10"), non-ASCII digits (full-width
//     "１２３", Arabic-Indic "١٢٣"), other symbols, and empty input.
//  7. At most MaxDigits significant digits (the precision of numeric(20,0)).
//
// Parse accepts negative amounts; use ParsePositive or ParseNonNegative where the sign is
// part of the rule. Every error is an *apperr.Error with code Invalid.
func Parse(s string) (VND, error) {
	if len(s) > MaxInputLen {
		return VND{}, errTooLong()
	}
	s = trimCurrency(strings.TrimSpace(s))
	if s == "" {
		return VND{}, errEmpty()
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		return VND{}, errPlus()
	}
	if r, _ := utf8.DecodeRuneInString(s); neg && unicode.IsSpace(r) {
		return VND{}, errSign()
	}
	var n scanned
	if err := n.scan(s); err != nil {
		return VND{}, err
	}
	if err := n.checkGroups(); err != nil {
		return VND{}, err
	}
	return n.value(neg)
}

// ParsePositive is Parse for amounts that must be greater than zero (a payment, a price).
func ParsePositive(s string) (VND, error) {
	v, err := Parse(s)
	if err == nil && !v.IsPositive() {
		return VND{}, errNotPositive()
	}
	return v, err
}

// ParseNonNegative is Parse for amounts that may be zero but not negative (a balance
// brought forward, an optional fee).
func ParseNonNegative(s string) (VND, error) {
	v, err := Parse(s)
	if err == nil && v.IsNegative() {
		return VND{}, errNegative()
	}
	return v, err
}

// currencySuffixes are the currency marks Parse strips, longest first so that "VNĐ" is
// not mistaken for "đ". The second is "đồng" with decomposed diacritics (NFD).
var currencySuffixes = []string{"đồng", "\u0111o\u0302\u0300ng", "VNĐ", "VND", "₫", "đ"}

// trimCurrency removes one currency suffix and the white space before it. Case folding
// never changes the byte length of these suffixes, so comparing equal-length tails is exact.
func trimCurrency(s string) string {
	for _, suf := range currencySuffixes {
		if len(s) >= len(suf) && strings.EqualFold(s[len(s)-len(suf):], suf) {
			return strings.TrimRightFunc(s[:len(s)-len(suf)], unicode.IsSpace)
		}
	}
	return s
}

// sepKind is a kind of thousands separator.
type sepKind uint8

const (
	sepDot sepKind = iota
	sepComma
	sepSpace
	numSepKinds
)

// spaceSeparators are the multi-byte spaces accepted between digit groups.
var spaceSeparators = []string{"\u00a0", "\u202f", "\u2009"}

// scanned is the body of an amount split into digits and digit groups. Its arrays are
// sized by MaxInputLen, so scanning allocates nothing.
type scanned struct {
	digits [MaxInputLen]byte
	nd     int
	groups [MaxInputLen + 1]uint8 // digits in each group; ng = separators + 1
	ng     int
	count  [numSepKinds]int // separators of each kind
	last   sepKind          // kind of the last separator
}

// scan splits s into digits and groups, refusing any other character.
func (n *scanned) scan(s string) error {
	n.ng = 1
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			n.digits[n.nd] = c
			n.nd++
			n.groups[n.ng-1]++
			i++
		case c == '.':
			n.sep(sepDot)
			i++
		case c == ',':
			n.sep(sepComma)
			i++
		case c == ' ':
			n.sep(sepSpace)
			i++
		case c == '-':
			return errSign()
		default:
			w := spaceWidth(s[i:])
			if w == 0 {
				r, _ := utf8.DecodeRuneInString(s[i:])
				return errChar(r)
			}
			n.sep(sepSpace)
			i += w
		}
	}
	return nil
}

// spaceWidth returns the byte length of the multi-byte space separator s starts with, or 0.
func spaceWidth(s string) int {
	for _, sp := range spaceSeparators {
		if strings.HasPrefix(s, sp) {
			return len(sp)
		}
	}
	return 0
}

// sep records a separator of kind k and starts a new group.
func (n *scanned) sep(k sepKind) {
	n.count[k]++
	n.last = k
	n.ng++
}

// checkGroups applies rules 4 and 5 of Parse to the scanned groups.
func (n *scanned) checkGroups() error {
	if n.nd == 0 {
		return errNoDigits()
	}
	kinds := 0
	for _, c := range n.count {
		if c > 0 {
			kinds++
		}
	}
	switch {
	case kinds == 0:
		return nil
	case kinds == 1 && n.wellGrouped():
		return nil
	case n.looksDecimal():
		return errFraction()
	case kinds > 1:
		return errMixedSeparators()
	}
	return errGrouping()
}

// wellGrouped reports whether the groups are 1–3 digits (no leading 0), then 3, 3, ….
func (n *scanned) wellGrouped() bool {
	if n.groups[0] < 1 || n.groups[0] > 3 || n.digits[0] == '0' {
		return false
	}
	for _, g := range n.groups[1:n.ng] {
		if g != 3 {
			return false
		}
	}
	return true
}

// looksDecimal reports whether the last separator is a "." or "," that occurs once and
// has digits after it: a decimal mark, as in "12.5" or "1.234,00".
func (n *scanned) looksDecimal() bool {
	return n.last != sepSpace && n.count[n.last] == 1 && n.groups[n.ng-1] > 0
}

// value returns the digits as an amount, refusing more than MaxDigits significant digits.
func (n *scanned) value(neg bool) (VND, error) {
	d := n.digits[:n.nd]
	for len(d) > 1 && d[0] == '0' {
		d = d[1:]
	}
	if len(d) > MaxDigits {
		return VND{}, errTooLarge()
	}
	if len(d) <= 18 { // fits an int64 without overflow
		var x int64
		for _, c := range d {
			x = x*10 + int64(c-'0')
		}
		if neg {
			x = -x
		}
		return VND{d: decimal.New(x, 0)}, nil
	}
	b, _ := new(big.Int).SetString(string(d), 10) // d is only ASCII digits
	if neg {
		b.Neg(b)
	}
	return fromBig(b), nil
}
