package money

import "testing"

func TestFormat(t *testing.T) {
	tests := []struct{ in, vi, en string }{
		{"0", "0 ₫", "0 ₫"},
		{"7", "7 ₫", "7 ₫"},
		{"999", "999 ₫", "999 ₫"},
		{"1000", "1.000 ₫", "1,000 ₫"},
		{"-1000", "-1.000 ₫", "-1,000 ₫"},
		{"-999", "-999 ₫", "-999 ₫"},
		{"12345", "12.345 ₫", "12,345 ₫"},
		{"123456", "123.456 ₫", "123,456 ₫"},
		{"1234567", "1.234.567 ₫", "1,234,567 ₫"},
		{"-1234567", "-1.234.567 ₫", "-1,234,567 ₫"},
		{"99999999999999999999", "99.999.999.999.999.999.999 ₫", "99,999,999,999,999,999,999 ₫"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v := MustParse(tt.in)
			if got := v.Format("vi"); got != tt.vi {
				t.Errorf("Format(vi) = %q, want %q", got, tt.vi)
			}
			if got := v.Format("en"); got != tt.en {
				t.Errorf("Format(en) = %q, want %q", got, tt.en)
			}
			if got, want := v.Format(""), tt.vi; got != want {
				t.Errorf("Format(\"\") = %q, want the vi form %q", got, want)
			}
			if got, want := v.FormatPlain("vi"), tt.vi[:len(tt.vi)-len(" ₫")]; got != want {
				t.Errorf("FormatPlain(vi) = %q, want %q", got, want)
			}
			if got, want := v.FormatPlain("en"), tt.en[:len(tt.en)-len(" ₫")]; got != want {
				t.Errorf("FormatPlain(en) = %q, want %q", got, want)
			}
			if got := v.String(); got != tt.in {
				t.Errorf("String() = %q, want %q", got, tt.in)
			}
			for _, s := range []string{tt.vi, tt.en} {
				mustEqual(t, MustParse(s), v)
			}
		})
	}
}
