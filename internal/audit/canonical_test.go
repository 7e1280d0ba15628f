package audit

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func sampleEvent() Event {
	unit, actor := int64(3), int64(7)
	return Event{ID: 42, At: time.Date(2026, 3, 5, 1, 2, 3, 456789000, time.UTC), UnitID: &unit, ActorID: &actor,
		ActorLogin: "ke.toan", Action: "post", Entity: "journal_entry", EntityID: "9",
		Before: nil, After: Doc(`{"total": "1250000", "memo": "Chi <điện>", "lines": [{"debit": "1250000", "account": "611"}], "rate": 1.50}`),
		RequestID: "r1", IP: "10.0.0.1"}
}

// The canonical form is fixed: sorted keys, fixed time format, numbers as written, no
// HTML escaping. Changing it breaks every existing chain, so this test pins it.
func TestCanonicalIsPinned(t *testing.T) {
	c, err := Canonical("unit:3", 5, sampleEvent())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"action":"post","actor_id":7,"actor_login":"ke.toan","after":{"lines":[{"account":"611","debit":"1250000"}],"memo":"Chi <điện>","rate":1.50,"total":"1250000"},"at":"2026-03-05T01:02:03.456789Z","before":null,"chain":"unit:3","entity":"journal_entry","entity_id":"9","id":42,"ip":"10.0.0.1","request_id":"r1","seq":5,"unit_id":3}`
	if string(c) != want {
		t.Fatalf("canonical =\n%s\nwant\n%s", c, want)
	}
	// Key order and white space in the stored document do not matter.
	e := sampleEvent()
	e.After = Doc(`{"rate":1.50,"total":"1250000","lines":[{"account":"611","debit":"1250000"}],"memo":"Chi <điện>"}`)
	c2, _ := Canonical("unit:3", 5, e)
	if !bytes.Equal(c, c2) {
		t.Fatal("canonical form depends on the document's key order")
	}
	h := Hash(Genesis, c)
	if len(h) != HashSize || hex.EncodeToString(h) == hex.EncodeToString(Hash(Genesis, c[1:])) {
		t.Fatal("hash")
	}
}

func TestVerifierFindsFirstBadEvent(t *testing.T) {
	var rows []Row
	prev := Genesis
	for i := int64(1); i <= 5; i++ {
		e := sampleEvent()
		e.ID = i
		c, _ := Canonical("unit:3", i, e)
		h := Hash(prev, c)
		ev := e
		rows = append(rows, Row{Chain: "unit:3", Seq: i, EventID: i, PrevHash: prev, Hash: h, Event: &ev})
		prev = h
	}
	var rep Report
	v := NewVerifier(&rep, nil)
	rows[2].Event.ActorLogin = "someone"
	for _, r := range rows {
		v.Add(r)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].EventID != 3 || rep.Problems[0].Kind != "content" {
		t.Fatalf("problems %+v", rep.Problems)
	}
}

func BenchmarkCanonical(b *testing.B) {
	e := sampleEvent()
	for b.Loop() {
		_, _ = Canonical("unit:3", 5, e)
	}
}

// referenceCanonical is the encoding/json form the hand-written encoder must equal.
func referenceCanonical(chain string, seq int64, e Event) []byte {
	before, _ := canonicalDoc(e.Before)
	after, _ := canonicalDoc(e.After)
	b, _ := encode(map[string]any{
		"chain": chain, "seq": seq, "id": e.ID, "at": e.At.UTC().Format(timeFormat),
		"unit_id": e.UnitID, "actor_id": e.ActorID, "actor_login": e.ActorLogin,
		"action": e.Action, "entity": e.Entity, "entity_id": e.EntityID,
		"before": before, "after": after, "request_id": e.RequestID, "ip": e.IP,
	})
	return b
}

func TestCanonicalMatchesEncodingJSON(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	alphabet := []string{"a", "Đ", "ệ", "\"", "\\", "\n", "\t", "\x01", "\x1f", "<", ">", "&", "\u2028", "\u2029", "\xff", "€", " ", "\x7f"}
	str := func() string {
		var s strings.Builder
		for range rng.IntN(12) {
			s.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return s.String()
	}
	for range 2000 {
		e := sampleEvent()
		e.ActorLogin, e.EntityID, e.IP = str(), str(), str()
		doc, _ := json.Marshal(map[string]any{str(): str(), "n": json.Number("12.50"), "x": []any{str(), true, nil, map[string]any{str(): 1}}})
		e.After = Doc(doc)
		got, err := Canonical("system", 1, e)
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceCanonical("system", 1, e); !bytes.Equal(got, want) {
			t.Fatalf("seed %d:\n got %q\nwant %q", seed, got, want)
		}
	}
}
