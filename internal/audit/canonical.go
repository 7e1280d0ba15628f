// Package audit holds the tamper evidence of the audit trail (DESIGN.md §7,
// docs/audit.md): the canonical encoding of an event, the SHA-256 hash chains, signed
// checkpoints of the chain heads, and the verifier that walks the chains. It knows no SQL.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// Event is one audit event as stored.
type Event struct {
	ID         int64     `db:"id" json:"id"`
	At         time.Time `db:"at" json:"at"`
	UnitID     *int64    `db:"unit_id" json:"unit_id"`
	ActorID    *int64    `db:"actor_id" json:"actor_id"`
	ActorLogin string    `db:"actor_login" json:"actor_login"`
	Action     string    `db:"action" json:"action"`
	Entity     string    `db:"entity" json:"entity"`
	EntityID   string    `db:"entity_id" json:"entity_id"`
	Before     Doc       `db:"before" json:"before"`
	After      Doc       `db:"after" json:"after"`
	RequestID  string    `db:"request_id" json:"request_id"`
	IP         string    `db:"ip" json:"ip"`
}

// Doc is a JSON document column that may be NULL (nil).
type Doc []byte

// Scan reads a jsonb column.
func (d *Doc) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = nil
	case []byte:
		*d = append(Doc(nil), v...)
	case string:
		*d = Doc(v)
	default:
		return fmt.Errorf("audit: cannot scan %T into a document", src)
	}
	return nil
}

// MarshalJSON writes the document as it is, or null.
func (d Doc) MarshalJSON() ([]byte, error) {
	if len(d) == 0 {
		return []byte("null"), nil
	}
	return d, nil
}

// SystemChain is the chain of events that belong to no unit.
const SystemChain = "system"

// ChainOf names the chain an event belongs to: one per unit, so that sealing and
// verification can be split by unit, and "system" for events of no unit.
func ChainOf(unitID *int64) string {
	if unitID == nil {
		return SystemChain
	}
	return "unit:" + strconv.FormatInt(*unitID, 10)
}

// HashSize is the length of a chain hash.
const HashSize = sha256.Size

// Genesis is the previous hash of the first event of every chain.
var Genesis = make([]byte, HashSize)

// timeFormat is the fixed form of instants in the canonical encoding: UTC, microseconds.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// Canonical returns the canonical encoding of the event at position seq of chain: a JSON
// object with keys in byte order, no insignificant space, instants in UTC with six
// fractional digits, integers as digits, absent values as null, and the before/after
// documents re-encoded the same way (numbers kept as their literal digits, never floats).
// Strings are escaped as encoding/json does without HTML escaping. The output is pinned
// by TestCanonicalIsPinned: changing it would break every existing chain.
func Canonical(chain string, seq int64, e Event) ([]byte, error) {
	before, err := canonicalDoc(e.Before)
	if err != nil {
		return nil, fmt.Errorf("event %d before: %w", e.ID, err)
	}
	after, err := canonicalDoc(e.After)
	if err != nil {
		return nil, fmt.Errorf("event %d after: %w", e.ID, err)
	}
	b := make([]byte, 0, 256+len(e.Before)+len(e.After))
	b = append(b, `{"action":`...)
	b = appendString(b, e.Action)
	b = append(b, `,"actor_id":`...)
	b = appendIntPtr(b, e.ActorID)
	b = append(b, `,"actor_login":`...)
	b = appendString(b, e.ActorLogin)
	b = append(b, `,"after":`...)
	b = appendValue(b, after)
	b = append(b, `,"at":"`...)
	b = e.At.UTC().AppendFormat(b, timeFormat)
	b = append(b, `","before":`...)
	b = appendValue(b, before)
	b = append(b, `,"chain":`...)
	b = appendString(b, chain)
	b = append(b, `,"entity":`...)
	b = appendString(b, e.Entity)
	b = append(b, `,"entity_id":`...)
	b = appendString(b, e.EntityID)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, e.ID, 10)
	b = append(b, `,"ip":`...)
	b = appendString(b, e.IP)
	b = append(b, `,"request_id":`...)
	b = appendString(b, e.RequestID)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, `,"unit_id":`...)
	b = appendIntPtr(b, e.UnitID)
	return append(b, '}'), nil
}

// canonicalDoc decodes a JSON document keeping numbers as their text, for re-encoding
// with sorted keys; an empty document is null.
func canonicalDoc(raw Doc) (any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// appendValue writes a decoded document: objects with keys in byte order.
func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case json.Number:
		return append(b, x...)
	case string:
		return appendString(b, x)
	case []any:
		b = append(b, '[')
		for i, el := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, el)
		}
		return append(b, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendValue(b, x[k])
		}
		return append(b, '}')
	}
	panic(fmt.Sprintf("audit: unexpected %T in a decoded document", v))
}

func appendIntPtr(b []byte, p *int64) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *p, 10)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string escaped exactly as encoding/json does with HTML
// escaping off: quote, backslash and control characters escaped, U+2028 and U+2029 as
// \u escapes, invalid UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Hash links an event into its chain: SHA-256 of the previous hash followed by the
// event's canonical encoding.
func Hash(prev []byte, canonical []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(canonical)
	return h.Sum(nil)
}

// Seal is an event's place in its chain.
type Seal struct {
	EventID  int64
	Chain    string
	Seq      int64
	PrevHash []byte
	Hash     []byte
}

// Head is the last seal of a chain.
type Head struct {
	Chain string `json:"chain"`
	Seq   int64  `json:"seq"`
	Hash  string `json:"hash"` // hex
}
