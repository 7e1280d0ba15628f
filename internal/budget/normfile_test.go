package budget

import (
	"os"
	"testing"
)

// The seeded norms file parses, and carries the figures of the issue.
func TestSeedNormsParse(t *testing.T) {
	f, err := os.Open("../../refdata/budget/norms.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	norms, err := ParseNormFile(f)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"TT40-2017-PHONG-LANHDAO": "1000000", "TT40-2017-PHONG-DOTHI1": "450000",
		"TT40-2017-PHONG-THIXA": "350000", "TT40-2017-PHONG-KHAC": "300000", "ND72-2023-XE-CHUNG": "950000000",
		"ND72-2023-XE-12-16": "1300000000", "ND72-2023-XE-7-8-2CAU": "1600000000"}
	got := map[string]string{}
	for _, n := range norms {
		got[n.Code] = n.LimitAmount.VND.String()
	}
	for code, limit := range want {
		if got[code] != limit {
			t.Errorf("norm %s limit = %q, want %s", code, got[code], limit)
		}
	}
}
