package money

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// maxScanLen bounds the text Scan reads. A numeric(20,0) value is at most 21 bytes; the
// margin admits a whole amount computed with a scale, such as "1234567.0000".
const maxScanLen = 2 * MaxInputLen

// Scan reads an amount from a PostgreSQL numeric column (lib/pq gives []byte or string,
// other drivers int64). A value with a nonzero fraction, NaN, infinity, more than
// MaxDigits digits or NULL is an error: an amount column never holds one, so it means the
// query is wrong. A zero fraction ("1234567.00", from an expression with a scale) is
// accepted. Errors are internal, not *apperr.Error: the user cannot act on them.
func (v *VND) Scan(src any) error {
	var (
		p   VND
		err error
	)
	switch x := src.(type) {
	case int64:
		p = FromInt64(x)
	case []byte:
		p, err = scanText(x)
	case string:
		p, err = scanText(x)
	case nil:
		err = errors.New("NULL into money.VND; use money.NullVND for a nullable column")
	case float32, float64:
		err = fmt.Errorf("%T into money.VND; amounts are never floating point", src)
	default:
		err = fmt.Errorf("unsupported type %T into money.VND", src)
	}
	if err != nil {
		return fmt.Errorf("money: scan: %w", err)
	}
	*v = p
	return nil
}

// Value writes the amount as a plain digit string, which PostgreSQL casts to numeric
// exactly (an int64 could not hold every numeric(20,0), a float64 would round).
func (v VND) Value() (driver.Value, error) { return v.String(), nil }

// scanText reads PostgreSQL's text form of a numeric: an optional "-", digits, and an
// optional fraction that must be all zeros.
func scanText[T string | []byte](src T) (VND, error) {
	if len(src) > maxScanLen {
		return VND{}, fmt.Errorf("numeric text of %d bytes into money.VND", len(src))
	}
	s := string(src)
	intPart, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if !allDigits(intPart) || strings.Trim(frac, "0") != "" {
		return VND{}, fmt.Errorf("%q is not a whole number of đồng", s)
	}
	b, _ := new(big.Int).SetString(intPart, 10) // intPart is only ASCII digits
	if strings.HasPrefix(s, "-") {
		b.Neg(b)
	}
	if b.CmpAbs(maxAbs) >= 0 {
		return VND{}, fmt.Errorf("%q has more than %d digits", s, MaxDigits)
	}
	return fromBig(b), nil
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NullVND is an amount that may be missing: NULL in SQL, null in JSON, an empty form
// field. Valid is false when it is missing.
type NullVND struct {
	VND   VND
	Valid bool
}

// Scan reads a nullable numeric column; NULL gives Valid false.
func (n *NullVND) Scan(src any) error {
	if src == nil {
		*n = NullVND{}
		return nil
	}
	if err := n.VND.Scan(src); err != nil {
		return err
	}
	n.Valid = true
	return nil
}

// Value writes NULL when not Valid, else the amount as plain digits.
func (n NullVND) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return n.VND.Value()
}

// MarshalJSON writes null when not Valid, else the amount as a JSON string.
func (n NullVND) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return n.VND.MarshalJSON()
}

// UnmarshalJSON reads null as missing and anything else as VND.UnmarshalJSON does.
func (n *NullVND) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*n = NullVND{}
		return nil
	}
	var v VND
	if err := v.UnmarshalJSON(data); err != nil {
		return err
	}
	*n = NullVND{VND: v, Valid: true}
	return nil
}

// MarshalText writes "" when not Valid, else the amount as plain digits.
func (n NullVND) MarshalText() ([]byte, error) {
	if !n.Valid {
		return []byte{}, nil
	}
	return n.VND.MarshalText()
}

// UnmarshalText reads an empty or all-blank text (an optional form field left empty) as
// missing, and anything else by the rules of Parse.
func (n *NullVND) UnmarshalText(text []byte) error {
	if len(text) <= MaxInputLen && strings.TrimSpace(string(text)) == "" {
		*n = NullVND{}
		return nil
	}
	var v VND
	if err := v.UnmarshalText(text); err != nil {
		return err
	}
	*n = NullVND{VND: v, Valid: true}
	return nil
}
