package store

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"congquy/internal/audit"
	"congquy/internal/auth"
)

// VerifyOptions say what VerifyAudit checks besides the chains.
type VerifyOptions struct {
	PublicKey     ed25519.PublicKey  // the configured signing key's public half; checkpoints must verify with it
	Files         []audit.Checkpoint // exported checkpoints given by the inspector
	UnsealedAfter time.Duration      // events older than this and still unsealed are reported (0: 10 minutes)
	Progress      func(events int64) // told the count every ProgressEvery events
	ProgressEvery int64              // 0: 100,000
}

// VerifyAudit recomputes every chain from the events, checks every stored checkpoint and
// the given files against the chains, and reports events never sealed. It reads one
// snapshot and streams the rows, so memory does not grow with the trail.
func (s *Store) VerifyAudit(ctx context.Context, o VerifyOptions) (audit.Report, error) {
	if o.UnsealedAfter == 0 {
		o.UnsealedAfter = 10 * time.Minute
	}
	if o.ProgressEvery == 0 {
		o.ProgressEvery = 100_000
	}
	rep := audit.Report{Started: time.Now(), Problems: []audit.Problem{}}
	err := s.read(ctx, func(q *sqlx.Tx) error {
		cps, err := s.loadCheckpoints(ctx, q, o, &rep)
		if err != nil {
			return err
		}
		v := audit.NewVerifier(&rep, cps)
		if err := streamSeals(ctx, q, v, o, &rep); err != nil {
			return err
		}
		v.Finish(cps)
		return unsealed(ctx, q, o, &rep)
	})
	rep.Finished = time.Now()
	return rep, err
}

// loadCheckpoints checks the signature of every stored checkpoint and every file, and
// returns those that verify; the others are problems.
func (s *Store) loadCheckpoints(ctx context.Context, q *sqlx.Tx, o VerifyOptions, rep *audit.Report) ([]audit.Checkpoint, error) {
	var rows []CheckpointRow
	if err := q.SelectContext(ctx, &rows, `SELECT id, created_at, reason, created_by, key_id, payload,
		replace(encode(signature, 'base64'), E'\n', '') AS signature FROM audit_checkpoints ORDER BY id`); err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	all := make([]audit.Checkpoint, 0, len(rows)+len(o.Files))
	for _, r := range rows {
		all = append(all, audit.Checkpoint{ID: r.ID, Payload: r.Payload, Signature: r.Signature})
	}
	all = append(all, o.Files...)
	var good []audit.Checkpoint
	for i := range all {
		c := all[i]
		if err := c.Check(o.PublicKey); err != nil {
			name := "checkpoint file"
			if c.ID != 0 {
				name = fmt.Sprintf("checkpoint #%d", c.ID)
			}
			rep.Problems = append(rep.Problems, audit.Problem{Kind: "checkpoint", Detail: name + ": " + err.Error()})
			continue
		}
		good = append(good, c)
	}
	return good, nil
}

// streamSeals feeds every seal and its event to the verifier in chain order.
func streamSeals(ctx context.Context, q *sqlx.Tx, v *audit.Verifier, o VerifyOptions, rep *audit.Report) error {
	rows, err := q.QueryxContext(ctx, `SELECT s.chain, s.seq, s.event_id, s.prev_hash, s.hash, s.sealed_at,
			e.id IS NOT NULL AS found, coalesce(e.id, 0) AS id, coalesce(e.at, s.sealed_at) AS at, e.unit_id, e.actor_id,
			coalesce(e.actor_login, '') AS actor_login, coalesce(e.action, '') AS action, coalesce(e.entity, '') AS entity,
			coalesce(e.entity_id, '') AS entity_id, e.before, e.after, coalesce(e.request_id, '') AS request_id, coalesce(e.ip, '') AS ip
		FROM audit_seals s LEFT JOIN audit_events e ON e.id = s.event_id
		ORDER BY s.chain, s.seq`)
	if err != nil {
		return fmt.Errorf("read seals: %w", err)
	}
	defer rows.Close()
	// Decoding rows and recomputing hashes (canonical encoding, SHA-256) each take about
	// half the client's time; they overlap in two goroutines, batches handed over in
	// order. The verifier keeps the order of the rows, so the result is the same.
	const batch = 512
	work := make(chan []audit.Row, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for rs := range work {
			for _, row := range rs {
				v.Add(row)
				if o.Progress != nil && rep.Events%o.ProgressEvery == 0 {
					o.Progress(rep.Events)
				}
			}
		}
	}()
	err = readSeals(rows, batch, work)
	close(work)
	<-done
	return err
}

// readSeals decodes the rows of streamSeals and hands them over in batches.
func readSeals(rows *sqlx.Rows, batch int, work chan<- []audit.Row) error {
	buf := make([]audit.Row, 0, batch)
	for rows.Next() {
		var r struct {
			Chain    string    `db:"chain"`
			Seq      int64     `db:"seq"`
			EventID  int64     `db:"event_id"`
			PrevHash []byte    `db:"prev_hash"`
			Hash     []byte    `db:"hash"`
			SealedAt time.Time `db:"sealed_at"`
			Found    bool      `db:"found"`
			audit.Event
		}
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("read seal: %w", err)
		}
		row := audit.Row{Chain: r.Chain, Seq: r.Seq, EventID: r.EventID, PrevHash: r.PrevHash, Hash: r.Hash, SealedAt: r.SealedAt}
		if r.Found {
			ev := r.Event
			row.Event = &ev
		}
		if buf = append(buf, row); len(buf) == batch {
			work <- buf
			buf = make([]audit.Row, 0, batch)
		}
	}
	if len(buf) > 0 {
		work <- buf
	}
	return rows.Err()
}

// unsealed reports events that were never sealed although they are old: removed from the
// sealing queue, or inserted behind the sealer's back.
func unsealed(ctx context.Context, q *sqlx.Tx, o VerifyOptions, rep *audit.Report) error {
	var rows []struct {
		ID int64     `db:"id"`
		At time.Time `db:"at"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT e.id, e.at FROM audit_events e
		WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id) AND e.at < now() - $1::interval
		ORDER BY e.id`, fmt.Sprintf("%d seconds", int64(o.UnsealedAfter.Seconds()))); err != nil {
		return fmt.Errorf("read unsealed events: %w", err)
	}
	rep.UnsealedOld = int64(len(rows))
	for i, r := range rows {
		if i == 20 {
			break
		}
		rep.Problems = append(rep.Problems, audit.Problem{Kind: "unsealed", EventID: r.ID,
			Detail: fmt.Sprintf("event of %s was never sealed", r.At.UTC().Format(time.RFC3339))})
	}
	return nil
}

// RecordVerification stores the outcome of a verification run, audited.
func (s *Store) RecordVerification(ctx context.Context, actor auth.Actor, rep audit.Report) (int64, error) {
	problems := rep.Problems
	if len(problems) > 100 {
		problems = problems[:100]
	}
	b, err := json.Marshal(problems)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.write(ctx, actor, func(t *tx) error {
		err := t.GetContext(ctx, &id, `INSERT INTO audit_verifications (started_at, finished_at, actor_id, actor_login, ok,
				events, chains, checkpoints, unsealed_old, problems)
			VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			rep.Started, rep.Finished, actor.UserID, actor.Login, rep.OK(), rep.Events, rep.Chains, rep.Checkpoints, rep.UnsealedOld, string(b))
		if err != nil {
			return fmt.Errorf("record verification: %w", err)
		}
		return t.audit(ctx, event{Action: "verify", Entity: "audit_verification", EntityID: id,
			After: map[string]any{"ok": rep.OK(), "events": rep.Events, "problems": len(rep.Problems)}})
	})
	return id, err
}

// Verification is a recorded verification run.
type Verification struct {
	ID          int64           `db:"id"`
	StartedAt   time.Time       `db:"started_at"`
	FinishedAt  time.Time       `db:"finished_at"`
	ActorLogin  string          `db:"actor_login"`
	OK          bool            `db:"ok"`
	Events      int64           `db:"events"`
	Chains      int             `db:"chains"`
	Checkpoints int             `db:"checkpoints"`
	UnsealedOld int64           `db:"unsealed_old"`
	ProblemsRaw json.RawMessage `db:"problems"`
}

// Problems decodes the recorded problems.
func (v Verification) Problems() []audit.Problem {
	var out []audit.Problem
	_ = json.Unmarshal(v.ProblemsRaw, &out)
	return out
}

// Verifications returns the latest recorded runs, newest first.
func (s *Store) Verifications(ctx context.Context, limit int) ([]Verification, error) {
	var out []Verification
	err := s.db.SelectContext(ctx, &out, `SELECT id, started_at, finished_at, actor_login, ok, events, chains, checkpoints,
		unsealed_old, problems FROM audit_verifications ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, translate(fmt.Errorf("list verifications: %w", err))
	}
	return out, nil
}
