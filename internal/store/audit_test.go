package store_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"congquy/internal/audit"
	"congquy/internal/auth"
	"congquy/internal/ledger"
	"congquy/internal/store"
)

var testKey = func() ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}()

func mustCheckpoint(t *testing.T, st *store.Store) audit.Checkpoint {
	t.Helper()
	c, err := st.Checkpoint(context.Background(), auth.System("test"), testKey, "manual")
	if err != nil {
		t.Fatalf("checkpoint: %v", err)
	}
	return c
}

func mustVerify(t *testing.T, st *store.Store, files ...audit.Checkpoint) audit.Report {
	t.Helper()
	rep, err := st.VerifyAudit(context.Background(), store.VerifyOptions{PublicKey: testKey.Public().(ed25519.PublicKey), Files: files})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

// tamperFixture is a chain of a unit's events, sealed and checkpointed, and a few events
// sealed after the checkpoint.
type tamperFixture struct {
	st    *store.Store
	owner *sqlx.DB
	chain string
	seals []sealRow // the chain in order, as sealed at the checkpoint
	cp    audit.Checkpoint
}

type sealRow struct {
	EventID  int64  `db:"event_id"`
	Seq      int64  `db:"seq"`
	PrevHash []byte `db:"prev_hash"`
	Hash     []byte `db:"hash"`
}

func newTamperFixture(t *testing.T) *tamperFixture {
	t.Helper()
	st, ownerURL := mustStore(t)
	u := mustUnit(t, st, nil, "D")
	for i := range 10 {
		mustPost(t, st, u.ID, day(2026, 3, 1+i), ln("611", int64(1000*(i+1)), 0), ln("112", 0, int64(1000*(i+1))))
	}
	f := &tamperFixture{st: st, owner: mustOwner(t, ownerURL), chain: audit.ChainOf(&u.ID)}
	f.cp = mustCheckpoint(t, st) // seals everything first
	for i := range 3 {
		mustPost(t, st, u.ID, day(2026, 4, 1+i), ln("611", 7, 0), ln("112", 0, 7))
	}
	if _, err := st.SealAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := f.owner.Select(&f.seals, `SELECT event_id, seq, prev_hash, hash FROM audit_seals WHERE chain = $1 ORDER BY seq`, f.chain); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, st, f.cp); !rep.OK() || rep.Checkpoints != 2 {
		t.Fatalf("untouched chain: %+v", rep)
	}
	return f
}

// attack runs statements as a superuser with the triggers disabled, as an intruder would.
func (f *tamperFixture) attack(t *testing.T, stmts ...string) {
	t.Helper()
	tx := f.owner.MustBegin()
	defer tx.Rollback()
	tx.MustExec(`SET LOCAL session_replication_role = replica`)
	for _, s := range stmts {
		if _, err := tx.Exec(s); err != nil {
			t.Fatalf("attack %q: %v", s, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// rehash recomputes the whole chain from its events as an intruder who knows the
// algorithm would, so that it is consistent again.
func (f *tamperFixture) rehash(t *testing.T) {
	t.Helper()
	var events []audit.Event
	if err := f.owner.Select(&events, `SELECT e.id, e.at, e.unit_id, e.actor_id, e.actor_login, e.action, e.entity, e.entity_id,
		e.before, e.after, e.request_id, e.ip FROM audit_seals s JOIN audit_events e ON e.id = s.event_id
		WHERE s.chain = $1 ORDER BY s.seq`, f.chain); err != nil {
		t.Fatal(err)
	}
	prev := audit.Genesis
	var stmts []string
	for i, e := range events {
		c, err := audit.Canonical(f.chain, int64(i+1), e)
		if err != nil {
			t.Fatal(err)
		}
		h := audit.Hash(prev, c)
		stmts = append(stmts, "UPDATE audit_seals SET prev_hash = '\\x"+hex.EncodeToString(prev)+"', hash = '\\x"+hex.EncodeToString(h)+
			"' WHERE event_id = "+itoa(e.ID))
		prev = h
	}
	f.attack(t, stmts...)
}

// TESTING.md row 14: each tampering is detected and the first bad event named.
func TestTamperDetection(t *testing.T) {
	type expect struct {
		kind    string
		seq     int64 // position in the chain (1-based) of the first bad event, 0: any
		eventAt int   // index into the sealed rows of the event named, -1: none
	}
	cases := []struct {
		name   string
		attack func(t *testing.T, f *tamperFixture)
		files  bool // verify with the exported checkpoint file only (the stored one was removed)
		want   expect
	}{
		{"edit an amount", func(t *testing.T, f *tamperFixture) {
			f.attack(t, `UPDATE audit_events SET after = jsonb_set(after, '{total}', '"9000000"') WHERE id = `+itoa(f.seals[4].EventID))
		}, false, expect{"content", 5, 4}},
		{"edit an actor", func(t *testing.T, f *tamperFixture) {
			f.attack(t, `UPDATE audit_events SET actor_login = 'ke.toan.truong' WHERE id = `+itoa(f.seals[6].EventID))
		}, false, expect{"content", 7, 6}},
		{"delete a middle event", func(t *testing.T, f *tamperFixture) {
			id := itoa(f.seals[5].EventID)
			f.attack(t, `DELETE FROM audit_seals WHERE event_id = `+id, `DELETE FROM audit_events WHERE id = `+id)
		}, false, expect{"gap", 7, 6}},
		{"insert an event", func(t *testing.T, f *tamperFixture) {
			// A forged event with a correct hash is slotted in at seq 4; the rest move up.
			var ev audit.Event
			if err := f.owner.Get(&ev, `INSERT INTO audit_events (id, unit_id, actor_login, action, entity, entity_id, after)
				OVERRIDING SYSTEM VALUE SELECT 1000000, unit_id, 'ghost', 'post', 'journal_entry', '999', '{"total": "1"}'
				FROM audit_events WHERE id = `+itoa(f.seals[0].EventID)+`
				RETURNING id, at, unit_id, actor_id, actor_login, action, entity, entity_id, before, after, request_id, ip`); err != nil {
				t.Fatal(err)
			}
			c, _ := audit.Canonical(f.chain, 4, ev)
			h := audit.Hash(f.seals[2].Hash, c)
			f.attack(t, `UPDATE audit_seals SET seq = seq + 1000000 WHERE chain = '`+f.chain+`' AND seq >= 4`,
				`UPDATE audit_seals SET seq = seq - 999999 WHERE chain = '`+f.chain+`' AND seq > 1000000`,
				`INSERT INTO audit_seals (event_id, chain, seq, prev_hash, hash) VALUES (1000000, '`+f.chain+`', 4, '\x`+
					hex.EncodeToString(f.seals[2].Hash)+`', '\x`+hex.EncodeToString(h)+`')`)
		}, false, expect{"link", 5, 3}},
		{"reorder two events", func(t *testing.T, f *tamperFixture) {
			a, b := itoa(f.seals[2].EventID), itoa(f.seals[3].EventID)
			f.attack(t, `UPDATE audit_seals SET seq = 1000000 WHERE event_id = `+a,
				`UPDATE audit_seals SET seq = 3 WHERE event_id = `+b, `UPDATE audit_seals SET seq = 4 WHERE event_id = `+a)
		}, false, expect{"link", 3, 3}},
		{"cut the tail", func(t *testing.T, f *tamperFixture) {
			f.attack(t, `DELETE FROM audit_events WHERE id IN (SELECT event_id FROM audit_seals WHERE chain = '`+f.chain+`' AND seq >= 8)`,
				`DELETE FROM audit_seals WHERE chain = '`+f.chain+`' AND seq >= 8`)
		}, true, expect{"checkpoint", 8, -1}},
		{"rewrite the whole chain", func(t *testing.T, f *tamperFixture) {
			f.attack(t, `UPDATE audit_events SET after = jsonb_set(after, '{total}', '"1"') WHERE id = `+itoa(f.seals[1].EventID))
			f.rehash(t)
		}, true, expect{"checkpoint", 0, -1}},
		{"forge a checkpoint", func(t *testing.T, f *tamperFixture) {
			// The intruder rewrites the chain and signs new heads with a key of its own.
			f.attack(t, `UPDATE audit_events SET after = jsonb_set(after, '{total}', '"1"') WHERE id = `+itoa(f.seals[1].EventID))
			f.rehash(t)
			_, evil, _ := ed25519.GenerateKey(rand.Reader)
			heads, err := f.st.AuditHeads(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			c, _ := audit.Sign(evil, heads, time.Now())
			pub := evil.Public().(ed25519.PublicKey)
			f.attack(t, `DELETE FROM audit_checkpoints`)
			if _, err := f.owner.Exec(`INSERT INTO audit_checkpoints (reason, created_by, key_id, public_key, payload, signature)
				VALUES ('manual', 'x', $1, $2, $3, decode($4, 'base64'))`, audit.KeyID(pub), []byte(pub), c.Payload, c.Signature); err != nil {
				t.Fatal(err)
			}
		}, false, expect{"checkpoint", 0, -1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newTamperFixture(t)
			c.attack(t, f)
			var rep audit.Report
			if c.files {
				f.attack(t, `DELETE FROM audit_checkpoints`) // the intruder removes the stored ones too
				rep = mustVerify(t, f.st, f.cp)
			} else {
				rep = mustVerify(t, f.st)
			}
			if rep.OK() {
				t.Fatalf("not detected: %+v", rep)
			}
			p := rep.Problems[0]
			t.Logf("first problem: %s", p)
			if p.Kind != c.want.kind || (c.want.seq != 0 && p.Seq != c.want.seq) {
				t.Errorf("first problem %s, want kind %s at seq %d", p, c.want.kind, c.want.seq)
			}
			if c.want.eventAt >= 0 && p.EventID != f.seals[c.want.eventAt].EventID {
				t.Errorf("names event %d, want %d", p.EventID, f.seals[c.want.eventAt].EventID)
			}
			if p.Kind != "checkpoint" && p.Chain != f.chain {
				t.Errorf("names chain %q", p.Chain)
			}
		})
	}
	t.Run("forged checkpoint file", func(t *testing.T) {
		f := newTamperFixture(t)
		forged := f.cp
		var b audit.Body
		_ = json.Unmarshal([]byte(forged.Payload), &b)
		b.Heads[0].Seq = 1
		p, _ := json.Marshal(b)
		forged.Payload = string(p)
		rep := mustVerify(t, f.st, forged)
		if rep.OK() || !strings.Contains(rep.Problems[0].Detail, "signature does not verify") {
			t.Fatalf("forged file: %+v", rep)
		}
	})
}

// TESTING.md row 15 (part): 64 concurrent writers while two sealers run: every event is
// sealed exactly once and every chain verifies (no fork).
func TestConcurrentWritersNoFork(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	units := []int64{mustUnit(t, st, nil, "A").ID, mustUnit(t, st, nil, "B").ID, mustUnit(t, st, nil, "C").ID}
	stop := make(chan struct{})
	var sealers sync.WaitGroup
	for range 2 {
		sealers.Add(1)
		go func() {
			defer sealers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := st.SealAudit(ctx, 500); err != nil {
					t.Errorf("seal: %v", err)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	var writers sync.WaitGroup
	for w := range 64 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := range 15 {
				u := units[(w+i)%len(units)]
				if _, err := st.PostManualEntry(ctx, auth.System("test"), ledger.Entry{UnitID: u, Date: day(2026, 5, 1+i), Memo: "w",
					Lines: []ledger.Line{ln("611", int64(w+1), 0), ln("112", 0, int64(w+1))}}); err != nil {
					t.Errorf("post: %v", err)
					return
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	sealers.Wait()
	if _, err := st.SealAll(ctx); err != nil {
		t.Fatal(err)
	}
	var events, seals int
	_ = st.DB().Get(&events, `SELECT count(*) FROM audit_events`)
	_ = st.DB().Get(&seals, `SELECT count(*) FROM audit_seals`)
	if events != seals || events < 64*15 {
		t.Fatalf("events %d, seals %d", events, seals)
	}
	if rep := mustVerify(t, st); !rep.OK() || rep.Events != int64(seals) {
		t.Fatalf("verify: %+v", rep)
	}
	mustNoViolations(t, st)
}

// TESTING.md row 15: a 1,000,000-event chain verifies with no false positive. It takes
// about a minute here: run it with CONGQUY_HEAVY=1.
func TestMillionEventChain(t *testing.T) {
	n := 1_000_000
	if os.Getenv("CONGQUY_HEAVY") == "" {
		if testing.Short() {
			t.Skip("heavy")
		}
		n = 20_000
	}
	st, ownerURL := mustStore(t)
	ctx := context.Background()
	var units []int64
	for _, c := range []string{"A", "B", "C", "D", "E", "F", "G", "H"} {
		units = append(units, mustUnit(t, st, nil, c).ID)
	}
	owner := mustOwner(t, ownerURL)
	start := time.Now()
	if _, err := owner.Exec(`INSERT INTO audit_events (unit_id, actor_login, action, entity, entity_id, after, request_id, ip)
		SELECT CASE WHEN g % 50 = 0 THEN NULL ELSE ($2::bigint[])[1 + g % 8] END, 'load', 'post', 'journal_entry', g::text,
			jsonb_build_object('id', g, 'total', (g * 1000)::text, 'memo', 'Chi tiền điện tháng ' || (1 + g % 12)), 'req', '127.0.0.1'
		FROM generate_series(1, $1) g`, n, pqArray(units)); err != nil {
		t.Fatal(err)
	}
	t.Logf("inserted %d events in %s", n, time.Since(start))
	start = time.Now()
	sealed, err := st.SealAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sealed %d events in %s (%.0f events/s)", sealed, time.Since(start), float64(sealed)/time.Since(start).Seconds())
	mustCheckpoint(t, st)
	start = time.Now()
	rep := mustVerify(t, st)
	t.Logf("verified %d events in %d chains in %s (%.0f events/s)", rep.Events, rep.Chains, time.Since(start), float64(rep.Events)/time.Since(start).Seconds())
	if !rep.OK() || rep.Events < int64(n) {
		t.Fatalf("false positive: %+v", rep.Problems)
	}
}
