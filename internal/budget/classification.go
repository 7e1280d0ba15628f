package budget

import (
	"strings"

	"congquy/internal/apperr"
)

// FundingType says whether a line's money falls under the unit's financial autonomy
// (kinh phí thực hiện tự chủ) or not (không thực hiện tự chủ).
type FundingType string

// The funding types.
const (
	Autonomous    FundingType = "autonomous"
	NonAutonomous FundingType = "non_autonomous"
)

// FundingTypes lists the funding types in display order.
var FundingTypes = []FundingType{Autonomous, NonAutonomous}

// Valid reports whether f is a known funding type.
func (f FundingType) Valid() bool { return f == Autonomous || f == NonAutonomous }

// Classification is where a budget line sits in the budget classification: chương,
// loại-khoản, mục-tiểu mục, nguồn and cấp. Only the tiểu mục is posted (Art. 4.3); the
// mục is kept beside it so that reports group without a code lookup.
type Classification struct {
	Chapter    string `db:"chapter" json:"chapter"`       // chương, e.g. "014"
	Section    string `db:"section" json:"section"`       // loại, e.g. "340"
	Subsection string `db:"subsection" json:"subsection"` // khoản, e.g. "341"
	Group      string `db:"item_group" json:"group"`      // mục, e.g. "6700"
	Item       string `db:"item" json:"item"`             // tiểu mục, e.g. "6701"
	Source     string `db:"fund_source" json:"source"`    // nguồn, "01" or "50"
	Level      int    `db:"budget_level" json:"level"`    // cấp ngân sách, 1–4
}

// String writes the classification as chương-khoản-tiểu mục, the short form used on
// screens and in files (e.g. "014-341-6701").
func (c Classification) String() string {
	return c.Chapter + "-" + c.Subsection + "-" + c.Item
}

// ValidateShape checks every code of the classification by its own shape and against
// each other (khoản within its loại, tiểu mục within its mục's span). Whether the codes
// exist in the set in force is the store's check.
func (c Classification) ValidateShape(span int) error {
	if _, err := ChapterLevel(c.Chapter); err != nil {
		return fieldErr(err, "chapter")
	}
	if err := ValidateSection(c.Section); err != nil {
		return fieldErr(err, "subsection")
	}
	if err := ValidateSubsection(c.Subsection, c.Section); err != nil {
		return fieldErr(err, "subsection")
	}
	if err := ValidateGroup(c.Group); err != nil {
		return fieldErr(err, "item")
	}
	if err := ValidateItem(c.Item, c.Group, span); err != nil {
		return fieldErr(err, "item")
	}
	if err := ValidateSource(c.Source); err != nil {
		return fieldErr(err, "source")
	}
	if c.Level < 1 || c.Level > 4 {
		return apperr.New(apperr.Invalid, "Cấp ngân sách là một số từ 1 đến 4.", "The budget level is a number from 1 to 4.").OnField("level")
	}
	return nil
}

func fieldErr(err error, field string) error {
	if e, ok := apperr.As(err); ok {
		return e.OnField(field)
	}
	return err
}

// maxClassificationLen bounds the text ParseClassification looks at.
const maxClassificationLen = 40

// ParseClassification reads the short form chương-khoản-tiểu mục, with "-", ".", "/" or
// spaces between the parts ("014-341-6701", "014.341.6701", "014 341 6701"). It checks
// the shapes and derives the loại from the khoản; the mục it cannot derive (it depends on
// the code list), so Group is left empty.
func ParseClassification(s string) (Classification, error) {
	bad := apperr.New(apperr.Invalid,
		"Mã phân loại phải có dạng chương-khoản-tiểu mục, ví dụ 014-341-6701.",
		"A classification reads chapter-subsection-item, e.g. 014-341-6701.")
	if len(s) > maxClassificationLen {
		return Classification{}, bad
	}
	parts := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool {
		return r == '-' || r == '.' || r == '/' || r == ' '
	})
	if len(parts) != 3 {
		return Classification{}, bad
	}
	c := Classification{Chapter: parts[0], Subsection: parts[1], Item: parts[2]}
	if _, err := ChapterLevel(c.Chapter); err != nil {
		return Classification{}, err
	}
	if err := ValidateSubsection(c.Subsection, ""); err != nil {
		return Classification{}, err
	}
	if err := ValidateItem(c.Item, "", 0); err != nil {
		return Classification{}, err
	}
	c.Section = SectionOf(c.Subsection)
	if err := ValidateSection(c.Section); err != nil {
		return Classification{}, err
	}
	return c, nil
}
