// Package budget holds the rules of the state budget as an agency executes it: the budget
// classification (mục lục NSNN) and its code shapes, budget lines and their availability,
// budget decisions (estimate, allotment, adjustments, withheld savings), commitments,
// expenditure vouchers and the norms (định mức) they are checked against. It knows no SQL
// and no HTTP; internal/store applies these rules inside its transactions.
package budget

import (
	"fmt"
	"strconv"
	"strings"

	"congquy/internal/apperr"
)

// Kind is one dimension of the budget classification.
type Kind string

// The kinds of code of the budget classification (Circular 324/2016/TT-BTC, Art. 2–7).
const (
	KindChapter    Kind = "chapter"    // chương: the managing body, 3 digits
	KindSection    Kind = "section"    // loại: the sector, 3 digits, round tens
	KindSubsection Kind = "subsection" // khoản: the sub-sector, loại + 1..9
	KindGroup      Kind = "group"      // mục: the economic group, 4 digits, round tens
	KindItem       Kind = "item"       // tiểu mục: what is posted, within its mục's span
	KindSource     Kind = "source"     // nguồn NSNN: 01 domestic, 50 foreign
	KindLevel      Kind = "level"      // cấp ngân sách: 1 central … 4 commune
)

// Kinds lists the kinds in the order the classification reads.
var Kinds = []Kind{KindChapter, KindSection, KindSubsection, KindGroup, KindItem, KindSource, KindLevel}

// kindAliases are the names a CSV file may use for a kind, Vietnamese or English.
var kindAliases = map[string]Kind{
	"chapter": KindChapter, "chuong": KindChapter, "chương": KindChapter,
	"section": KindSection, "loai": KindSection, "loại": KindSection,
	"subsection": KindSubsection, "khoan": KindSubsection, "khoản": KindSubsection,
	"group": KindGroup, "muc": KindGroup, "mục": KindGroup,
	"item": KindItem, "tieu_muc": KindItem, "tiểu mục": KindItem, "tieumuc": KindItem,
	"source": KindSource, "nguon": KindSource, "nguồn": KindSource,
	"level": KindLevel, "cap": KindLevel, "cấp": KindLevel,
}

// ParseKind reads a kind by its English or Vietnamese name.
func ParseKind(s string) (Kind, bool) {
	k, ok := kindAliases[strings.ToLower(strings.TrimSpace(s))]
	return k, ok
}

// Level is a budget level (cấp ngân sách, Art. 7.2).
type Level int

// The budget levels.
const (
	LevelCentral    Level = 1 // ngân sách trung ương
	LevelProvincial Level = 2 // ngân sách cấp tỉnh
	LevelDistrict   Level = 3 // ngân sách cấp huyện
	LevelCommune    Level = 4 // ngân sách cấp xã
)

// Spans of a mục: its tiểu mục lie in the values right after it (Art. 4.2.b).
const (
	SpanRegular = 50 // tiểu mục within the 50 values after the mục
	SpanLoan    = 20 // borrowing and loan-principal mục: 20 values
)

// maxCodeLen bounds the text looked at before any parsing.
const maxCodeLen = 16

// digits reports whether s is exactly n ASCII digits.
func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func invalidCode(kind Kind, code, ruleVI, ruleEN string) *apperr.Error {
	return apperr.New(apperr.Invalid,
		fmt.Sprintf("Mã %s %q không hợp lệ: %s.", kindNameVI(kind), code, ruleVI),
		fmt.Sprintf("The %s code %q is not valid: %s.", kindNameEN(kind), code, ruleEN))
}

// ChapterLevel returns the budget level a chương belongs to by its range (Art. 2.2.a):
// central 001–399, provincial 400–599, district 600–799, commune 800–989.
func ChapterLevel(code string) (Level, error) {
	if !digits(code, 3) {
		return 0, invalidCode(KindChapter, code, "gồm đúng 3 chữ số", "it must be exactly 3 digits")
	}
	n, _ := strconv.Atoi(code)
	switch {
	case n >= 1 && n <= 399:
		return LevelCentral, nil
	case n >= 400 && n <= 599:
		return LevelProvincial, nil
	case n >= 600 && n <= 799:
		return LevelDistrict, nil
	case n >= 800 && n <= 989:
		return LevelCommune, nil
	}
	return 0, invalidCode(KindChapter, code, "phải trong khoảng 001–989", "it must lie between 001 and 989")
}

// ValidateSection checks a loại: 3 digits, a round ten above zero (Art. 3.2.a).
func ValidateSection(code string) error {
	if !digits(code, 3) || code[2] != '0' || code == "000" {
		return invalidCode(KindSection, code, "gồm 3 chữ số, là số chẵn chục (ví dụ 340)", "it must be 3 digits, a round ten (e.g. 340)")
	}
	return nil
}

// SectionOf returns the loại a khoản belongs to: the khoản with its last digit zeroed.
func SectionOf(subsection string) string {
	if len(subsection) != 3 {
		return ""
	}
	return subsection[:2] + "0"
}

// ValidateSubsection checks a khoản: 3 digits whose last digit is 1–9, right after its
// loại (Art. 3.2.b). section may be empty to check the shape only.
func ValidateSubsection(code, section string) error {
	if !digits(code, 3) || code[2] == '0' {
		return invalidCode(KindSubsection, code, "gồm 3 chữ số, hàng đơn vị từ 1 đến 9 (ví dụ 341)", "it must be 3 digits ending in 1–9 (e.g. 341)")
	}
	if section != "" && SectionOf(code) != section {
		return invalidCode(KindSubsection, code, "không thuộc loại "+section, "it does not belong to section "+section)
	}
	return nil
}

// ValidateGroup checks a mục: 4 digits, a round ten (Art. 4.2.a).
func ValidateGroup(code string) error {
	if !digits(code, 4) || code[3] != '0' || code == "0000" {
		return invalidCode(KindGroup, code, "gồm 4 chữ số, là số chẵn chục (ví dụ 6700)", "it must be 4 digits, a round ten (e.g. 6700)")
	}
	return nil
}

// ValidateItem checks a tiểu mục: 4 digits whose last digit is 1–9, within the span
// values after its mục (50, or 20 for borrowing mục; Art. 4.2.b). group may be empty to
// check the shape only.
func ValidateItem(code, group string, span int) error {
	if !digits(code, 4) || code[3] == '0' {
		return invalidCode(KindItem, code, "gồm 4 chữ số, hàng đơn vị từ 1 đến 9 (ví dụ 6701)", "it must be 4 digits ending in 1–9 (e.g. 6701)")
	}
	if group == "" {
		return nil
	}
	if span != SpanLoan {
		span = SpanRegular
	}
	c, _ := strconv.Atoi(code)
	g, _ := strconv.Atoi(group)
	if c <= g || c >= g+span {
		return apperr.Newf(apperr.Invalid,
			"Mã tiểu mục %q không thuộc mục %s (phải trong %d giá trị liền sau mục).",
			"The item code %q does not belong to group %s (it must lie within the %d values after it).",
			code, group, span)
	}
	return nil
}

// ValidateSource checks a nguồn: 01 domestic or 50 foreign (Art. 6.2).
func ValidateSource(code string) error {
	if code != "01" && code != "50" {
		return invalidCode(KindSource, code, "chỉ có 01 (trong nước) hoặc 50 (ngoài nước)", "it is 01 (domestic) or 50 (foreign)")
	}
	return nil
}

// ValidateLevel checks a cấp ngân sách: 1 to 4 (Art. 7.2).
func ValidateLevel(code string) error {
	if len(code) != 1 || code[0] < '1' || code[0] > '4' {
		return invalidCode(KindLevel, code, "là một số từ 1 đến 4", "it is a number from 1 to 4")
	}
	return nil
}

// ValidateShape checks a code of any kind by its own shape; parent is the loại of a
// khoản or the mục of a tiểu mục (may be empty), span the mục's span for a tiểu mục.
func ValidateShape(kind Kind, code, parent string, span int) error {
	if len(code) > maxCodeLen {
		return invalidCode(kind, code[:maxCodeLen]+"…", "quá dài", "it is too long")
	}
	switch kind {
	case KindChapter:
		_, err := ChapterLevel(code)
		return err
	case KindSection:
		return ValidateSection(code)
	case KindSubsection:
		return ValidateSubsection(code, parent)
	case KindGroup:
		return ValidateGroup(code)
	case KindItem:
		return ValidateItem(code, parent, span)
	case KindSource:
		return ValidateSource(code)
	case KindLevel:
		return ValidateLevel(code)
	}
	return apperr.Newf(apperr.Invalid, "Loại mã %q không tồn tại.", "There is no kind of code %q.", string(kind))
}

// kindNameVI names a kind in Vietnamese, for messages.
func kindNameVI(k Kind) string {
	switch k {
	case KindChapter:
		return "chương"
	case KindSection:
		return "loại"
	case KindSubsection:
		return "khoản"
	case KindGroup:
		return "mục"
	case KindItem:
		return "tiểu mục"
	case KindSource:
		return "nguồn"
	case KindLevel:
		return "cấp ngân sách"
	}
	return string(k)
}

// kindNameEN names a kind in English, for messages.
func kindNameEN(k Kind) string {
	switch k {
	case KindChapter:
		return "chapter (chương)"
	case KindSection:
		return "section (loại)"
	case KindSubsection:
		return "subsection (khoản)"
	case KindGroup:
		return "group (mục)"
	case KindItem:
		return "item (tiểu mục)"
	case KindSource:
		return "funding source (nguồn)"
	case KindLevel:
		return "budget level (cấp)"
	}
	return string(k)
}
