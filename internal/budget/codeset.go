package budget

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"congquy/internal/apperr"
)

// CodeSet is one list of classification codes in force for a range of budget years: the
// lists of a circular and its amendments (e.g. Circular 324/2016/TT-BTC from 2017).
type CodeSet struct {
	ID         int64  `db:"id" json:"id"`
	Code       string `db:"code" json:"code"` // e.g. "TT324-2016"
	NameVI     string `db:"name_vi" json:"name_vi"`
	NameEN     string `db:"name_en" json:"name_en"`
	LegalBasis string `db:"legal_basis" json:"legal_basis"`
	ValidFrom  int    `db:"valid_from" json:"valid_from"` // first budget year
	ValidTo    *int   `db:"valid_to" json:"valid_to"`     // last budget year; nil while in force
}

// Code is one code of a set. Verified is false for a row whose value could not be
// checked against the legal text; it is shown as "chưa xác minh" wherever it appears.
type Code struct {
	Kind     Kind   `db:"kind" json:"kind"`
	Code     string `db:"code" json:"code"`
	Parent   string `db:"parent_code" json:"parent"` // loại of a khoản, mục of a tiểu mục
	NameVI   string `db:"name_vi" json:"name_vi"`
	NameEN   string `db:"name_en" json:"name_en"`
	Span     int    `db:"span" json:"span,omitempty"` // a mục's span: 50, or 20 for borrowing
	Verified bool   `db:"verified" json:"verified"`
	Source   string `db:"source" json:"source"`
}

// Limits of a code file, so that a hostile upload costs little.
const (
	MaxCodeRows     = 20000
	maxCodeFieldLen = 500
)

// RowError is what is wrong with one row of an imported file.
type RowError struct {
	Row   int    `json:"row"` // 1-based line number in the file, the header being 1
	Field string `json:"field"`
	VI    string `json:"vi"`
	EN    string `json:"en"`
}

// Message returns the error in the language.
func (e RowError) Message(lang string) string {
	if lang == "en" {
		return e.EN
	}
	return e.VI
}

// codeColumns are the columns of a code file, in order; span may be omitted.
var codeColumns = []string{"kind", "code", "parent", "name_vi", "name_en", "verified", "source", "span"}

// ParseCodeFile reads a code file (CSV, UTF-8, a header row naming the columns kind,
// code, parent, name_vi, name_en, verified, source and optionally span) and checks every
// row: the shape of each code, that each khoản's loại and each tiểu mục's mục is in the
// file, no duplicates. It returns every row error it finds, so that the person importing
// sees all of them at once; a file with any error must not be imported at all.
func ParseCodeFile(r io.Reader) ([]Code, []RowError, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, apperr.New(apperr.Invalid, "Tệp trống hoặc không phải CSV.", "The file is empty or not CSV.")
	}
	idx, err := columnIndex(header)
	if err != nil {
		return nil, nil, err
	}
	var codes []Code
	var rows []int // the file line of each code
	var errs []RowError
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, RowError{Row: row, VI: "Dòng CSV hỏng: " + err.Error(), EN: "Broken CSV line: " + err.Error()})
			break
		}
		if len(codes)+len(errs) >= MaxCodeRows {
			return nil, nil, apperr.Newf(apperr.Invalid, "Tệp có quá %d dòng.", "The file has more than %d rows.", MaxCodeRows)
		}
		c, rerr := codeFromRecord(rec, idx)
		if rerr != nil {
			rerr.Row = row
			errs = append(errs, *rerr)
			continue
		}
		codes = append(codes, c)
		rows = append(rows, row)
	}
	errs = append(errs, checkCodeSet(codes, rows)...)
	if len(codes) == 0 && len(errs) == 0 {
		return nil, nil, apperr.New(apperr.Invalid, "Tệp không có dòng mã nào.", "The file has no codes.")
	}
	return codes, errs, nil
}

// columnIndex maps each known column to its position in the header.
func columnIndex(header []string) (map[string]int, error) {
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		idx[h] = i
	}
	for _, c := range codeColumns[:7] {
		if _, ok := idx[c]; !ok {
			return nil, apperr.Newf(apperr.Invalid, "Thiếu cột %q. Các cột cần có: %s.", "Column %q is missing. The columns are: %s.",
				c, strings.Join(codeColumns, ", "))
		}
	}
	return idx, nil
}

// codeFromRecord reads and checks one row by itself.
func codeFromRecord(rec []string, idx map[string]int) (Code, *RowError) {
	get := func(col string) string {
		i, ok := idx[col]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	for _, f := range rec {
		if len(f) > maxCodeFieldLen || !utf8.ValidString(f) {
			return Code{}, &RowError{VI: "Có ô quá dài hoặc không phải UTF-8.", EN: "A cell is too long or not UTF-8."}
		}
	}
	kind, ok := ParseKind(get("kind"))
	if !ok {
		return Code{}, &RowError{Field: "kind", VI: fmt.Sprintf("Loại mã %q không tồn tại.", get("kind")), EN: fmt.Sprintf("Unknown kind %q.", get("kind"))}
	}
	c := Code{Kind: kind, Code: get("code"), Parent: get("parent"), NameVI: get("name_vi"), NameEN: get("name_en"), Source: get("source")}
	verified, ok := parseBool(get("verified"))
	if !ok {
		return Code{}, &RowError{Field: "verified", VI: "Cột verified phải là true hoặc false.", EN: "The verified column must be true or false."}
	}
	c.Verified = verified
	if kind == KindGroup {
		c.Span = SpanRegular
		if s := get("span"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || (n != SpanRegular && n != SpanLoan) {
				return Code{}, &RowError{Field: "span", VI: "Khoảng của mục là 50 hoặc 20.", EN: "A group's span is 50 or 20."}
			}
			c.Span = n
		}
	}
	switch {
	case c.NameVI == "":
		return Code{}, &RowError{Field: "name_vi", VI: "Thiếu tên tiếng Việt.", EN: "The Vietnamese name is missing."}
	case c.Source == "":
		return Code{}, &RowError{Field: "source", VI: "Thiếu nguồn (văn bản, điều khoản) của mã.", EN: "The code's source (document, article) is missing."}
	}
	if err := ValidateShape(kind, c.Code, "", 0); err != nil {
		e, _ := apperr.As(err)
		return Code{}, &RowError{Field: "code", VI: e.VI, EN: e.EN}
	}
	return c, nil
}

// checkCodeSet checks the rows against each other: no duplicates, each khoản under a
// loại of the file, each tiểu mục under a mục of the file and within its span.
func checkCodeSet(codes []Code, rows []int) []RowError {
	var errs []RowError
	seen := map[Kind]map[string]Code{}
	for _, k := range Kinds {
		seen[k] = map[string]Code{}
	}
	for i, c := range codes {
		if _, dup := seen[c.Kind][c.Code]; dup {
			errs = append(errs, RowError{Row: rows[i], Field: "code",
				VI: fmt.Sprintf("Mã %s %s bị lặp.", kindNameVI(c.Kind), c.Code),
				EN: fmt.Sprintf("The %s code %s appears twice.", kindNameEN(c.Kind), c.Code)})
		}
		seen[c.Kind][c.Code] = c
	}
	for i, c := range codes {
		var err error
		switch c.Kind {
		case KindSubsection:
			if _, ok := seen[KindSection][c.Parent]; !ok {
				err = apperr.Newf(apperr.Invalid, "Khoản %s cần loại %q có trong tệp.", "Subsection %s needs section %q in the file.", c.Code, c.Parent)
			} else {
				err = ValidateSubsection(c.Code, c.Parent)
			}
		case KindItem:
			g, ok := seen[KindGroup][c.Parent]
			if !ok {
				err = apperr.Newf(apperr.Invalid, "Tiểu mục %s cần mục %q có trong tệp.", "Item %s needs group %q in the file.", c.Code, c.Parent)
			} else {
				err = ValidateItem(c.Code, g.Code, g.Span)
			}
		}
		if e, ok := apperr.As(err); ok {
			errs = append(errs, RowError{Row: rows[i], Field: "parent", VI: e.VI, EN: e.EN})
		}
	}
	return errs
}

// parseBool reads true/false in the forms a spreadsheet writes.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "có", "x":
		return true, true
	case "false", "0", "no", "không", "":
		return false, true
	}
	return false, false
}
