package importguard

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"congquy/internal/apperr"
)

// FuzzRead feeds arbitrary bytes to the import gate: it never panics, refuses only with a
// bilingual Invalid error, and every cell it hands out is bounded UTF-8 without NUL.
// Run: go test -run='^$' -fuzz=FuzzRead -fuzztime=60s ./internal/importguard/
func FuzzRead(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\ufeffa;b\r\n\"x\"\"y\";2", "a,\"b\n", "\xff\xfea\x00", "PK\x03\x04", "Chi ti\xd2n", "%PDF", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		l := Limits{MaxBytes: 1 << 20, MaxRows: 100, MaxCells: 20, MaxCellBytes: 100}
		_, _, err := Read(bytes.NewReader(file), int64(len(file)), l, func(_ int, cells []string) error {
			if len(cells) > l.MaxCells {
				t.Fatalf("%d cells", len(cells))
			}
			for _, c := range cells {
				if len(c) > l.MaxCellBytes || !utf8.ValidString(c) || bytes.IndexByte([]byte(c), 0) >= 0 {
					t.Fatalf("cell %q passed the gate", c)
				}
			}
			return nil
		})
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || e.VI == "" || e.EN == "" {
				t.Fatalf("Read: %v is not a bilingual Invalid error", err)
			}
		}
	})
}
