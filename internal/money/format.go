package money

import "strings"

// Symbol is the đồng sign that Format appends.
const Symbol = "₫"

// Format returns the amount for people, grouped by thousands and followed by the đồng
// sign: "1.234.567 ₫" for lang "vi" (the default for any other lang) and "1,234,567 ₫"
// for "en"; negative amounts start with "-". Parse reads the result back.
func (v VND) Format(lang string) string {
	return v.FormatPlain(lang) + " " + Symbol
}

// FormatPlain is Format without the đồng sign, for table cells whose column header
// already names the currency.
func (v VND) FormatPlain(lang string) string {
	sep := byte('.')
	if lang == "en" {
		sep = ','
	}
	return group(v.String(), sep)
}

// group inserts sep between every three digits of s, counted from the right; s is plain
// digits with an optional leading "-".
func group(s string, sep byte) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.Grow(len(sign) + len(s) + (len(s)-1)/3)
	b.WriteString(sign)
	first := (len(s)-1)%3 + 1 // length of the leading group
	b.WriteString(s[:first])
	for i := first; i < len(s); i += 3 {
		b.WriteByte(sep)
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
