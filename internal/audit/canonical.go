// Package audit holds the tamper evidence of the audit trail (DESIGN.md §7,
// docs/audit.md): the canonical encoding of an event, the SHA-256 hash chains, signed
// checkpoints of the chain heads, and the verifier that walks the chains. It knows no SQL.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
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
func Canonical(chain string, seq int64, e Event) ([]byte, error) {
	before, err := canonicalDoc(e.Before)
	if err != nil {
		return nil, fmt.Errorf("event %d before: %w", e.ID, err)
	}
	after, err := canonicalDoc(e.After)
	if err != nil {
		return nil, fmt.Errorf("event %d after: %w", e.ID, err)
	}
	m := map[string]any{
		"chain": chain, "seq": seq, "id": e.ID, "at": e.At.UTC().Format(timeFormat),
		"unit_id": e.UnitID, "actor_id": e.ActorID, "actor_login": e.ActorLogin,
		"action": e.Action, "entity": e.Entity, "entity_id": e.EntityID,
		"before": before, "after": after, "request_id": e.RequestID, "ip": e.IP,
	}
	return encode(m)
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

// encode writes v as compact JSON with map keys sorted (encoding/json sorts them) and
// without HTML escaping, so that the bytes depend only on the values.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
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
