package money

import (
	"encoding/json"
	"strings"
	"testing"

	"congquy/internal/apperr"
)

func TestJSONRoundTrip(t *testing.T) {
	type voucher struct {
		Amount VND     `json:"amount"`
		Fee    NullVND `json:"fee"`
		Tip    NullVND `json:"tip"`
		Ptr    *VND    `json:"ptr"`
	}
	for _, s := range []string{"0", "1234567", "-1234567", "99999999999999999999"} {
		in := voucher{Amount: MustParse(s), Fee: NullVND{VND: MustParse(s), Valid: true}}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"amount":"` + s + `","fee":"` + s + `","tip":null,"ptr":null}`
		if string(b) != want {
			t.Fatalf("Marshal = %s, want %s", b, want)
		}
		var out voucher
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		mustEqual(t, out.Amount, in.Amount)
		if !out.Fee.Valid || !out.Fee.VND.Equal(in.Fee.VND) || out.Tip.Valid || out.Ptr != nil {
			t.Fatalf("round trip of %s gave %+v", b, out)
		}
	}
}

func TestUnmarshalJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr *apperr.Error
	}{
		{`"1.234.567 ₫"`, "1234567", nil},
		{`"1,234,567"`, "1234567", nil},
		{`"-500"`, "-500", nil},
		{`"\u0031\u0032"`, "12", nil},
		{`1234567`, "", errJSONNumber()},
		{`-1`, "", errJSONNumber()},
		{`1.5`, "", errJSONNumber()},
		{`1e10000`, "", errJSONNumber()},
		{`null`, "", errJSONNull()},
		{`true`, "", errJSONType()},
		{`{"v":"1"}`, "", errJSONType()},
		{`["1"]`, "", errJSONType()},
		{`"12.5"`, "", errFraction()},
		{`"1e10"`, "", errChar('e')},
		{`""`, "", errEmpty()},
		{`"` + strings.Repeat("9", 1<<20) + `"`, "", errTooLong()},
		{`"` + strings.Repeat("9", MaxInputLen+1) + `"`, "", errTooLong()},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 20 {
			name = name[:20] + "…"
		}
		t.Run(name, func(t *testing.T) {
			var dst struct {
				A VND `json:"a"`
			}
			dst.A = FromInt64(42)
			err := json.Unmarshal([]byte(`{"a":`+tt.in+`}`), &dst)
			v := dst.A
			if tt.wantErr != nil {
				mustSameErr(t, err, tt.wantErr)
				mustEqual(t, v, FromInt64(42)) // unchanged on error
				return
			}
			if err != nil || v.String() != tt.want {
				t.Fatalf("Unmarshal(%s) = %s, %v; want %s", tt.in, v, err, tt.want)
			}
		})
	}
}

func TestNullVNDJSON(t *testing.T) {
	var n NullVND
	if err := json.Unmarshal([]byte(`"1.000"`), &n); err != nil || !n.Valid || !n.VND.Equal(FromInt64(1000)) {
		t.Fatalf("got %+v, %v", n, err)
	}
	if err := json.Unmarshal([]byte(`null`), &n); err != nil || n.Valid {
		t.Fatalf("null gave %+v, %v", n, err)
	}
	mustSameErr(t, json.Unmarshal([]byte(`5`), &n), errJSONNumber())
}

func TestText(t *testing.T) {
	v := MustParse("-1.234.567")
	b, err := v.MarshalText()
	if err != nil || string(b) != "-1234567" {
		t.Fatalf("MarshalText = %q, %v", b, err)
	}
	var back VND
	if err := back.UnmarshalText([]byte("1 234 567 đ")); err != nil || !back.Equal(FromInt64(1234567)) {
		t.Fatalf("UnmarshalText = %s, %v", back, err)
	}
	mustSameErr(t, back.UnmarshalText([]byte("1,5")), errFraction())
	mustSameErr(t, back.UnmarshalText([]byte(strings.Repeat("1", 1<<20))), errTooLong())
	mustEqual(t, back, FromInt64(1234567))

	var n NullVND
	for _, blank := range []string{"", "  "} {
		if err := n.UnmarshalText([]byte(blank)); err != nil || n.Valid {
			t.Fatalf("UnmarshalText(%q) = %+v, %v", blank, n, err)
		}
	}
	if err := n.UnmarshalText([]byte("7")); err != nil || !n.Valid || !n.VND.Equal(FromInt64(7)) {
		t.Fatalf("UnmarshalText(7) = %+v, %v", n, err)
	}
	if b, _ := (NullVND{}).MarshalText(); len(b) != 0 {
		t.Fatalf("invalid NullVND MarshalText = %q", b)
	}
}
