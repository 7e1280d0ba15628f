package money

import (
	"database/sql"
	"database/sql/driver"
	"strings"
	"testing"
)

// The interfaces database/sql looks for.
var (
	_ sql.Scanner   = (*VND)(nil)
	_ driver.Valuer = VND{}
	_ sql.Scanner   = (*NullVND)(nil)
	_ driver.Valuer = NullVND{}
)

func TestScan(t *testing.T) {
	tests := []struct {
		src  any
		want string // "" means an error
	}{
		{[]byte("1234567"), "1234567"},
		{"-1234567", "-1234567"},
		{[]byte("0"), "0"},
		{[]byte("1234567.00"), "1234567"},
		{"-5.000", "-5"},
		{int64(-42), "-42"},
		{"99999999999999999999", "99999999999999999999"},
		{"100000000000000000000", ""},
		{[]byte("1234567.50"), ""},
		{"0.001", ""},
		{"NaN", ""},
		{"Infinity", ""},
		{"-Infinity", ""},
		{"1e5", ""},
		{"1.234.567", ""},
		{"", ""},
		{"-", ""},
		{"--1", ""},
		{" 1", ""},
		{strings.Repeat("0", 1<<20), ""},
		{float64(1), ""},
		{float32(1), ""},
		{true, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		v := FromInt64(42)
		err := v.Scan(tt.src)
		if tt.want == "" {
			if err == nil {
				t.Errorf("Scan(%T %.20v) = %s, want error", tt.src, tt.src, v)
			}
			if !v.Equal(FromInt64(42)) {
				t.Errorf("Scan(%T %.20v) changed the value on error", tt.src, tt.src)
			}
			continue
		}
		if err != nil || v.String() != tt.want {
			t.Errorf("Scan(%T %v) = %s, %v; want %s", tt.src, tt.src, v, err, tt.want)
		}
	}
}

func TestValueScanRoundTrip(t *testing.T) {
	for _, s := range []string{"0", "1", "-1", "1234567", "-99999999999999999999"} {
		v := MustParse(s)
		dv, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		if str, ok := dv.(string); !ok || str != s {
			t.Fatalf("Value() = %#v, want %q", dv, s)
		}
		var back VND
		if err := back.Scan([]byte(dv.(string))); err != nil {
			t.Fatal(err)
		}
		mustEqual(t, back, v)
	}
}

func TestNullVNDSQL(t *testing.T) {
	var n NullVND
	if err := n.Scan(nil); err != nil || n.Valid {
		t.Fatalf("Scan(nil) = %+v, %v", n, err)
	}
	if dv, err := n.Value(); dv != nil || err != nil {
		t.Fatalf("invalid Value() = %#v, %v", dv, err)
	}
	if err := n.Scan([]byte("1000")); err != nil || !n.Valid || !n.VND.Equal(FromInt64(1000)) {
		t.Fatalf("Scan(1000) = %+v, %v", n, err)
	}
	if dv, err := n.Value(); dv != "1000" || err != nil {
		t.Fatalf("Value() = %#v, %v", dv, err)
	}
	if err := n.Scan("1.5"); err == nil {
		t.Fatal("Scan(1.5) accepted")
	}
}
