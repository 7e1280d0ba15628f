package store

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/lib/pq"

	"congquy/internal/audit"
	"congquy/internal/auth"
)

// sealLockKey is the advisory lock that lets only one sealer work at a time.
const sealLockKey = 0x636f6e67717579 // "congquy"

// ObserveSeals registers f to be told the lag (now − event time) of every event sealed,
// for the sealer's metrics.
func (s *Store) ObserveSeals(f func(lag time.Duration)) { s.sealObserver = f }

// SealAudit seals up to max committed, unsealed events into their chains (one chain per
// unit) and returns how many it sealed. Events are inserted without any lock, so postings
// are not serialised; this sealer, one at a time (an advisory lock; a second caller
// returns 0 at once), appends each event to its chain in the order it finds them
// committed. An event committed late with a lower id simply gets a later place.
func (s *Store) SealAudit(ctx context.Context, max int) (int, error) {
	return s.sealBatch(ctx, max, false)
}

// sealBatch seals one batch; wait says whether to wait for another sealer to finish
// rather than return 0 at once.
func (s *Store) sealBatch(ctx context.Context, max int, wait bool) (int, error) {
	if max <= 0 {
		max = 10000
	}
	t, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, translate(fmt.Errorf("seal: begin: %w", err))
	}
	defer t.Rollback() //nolint:errcheck // a no-op after Commit
	lock := newQuery(`SELECT pg_try_advisory_xact_lock(?)`, sealLockKey)
	if wait {
		lock = newQuery(`SELECT true FROM pg_advisory_xact_lock(?)`, sealLockKey)
	}
	var locked bool
	if err := t.GetContext(ctx, &locked, lock.String(), lock.Args()...); err != nil || !locked {
		return 0, translate(err)
	}
	var events []audit.Event
	if err := t.SelectContext(ctx, &events, `SELECT `+eventColumns+` FROM audit_pending p JOIN audit_events e ON e.id = p.event_id
		ORDER BY p.event_id LIMIT $1`, max); err != nil {
		return 0, translate(fmt.Errorf("seal: read pending: %w", err))
	}
	if len(events) == 0 {
		return 0, nil
	}
	heads, err := chainHeads(ctx, t, events)
	if err != nil {
		return 0, err
	}
	n := len(events)
	ids, chains, seqs := make([]int64, n), make([]string, n), make([]int64, n)
	prevs, hashes := make([][]byte, n), make([][]byte, n)
	now := time.Now()
	for i, e := range events {
		chain := audit.ChainOf(e.UnitID)
		h := heads[chain]
		canon, err := audit.Canonical(chain, h.seq+1, e)
		if err != nil {
			return 0, fmt.Errorf("seal: %w", err)
		}
		hash := audit.Hash(h.hash, canon)
		ids[i], chains[i], seqs[i], prevs[i], hashes[i] = e.ID, chain, h.seq+1, h.hash, hash
		heads[chain] = head{seq: h.seq + 1, hash: hash}
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO audit_seals (event_id, chain, seq, prev_hash, hash)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bytea[], $5::bytea[])`,
		pq.Array(ids), pq.Array(chains), pq.Array(seqs), pq.ByteaArray(prevs), pq.ByteaArray(hashes)); err != nil {
		return 0, translate(fmt.Errorf("seal: insert seals: %w", err))
	}
	if _, err := t.ExecContext(ctx, `DELETE FROM audit_pending WHERE event_id = ANY($1)`, pq.Array(ids)); err != nil {
		return 0, translate(fmt.Errorf("seal: dequeue: %w", err))
	}
	if err := t.Commit(); err != nil {
		return 0, translate(fmt.Errorf("seal: commit: %w", err))
	}
	if s.sealObserver != nil {
		for _, e := range events {
			s.sealObserver(now.Sub(e.At))
		}
	}
	return n, nil
}

const eventColumns = `e.id, e.at, e.unit_id, e.actor_id, e.actor_login, e.action, e.entity, e.entity_id,
	e.before, e.after, e.request_id, e.ip`

type head struct {
	seq  int64
	hash []byte
}

// chainHeads reads the last seal of every chain the events belong to.
func chainHeads(ctx context.Context, t queryer, events []audit.Event) (map[string]head, error) {
	seen := map[string]bool{}
	var names []string
	for _, e := range events {
		if c := audit.ChainOf(e.UnitID); !seen[c] {
			seen[c] = true
			names = append(names, c)
		}
	}
	var rows []struct {
		Chain string `db:"chain"`
		Seq   int64  `db:"seq"`
		Hash  []byte `db:"hash"`
	}
	if err := t.SelectContext(ctx, &rows, `SELECT h.chain, h.seq, h.hash FROM unnest($1::text[]) c(name)
		CROSS JOIN LATERAL (SELECT chain, seq, hash FROM audit_seals WHERE chain = c.name ORDER BY seq DESC LIMIT 1) h`,
		pq.Array(names)); err != nil {
		return nil, translate(fmt.Errorf("seal: chain heads: %w", err))
	}
	out := map[string]head{}
	for _, n := range names {
		out[n] = head{hash: audit.Genesis}
	}
	for _, r := range rows {
		out[r.Chain] = head{seq: r.Seq, hash: r.Hash}
	}
	return out, nil
}

// AuditHeads returns the last seal of every chain.
func (s *Store) AuditHeads(ctx context.Context) ([]audit.Head, error) {
	var rows []struct {
		Chain string `db:"chain"`
		Seq   int64  `db:"seq"`
		Hash  []byte `db:"hash"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT DISTINCT ON (chain) chain, seq, hash FROM audit_seals ORDER BY chain, seq DESC`); err != nil {
		return nil, translate(fmt.Errorf("chain heads: %w", err))
	}
	out := make([]audit.Head, len(rows))
	for i, r := range rows {
		out[i] = audit.Head{Chain: r.Chain, Seq: r.Seq, Hash: hex.EncodeToString(r.Hash)}
	}
	return out, nil
}

// SealAll seals until nothing committed is left unsealed, waiting for a sealer that is
// already at work (the one in `serve`) rather than giving up.
func (s *Store) SealAll(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.sealBatch(ctx, 10000, true)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// Checkpoint seals what is committed, signs the chain heads with key and stores the
// signed checkpoint. reason is manual, schedule or period_close.
func (s *Store) Checkpoint(ctx context.Context, actor auth.Actor, key ed25519.PrivateKey, reason string) (audit.Checkpoint, error) {
	if _, err := s.SealAll(ctx); err != nil {
		return audit.Checkpoint{}, err
	}
	heads, err := s.AuditHeads(ctx)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	c, err := audit.Sign(key, heads, time.Now())
	if err != nil {
		return c, fmt.Errorf("sign checkpoint: %w", err)
	}
	pub := key.Public().(ed25519.PublicKey)
	err = s.write(ctx, actor, func(t *tx) error {
		err := t.GetContext(ctx, &c.ID, `INSERT INTO audit_checkpoints (reason, created_by, key_id, public_key, payload, signature)
			VALUES ($1, $2, $3, $4, $5, decode($6, 'base64')) RETURNING id`, reason, actor.Login, audit.KeyID(pub), []byte(pub), c.Payload, c.Signature)
		if err != nil {
			return fmt.Errorf("store checkpoint: %w", err)
		}
		return t.audit(ctx, event{Action: "checkpoint", Entity: "audit_checkpoint", EntityID: c.ID,
			After: map[string]any{"reason": reason, "key_id": audit.KeyID(pub), "heads": len(heads)}})
	})
	return c, err
}

// CheckpointRow is a stored checkpoint as the inspector's page lists it.
type CheckpointRow struct {
	ID        int64     `db:"id"`
	CreatedAt time.Time `db:"created_at"`
	Reason    string    `db:"reason"`
	CreatedBy string    `db:"created_by"`
	KeyID     string    `db:"key_id"`
	Payload   string    `db:"payload"`
	Signature string    `db:"signature"`
}

// Checkpoints returns the stored checkpoints, newest first (at most limit; 0: all).
func (s *Store) Checkpoints(ctx context.Context, limit int) ([]CheckpointRow, error) {
	if limit <= 0 {
		limit = 1 << 30
	}
	var out []CheckpointRow
	err := s.db.SelectContext(ctx, &out, `SELECT id, created_at, reason, created_by, key_id, payload,
		replace(encode(signature, 'base64'), E'\n', '') AS signature FROM audit_checkpoints ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, translate(fmt.Errorf("list checkpoints: %w", err))
	}
	return out, nil
}
