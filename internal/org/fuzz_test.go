package org

import (
	"regexp"
	"testing"
	"unicode/utf8"

	"congquy/internal/apperr"
)

var codeOracle = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._-]{0,31}$`)

// FuzzUnitValidate: a unit is accepted only with a code of 1–32 capitals, digits, dots,
// hyphens or underscores (after trimming and upper-casing) and names of 1–200 characters;
// anything else is a bilingual refusal, never a panic.
// Run: go test -run='^$' -fuzz=FuzzUnitValidate -fuzztime=60s ./internal/org/
func FuzzUnitValidate(f *testing.F) {
	for _, s := range []string{"CT-THADS", "kv1", " KV1 ", "", "ß", "ǆ", "K V", "KV1;DROP", "Ａ1", "ı", "ſ"} {
		f.Add(s, "Phòng khu vực 1", "Region 1")
	}
	f.Fuzz(func(t *testing.T, code, vi, en string) {
		n := NewUnit{Code: code, Kind: KindOffice, NameVI: vi, NameEN: en}
		n.Normalize()
		err := n.Validate()
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || e.VI == "" || e.EN == "" {
				t.Fatalf("Validate: %v is not a bilingual Invalid error", err)
			}
			return
		}
		if !codeOracle.MatchString(n.Code) {
			t.Fatalf("code %q accepted as %q", code, n.Code)
		}
		for _, name := range []string{n.NameVI, n.NameEN} {
			if c := utf8.RuneCountInString(name); c < 1 || c > 200 {
				t.Fatalf("name of %d characters accepted", c)
			}
		}
	})
}
