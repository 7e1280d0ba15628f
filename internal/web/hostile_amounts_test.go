package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"congquy/internal/money"
)

// hostileAmounts are amounts no endpoint may accept (TESTING.md row 9), each as the JSON
// value sent in an amount field.
func hostileAmounts() map[string]string {
	mega := strings.Repeat("9", 1_000_000)
	return map[string]string{
		"a megabyte of digits":           `"` + mega + `"`,
		"a megabyte of digits, unquoted": mega,
		"1e10000":                        `"1e10000"`,
		"1e10000 unquoted":               `1e10000`,
		"fractional đồng":                `"1250000.5"`,
		"zero fraction":                  `"1250000.00"`,
		"half a đồng":                    `"0.5"`,
		"full-width digits":              `"１２５０"`,
		"Arabic-Indic digits":            `"١٢٥٠"`,
		"Bengali digits":                 `"১২৫০"`,
		"mathematical bold digits":       `"𝟏𝟐𝟓𝟎"`,
		"negative debit":                 `"-1250000"`,
		"unicode minus":                  `"−1250000"`,
		"21 digits":                      `"100000000000000000000"`,
		"NaN":                            `"NaN"`,
		"Infinity":                       `"Infinity"`,
		"hexadecimal":                    `"0x4C4B40"`,
		"underscores":                    `"1_250_000"`,
		"plus sign":                      `"+1250000"`,
		"empty":                          `""`,
		"null":                           `null`,
		"number":                         `1250000`,
		"object":                         `{"v":"1"}`,
		"control characters":             `"12\u000034"`,
	}
}

// bytesPerRun returns the bytes f allocates per call, averaged over runs (a memory
// figure, not a timing: nothing here depends on speed).
func bytesPerRun(runs int, f func()) uint64 {
	f() // warm caches and pools
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}

// TESTING.md row 9 at the parser: every hostile amount is refused with a bilingual
// error and costs well under 1 MB.
func TestHostileAmountsAtTheParser(t *testing.T) {
	for name, v := range hostileAmounts() {
		text := strings.Trim(v, `"`)
		var err error
		per := bytesPerRun(5, func() { _, err = money.ParsePositive(text) })
		if err == nil && name != "number" {
			t.Errorf("%s: accepted by the parser", name)
		}
		var amount money.VND
		raw := []byte(v)
		perJSON := bytesPerRun(5, func() { err = amount.UnmarshalJSON(raw) })
		if err == nil && name != "negative debit" {
			t.Errorf("%s: accepted from JSON", name)
		}
		t.Logf("%-32s parser %6d B, JSON %8d B per refusal", name, per, perJSON)
		if per > 1<<20 || perJSON > 1<<20 {
			t.Errorf("%s: %d / %d bytes per refusal", name, per, perJSON)
		}
	}
}

// TESTING.md row 9 through HTTP: POST /api/v1/journal refuses each hostile amount, in
// either side of a line, with a clear 4xx, posts nothing, and allocates under 1 MB per
// refusal beyond the request body itself (a server must hold what it is sent to read it;
// what the refusal may not do is multiply it, as parsing a million digits would).
func TestHostileAmountsThroughTheAPI(t *testing.T) {
	s, _, office := mustLedgerServer(t)
	unit := strconv.FormatInt(office.ID, 10)
	for name, v := range hostileAmounts() {
		for _, side := range []string{"debit", "credit"} {
			other := map[string]string{"debit": "credit", "credit": "debit"}[side]
			body := []byte(`{"unit_id": ` + unit + `, "date": "2026-03-10", "memo": "` + name + `",
				"lines": [{"account": "611", "` + side + `": ` + v + `}, {"account": "112", "` + other + `": "1250000"}]}`)
			var rec *httptest.ResponseRecorder
			per := bytesPerRun(3, func() {
				rec = s.do(t, http.MethodPost, "/api/v1/journal", bytes.NewReader(body), "Content-Type", "application/json")
			})
			var e errorBody
			_ = json.Unmarshal(rec.Body.Bytes(), &e)
			if rec.Code < 400 || rec.Code >= 500 || e.Error.Message == "" {
				t.Errorf("%s as %s: %d %.200s", name, side, rec.Code, rec.Body)
			}
			t.Logf("%-32s %-6s %d %-60.60s body %7d B, allocated %7d B beyond it", name, side, rec.Code, e.Error.Message, len(body), int64(per)-int64(len(body)))
			if per > uint64(len(body))+1<<20 {
				t.Errorf("%s as %s: %d bytes allocated per refusal of a %d-byte body", name, side, per, len(body))
			}
		}
	}
	var n int
	if err := s.store.DB().GetContext(context.Background(), &n, `SELECT count(*) FROM journal_entries`); err != nil || n != 0 {
		t.Errorf("%d entries posted (%v)", n, err)
	}
}
