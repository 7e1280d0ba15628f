package i18n

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	at := time.Date(2026, 3, 31, 17, 30, 0, 0, time.UTC) // 00:30 on 1 April in Việt Nam
	cases := []struct{ got, want string }{
		{Date("vi", at), "31/03/2026"},
		{Date("en", at), "2026-03-31"},
		{DateTime("vi", at), "00:30 01/04/2026"},
		{DateTime("en", at), "2026-04-01 00:30"},
		{Int("vi", 1234567), "1.234.567"},
		{Int("en", -1234567), "-1,234,567"},
		{Int("vi", 999), "999"},
		{Int("vi", 0), "0"},
		{Date("vi", time.Time{}), ""},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestCatalog(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("vi", "nav.units"); got != "Đơn vị" {
		t.Fatalf("vi nav.units = %q", got)
	}
	if got := c.T("en", "pager.page", map[string]any{"Number": 2, "Pages": 5}); got != "Page 2 of 5" {
		t.Fatalf("en pager.page = %q", got)
	}
	if got := c.T("xx", "nav.units"); got != "Đơn vị" {
		t.Fatalf("unknown language falls back to Vietnamese: %q", got)
	}
	if got := c.T("en", "no.such.message"); got != "no.such.message" {
		t.Fatalf("missing message = %q", got)
	}
}
