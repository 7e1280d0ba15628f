package web

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"

	"congquy/internal/audit"
	"congquy/internal/i18n"
)

// The ledger and audit pages' template helpers, added to funcs before templates parse.
func init() {
	funcs["deref"] = deref
	funcs["derefID"] = func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	funcs["pretty"] = pretty
	funcs["changed"] = changed
}

// changed lists the top-level fields whose value differs between before and after, for
// the history page's summary of each change.
func changed(before, after audit.Doc) []string {
	var b, a map[string]json.RawMessage
	_ = json.Unmarshal(before, &b)
	_ = json.Unmarshal(after, &a)
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(compact(v), compact(w)) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func compact(raw []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

// deref returns what a pointer points to, or "" for nil, for optional columns.
func deref(p any) any {
	v := reflect.ValueOf(p)
	if !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return ""
	}
	if v.Kind() == reflect.Pointer {
		return v.Elem().Interface()
	}
	return p
}

// pretty indents a JSON document for the history page; "—" for none.
func pretty(d audit.Doc) string {
	if len(d) == 0 {
		return "—"
	}
	var b bytes.Buffer
	if err := json.Indent(&b, d, "", "  "); err != nil {
		return string(d)
	}
	return b.String()
}

// Int64 formats a large count with thousands separators.
func (p page) Int64(n int64) string { return i18n.Int(p.Lang, n) }
