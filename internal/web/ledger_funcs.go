package web

import (
	"bytes"
	"encoding/json"
	"reflect"

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
