package money

import "encoding/json"

// maxJSONLen bounds a JSON amount before it is decoded: MaxInputLen characters, each
// possibly written as a six-byte \u escape, plus the quotes.
const maxJSONLen = 6*MaxInputLen + 2

// MarshalJSON writes the amount as a JSON string of plain digits ("1234567"): amounts
// travel as strings so that no JSON library reads them into a float.
func (v VND) MarshalJSON() ([]byte, error) {
	s := v.String()
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

// UnmarshalJSON reads an amount from a JSON string, by the rules of Parse. A JSON number
// is refused (it may already have passed through a float on the sender's side), and so is
// null: a missing amount is an error, not 0 ₫; use NullVND or *VND for optional amounts.
// On error v is unchanged.
func (v *VND) UnmarshalJSON(data []byte) error {
	if len(data) > maxJSONLen {
		return errTooLong()
	}
	if len(data) == 0 {
		return errJSONType()
	}
	switch c := data[0]; {
	case c == '"':
	case c == 'n':
		return errJSONNull()
	case c == '-' || '0' <= c && c <= '9':
		return errJSONNumber()
	default:
		return errJSONType()
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return errJSONType().Wrap(err)
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// MarshalText writes the amount as plain digits, for CSV cells, form values and map keys.
func (v VND) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads an amount by the rules of Parse (form binding, CSV import). On error
// v is unchanged.
func (v *VND) UnmarshalText(text []byte) error {
	if len(text) > MaxInputLen { // before the string conversion copies it
		return errTooLong()
	}
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*v = p
	return nil
}
