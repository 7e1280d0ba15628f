package budget

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"congquy/internal/apperr"
	"congquy/internal/money"
)

// normColumns are the columns of a norms file (refdata/budget/README.md).
var normColumns = []string{"code", "name_vi", "name_en", "legal_document", "legal_article", "group", "priority",
	"items", "expense_kind", "place_class", "item_kind", "min_position_coef", "basis", "limit_amount",
	"limit_quantity", "action", "valid_from", "valid_to", "verified", "source"}

// ParseNormFile reads a norms file; any bad row refuses the whole file, naming the row.
func ParseNormFile(r io.Reader) ([]Norm, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "Tệp định mức trống hoặc không phải CSV.", "The norms file is empty or not CSV.")
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range normColumns {
		if _, ok := idx[c]; !ok {
			return nil, apperr.Newf(apperr.Invalid, "Tệp định mức thiếu cột %q.", "The norms file lacks column %q.", c)
		}
	}
	var out []Norm
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil || row > 10000 {
			return nil, apperr.Newf(apperr.Invalid, "Tệp định mức hỏng ở dòng %d.", "The norms file is broken at row %d.", row)
		}
		get := func(c string) string {
			if i := idx[c]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		n, err := normFromRow(get)
		if err != nil {
			return nil, apperr.Newf(apperr.Invalid, "Tệp định mức, dòng %d: %s", "Norms file, row %d: %s", row, err.Error())
		}
		out = append(out, n)
	}
}

// normFromRow reads and checks one row.
func normFromRow(get func(string) string) (Norm, error) {
	n := Norm{Code: get("code"), NameVI: get("name_vi"), NameEN: get("name_en"), LegalDocument: get("legal_document"),
		LegalArticle: get("legal_article"), Group: get("group"), ExpenseKind: get("expense_kind"),
		PlaceClass: get("place_class"), ItemKind: get("item_kind"), Basis: Basis(get("basis")),
		Action: Action(get("action")), Source: get("source")}
	var err error
	if n.Priority, err = strconv.Atoi(get("priority")); err != nil {
		return n, errors.New("priority")
	}
	for _, it := range strings.Split(get("items"), ";") {
		if it = strings.TrimSpace(it); it != "" {
			if err := ValidateItem(it, "", 0); err != nil {
				return n, errors.New("items")
			}
			n.Items = append(n.Items, it)
		}
	}
	if s := get("min_position_coef"); s != "" {
		d, err := decimal.NewFromString(s)
		if err != nil {
			return n, errors.New("min_position_coef")
		}
		n.MinPositionCoef = &d
	}
	if s := get("limit_amount"); s != "" {
		v, err := money.ParseNonNegative(s)
		if err != nil {
			return n, errors.New("limit_amount")
		}
		n.LimitAmount = money.NullVND{VND: v, Valid: true}
	}
	if s := get("limit_quantity"); s != "" {
		d, err := decimal.NewFromString(s)
		if err != nil || len(s) > 20 {
			return n, errors.New("limit_quantity")
		}
		n.LimitQuantity = &d
	}
	if n.ValidFrom, err = time.Parse(time.DateOnly, get("valid_from")); err != nil {
		return n, errors.New("valid_from")
	}
	if s := get("valid_to"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return n, errors.New("valid_to")
		}
		n.ValidTo = &t
	}
	v, ok := parseBool(get("verified"))
	if !ok {
		return n, errors.New("verified")
	}
	n.Verified = v
	return n, n.Validate()
}

// Validate checks a norm's fields against each other.
func (n Norm) Validate() error {
	switch {
	case n.Code == "" || n.NameVI == "" || n.NameEN == "" || n.LegalDocument == "" || n.LegalArticle == "" || n.Source == "":
		return errors.New("code, names, legal basis and source are required")
	case !factShape(n.Group) || n.Group == "" || !factShape(n.ExpenseKind) || n.ExpenseKind == "" ||
		!factShape(n.PlaceClass) || !factShape(n.ItemKind):
		return errors.New("group, expense_kind, place_class, item_kind are lower-case identifiers")
	case n.Action != Block && n.Action != Warn:
		return errors.New("action is block or warn")
	case n.Basis == Quantity && n.LimitQuantity == nil:
		return errors.New("a quantity norm needs limit_quantity")
	case n.Basis != Quantity && !n.LimitAmount.Valid:
		return errors.New("an amount norm needs limit_amount")
	}
	switch n.Basis {
	case PerDay, PerPerson, PerPersonDay, PerItem, PerYear, PerVoucher, Quantity:
		return nil
	}
	return errors.New("unknown basis")
}
