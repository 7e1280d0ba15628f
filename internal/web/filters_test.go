package web

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"congquy/internal/auth"
	"congquy/internal/ledger"
	"congquy/internal/money"
	"congquy/templates"
)

// hostileFilterValues are what a person or a script may put in a list page's query
// string (TESTING.md rows 10 and 25): numbers at and past int64's edges, dates out of
// any calendar, SQL, LIKE wildcards, NUL, invalid UTF-8, a long string.
var hostileFilterValues = []string{
	"", "0", "-1", "2147483648", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"1e10000", "NaN", "0000-01", "9999-12", "0000-01-01", "9999-12-31", "2026-02-30", "2026-13", "2026-00",
	"-2026-01-01", "+2026-01", "' OR '1'='1", "1; DROP TABLE users; --", "%", "_", `\`, "%%%_\\%", "\x00", "a\x00b",
	"\xff\xfe", "\xc3", "\u202e", "<script>alert(1)</script>", strings.Repeat("9", 5000), strings.Repeat("đ", 2000),
}

// filterNames are the query parameters congquy's pages may read: every input name of
// every template (so pages added later are covered), and the pager's.
func filterNames(t *testing.T) []string {
	t.Helper()
	names := map[string]bool{"page": true, "size": true, "id": true, "next": true}
	re := regexp.MustCompile(`name="([a-z_]+)"`)
	for _, tpl := range mustTemplateTexts(t) {
		for _, m := range re.FindAllStringSubmatch(tpl, -1) {
			names[m[1]] = true
		}
	}
	delete(names, "csrf")
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// mustTemplateTexts returns the text of every template file.
func mustTemplateTexts(t *testing.T) []string {
	t.Helper()
	var out []string
	err := fsWalk(templates.FS, func(path string, data []byte) {
		if strings.HasSuffix(path, ".html") {
			out = append(out, string(data))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TESTING.md rows 10 and 25: every GET route of the router, with every filter name set
// to each hostile value, answers without a server error.
func TestHostileFiltersOnEveryPage(t *testing.T) {
	s := mustServer(t)
	u := s.everyRole(t, "tatca", "D1")
	dept, err := s.store.UnitByID(context.Background(), u.UnitID)
	if err != nil {
		t.Fatal(err)
	}
	office := s.mustUnit(t, &dept, "KV1")
	p, err := s.store.PostManualEntry(context.Background(), auth.System("test"), ledger.Entry{UnitID: office.ID, Date: day(2026, 3, 2), Memo: "Chi tiền điện",
		Lines: []ledger.Line{{Account: "611", Debit: money.FromInt64(1_250_000)}, {Account: "112", Credit: money.FromInt64(1_250_000)}}})
	if err != nil {
		t.Fatal(err)
	}
	c := s.signedIn(t, u)
	names := filterNames(t)
	requests, failures := 0, 0
	paths := map[string]bool{}
	for _, id := range []int64{p.ID, u.ID} {
		for _, path := range s.concreteRoutes(http.MethodGet, id) {
			if paths[path] || strings.HasPrefix(path, "/static/") {
				continue
			}
			paths[path] = true
			for _, v := range hostileFilterValues {
				q := url.Values{}
				for _, n := range names {
					q.Set(n, v)
				}
				target := path + "?" + q.Encode()
				rec := c.do(t, http.MethodGet, target, "")
				requests++
				if rec.Code >= 500 {
					failures++
					t.Errorf("GET %s with every filter = %.40q: %d", path, v, rec.Code)
				}
			}
		}
	}
	t.Logf("filters %v: %d requests, %d server errors", names, requests, failures)
	if failures > 0 {
		seen := map[string]bool{}
		for _, line := range strings.Split(s.logs.String(), "\n") {
			if i := strings.Index(line, `"error":`); i >= 0 && strings.Contains(line, "internal error") && !seen[line[i:]] {
				seen[line[i:]] = true
				t.Logf("server: %.300s", line[i:])
			}
		}
	}
}

// fsWalk calls f with every file of fsys.
func fsWalk(fsys fs.FS, f func(path string, data []byte)) error {
	return fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		f(path, data)
		return nil
	})
}
