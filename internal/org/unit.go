// Package org holds the organisation congquy serves: units (the department and its
// offices) arranged in a tree. Every business record belongs to exactly one unit.
package org

import (
	"regexp"
	"strings"
	"time"

	"congquy/internal/apperr"
)

// Kind says what a unit is; the tree's shape is free (DESIGN.md §1).
type Kind string

// The kinds of unit.
const (
	KindMinistry   Kind = "ministry"
	KindDepartment Kind = "department" // e.g. a provincial department (Cục / Sở)
	KindOffice     Kind = "office"     // e.g. a regional office (Phòng … khu vực)
	KindDivision   Kind = "division"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindMinistry, KindDepartment, KindOffice, KindDivision}

// Unit is one node of the organisation tree (đơn vị).
type Unit struct {
	ID        int64     `db:"id" json:"id"`
	ParentID  *int64    `db:"parent_id" json:"parent_id"`
	Code      string    `db:"code" json:"code"`
	Kind      Kind      `db:"kind" json:"kind"`
	NameVI    string    `db:"name_vi" json:"name_vi"`
	NameEN    string    `db:"name_en" json:"name_en"`
	Address   string    `db:"address" json:"address"`
	Depth     int       `db:"depth" json:"depth"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// Name returns the unit's name in the language ("vi" or "en").
func (u Unit) Name(lang string) string {
	if lang == "en" && u.NameEN != "" {
		return u.NameEN
	}
	return u.NameVI
}

// NewUnit is what is needed to create a unit.
type NewUnit struct {
	ParentID *int64
	Code     string
	Kind     Kind
	NameVI   string
	NameEN   string
	Address  string
}

var codeShape = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._-]{0,31}$`)

// Normalize trims the fields and upper-cases the code.
func (n *NewUnit) Normalize() {
	n.Code = strings.ToUpper(strings.TrimSpace(n.Code))
	n.NameVI = strings.TrimSpace(n.NameVI)
	n.NameEN = strings.TrimSpace(n.NameEN)
	n.Address = strings.TrimSpace(n.Address)
}

// Validate checks a new unit before it reaches the database.
func (n NewUnit) Validate() error {
	switch {
	case !codeShape.MatchString(n.Code):
		return apperr.New(apperr.Invalid,
			"Mã đơn vị gồm 1–32 ký tự chữ in hoa, số, dấu chấm, gạch ngang hoặc gạch dưới.",
			"A unit code is 1–32 capital letters, digits, dots, hyphens or underscores.").OnField("code")
	case !validKind(n.Kind):
		return apperr.New(apperr.Invalid, "Loại đơn vị không hợp lệ.", "Unknown kind of unit.").OnField("kind")
	case n.NameVI == "" || len([]rune(n.NameVI)) > 200:
		return apperr.New(apperr.Invalid, "Tên đơn vị (tiếng Việt) dài 1–200 ký tự.", "The Vietnamese name must be 1–200 characters.").OnField("name_vi")
	case n.NameEN == "" || len([]rune(n.NameEN)) > 200:
		return apperr.New(apperr.Invalid, "Tên đơn vị (tiếng Anh) dài 1–200 ký tự.", "The English name must be 1–200 characters.").OnField("name_en")
	}
	return nil
}

func validKind(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}
