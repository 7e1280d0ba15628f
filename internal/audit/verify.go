package audit

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"time"
)

// Row is one seal and its event as the verifier reads them, in (chain, seq) order. Event
// is nil when the seal's event is gone.
type Row struct {
	Chain    string
	Seq      int64
	EventID  int64
	PrevHash []byte
	Hash     []byte
	SealedAt time.Time
	Event    *Event
}

// Problem is one thing verification found wrong, naming where: the chain, the position
// and the event.
type Problem struct {
	Kind    string `json:"kind"` // gap, link, content, missing_event, wrong_chain, checkpoint, unsealed
	Chain   string `json:"chain,omitempty"`
	Seq     int64  `json:"seq,omitempty"`
	EventID int64  `json:"event_id,omitempty"`
	Detail  string `json:"detail"`
}

func (p Problem) String() string {
	s := p.Kind
	if p.Chain != "" {
		s += fmt.Sprintf(" in chain %s", p.Chain)
	}
	if p.Seq != 0 {
		s += fmt.Sprintf(" at seq %d", p.Seq)
	}
	if p.EventID != 0 {
		s += fmt.Sprintf(" (event %d)", p.EventID)
	}
	return s + ": " + p.Detail
}

// Report is the outcome of a verification.
type Report struct {
	Events      int64     `json:"events"`
	Chains      int       `json:"chains"`
	Checkpoints int       `json:"checkpoints"`
	UnsealedOld int64     `json:"unsealed_old"`
	Problems    []Problem `json:"problems"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished"`
}

// OK reports whether nothing was found wrong.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verifier walks the chains row by row, recomputing every hash. It records the first
// problem of each chain (later ones usually follow from it) and the hashes at the
// positions the checkpoints name.
type Verifier struct {
	report  *Report
	chain   string
	next    int64
	prev    []byte
	broken  bool
	heads   map[string]int64
	want    map[string]map[int64]bool // chain → seqs named by checkpoints
	atSeq   map[string]map[int64]Row  // the rows at those seqs
	maxSeen map[string]int64
}

// NewVerifier starts a verification that will compare the chains with checkpoints.
func NewVerifier(report *Report, checkpoints []Checkpoint) *Verifier {
	v := &Verifier{report: report, heads: map[string]int64{}, want: map[string]map[int64]bool{},
		atSeq: map[string]map[int64]Row{}, maxSeen: map[string]int64{}}
	for _, c := range checkpoints {
		for _, h := range c.Body.Heads {
			if v.want[h.Chain] == nil {
				v.want[h.Chain] = map[int64]bool{}
			}
			v.want[h.Chain][h.Seq] = true
		}
	}
	return v
}

// Add checks the next row.
func (v *Verifier) Add(r Row) {
	v.report.Events++
	if r.Chain != v.chain {
		v.chain, v.next, v.prev, v.broken = r.Chain, 1, Genesis, false
		v.report.Chains++
	}
	v.maxSeen[r.Chain] = r.Seq
	if v.want[r.Chain][r.Seq] {
		if v.atSeq[r.Chain] == nil {
			v.atSeq[r.Chain] = map[int64]Row{}
		}
		v.atSeq[r.Chain][r.Seq] = r
	}
	if p, bad := v.check(r); bad && !v.broken {
		v.broken = true
		v.report.Problems = append(v.report.Problems, p)
	}
	v.next, v.prev = r.Seq+1, r.Hash
}

// check returns what is wrong with the row, if anything.
func (v *Verifier) check(r Row) (Problem, bool) {
	p := Problem{Chain: r.Chain, Seq: r.Seq, EventID: r.EventID}
	switch {
	case r.Seq != v.next:
		p.Kind, p.Detail = "gap", fmt.Sprintf("expected seq %d, found %d: events were removed or reordered", v.next, r.Seq)
	case !bytes.Equal(r.PrevHash, v.prev):
		p.Kind, p.Detail = "link", "previous hash does not match the hash of the event before: an event was inserted, removed or reordered"
	case r.Event == nil:
		p.Kind, p.Detail = "missing_event", "the sealed event is gone from audit_events"
	case ChainOf(r.Event.UnitID) != r.Chain:
		p.Kind, p.Detail = "wrong_chain", fmt.Sprintf("the event now belongs to chain %s: its unit was changed", ChainOf(r.Event.UnitID))
	default:
		c, err := Canonical(r.Chain, r.Seq, *r.Event)
		if err != nil {
			p.Kind, p.Detail = "content", "the event cannot be encoded: "+err.Error()
			return p, true
		}
		if !bytes.Equal(Hash(r.PrevHash, c), r.Hash) {
			p.Kind, p.Detail = "content", "the event's content does not match its hash: it was edited after sealing"
			return p, true
		}
		return p, false
	}
	return p, true
}

// Finish compares the chains with each checkpoint (after its signature was checked).
func (v *Verifier) Finish(checkpoints []Checkpoint) {
	for _, c := range checkpoints {
		v.report.Checkpoints++
		for _, h := range c.Body.Heads {
			name := fmt.Sprintf("checkpoint %s", c.Body.CreatedAt)
			if c.ID != 0 {
				name = fmt.Sprintf("checkpoint #%d (%s)", c.ID, c.Body.CreatedAt)
			}
			row, ok := v.atSeq[h.Chain][h.Seq]
			switch {
			case !ok:
				v.report.Problems = append(v.report.Problems, Problem{Kind: "checkpoint", Chain: h.Chain, Seq: v.maxSeen[h.Chain] + 1,
					Detail: fmt.Sprintf("%s signed seq %d but the chain ends at seq %d: its tail was cut", name, h.Seq, v.maxSeen[h.Chain])})
			case hex.EncodeToString(row.Hash) != h.Hash:
				v.report.Problems = append(v.report.Problems, Problem{Kind: "checkpoint", Chain: h.Chain, Seq: h.Seq, EventID: row.EventID,
					Detail: fmt.Sprintf("%s signed another hash at this seq: the chain was rewritten at or before this event", name)})
			}
		}
	}
}
