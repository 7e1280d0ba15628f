package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"congquy/internal/apperr"
)

// Idempotency is a JSON API client's Idempotency-Key for one POST: the same key with the
// same request gives the stored reply, never a second posting; the same key with another
// request is refused (409).
type Idempotency struct {
	UserID      int64
	Key         string
	RequestHash [sha256.Size]byte
	// Render, if set, turns the use case's result into the reply (HTTP status and body),
	// which is then stored with the key in the use case's own transaction: the reply costs
	// no second commit. Use cases offer their result with tx.reply.
	Render func(result any) (status int, body []byte, err error)
}

type idemKey struct{}

// idemState is a key in flight: the key, and whether its reply was stored.
type idemState struct {
	k       Idempotency
	replied bool
	status  int    // the stored reply, once replied
	body    []byte // (the caller sends it as it is: no second rendering)
}

// WithIdempotency returns ctx carrying the key: the next write made with that context
// claims it inside its own transaction, so that the claim and the change commit or roll
// back together, and a concurrent duplicate waits on the key's row and then replays.
func WithIdempotency(ctx context.Context, k Idempotency) context.Context {
	return context.WithValue(ctx, idemKey{}, &idemState{k: k})
}

// ReplyStored reports whether the write made with ctx stored its reply with the key (the
// caller need not call SaveIdempotentReply).
func ReplyStored(ctx context.Context) bool {
	st, ok := ctx.Value(idemKey{}).(*idemState)
	return ok && st.replied
}

// StoredReply returns the reply the write made with ctx stored with its key (as Render
// made it), so that the caller sends exactly that without rendering it again; ok is
// false when no reply was stored.
func StoredReply(ctx context.Context) (status int, body []byte, ok bool) {
	st, found := ctx.Value(idemKey{}).(*idemState)
	if !found || !st.replied {
		return 0, nil, false
	}
	return st.status, st.body, true
}

// reply offers the use case's result for the reply stored with its idempotency key. A
// use case offers it before its last audit event, which then stores the reply with the
// key in the same statement (tx.audit); offered after, finishIdempotency stores it.
func (t *tx) reply(result any) { t.result = result }

// replyPending reports whether the transaction claimed a key whose reply can be stored
// now: the result was offered, the caller renders it, and it was not stored yet.
func (t *tx) replyPending() bool {
	return t.idem != nil && !t.idemDone && t.result != nil && t.idem.k.Render != nil
}

// ErrReplay says the key was already used for this very request: the caller returns the
// stored reply (IdempotentReply) instead of acting again.
var ErrReplay = errors.New("idempotency: request already processed")

// keyReused is the refusal of a key reused with another request.
func keyReused() *apperr.Error {
	return apperr.New(apperr.Conflict,
		"Idempotency-Key này đã được dùng cho một yêu cầu khác.",
		"This Idempotency-Key was already used with a different request.")
}

// claimIdempotency claims the context's key in the transaction, if it carries one.
func (t *tx) claimIdempotency(ctx context.Context) error {
	st, ok := ctx.Value(idemKey{}).(*idemState)
	if !ok {
		return nil
	}
	t.idem = st
	k := st.k
	res, err := t.execP(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, k.UserID, k.Key, k.RequestHash[:])
	if err != nil {
		return fmt.Errorf("claim idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	return t.claimRefused(ctx, true)
}

// claimPending reports whether the use case's first statement is to claim the key
// (writeClaimFirst) and has not run yet.
func (t *tx) claimPending() bool { return t.claimLater && !t.claimed }

// claimArgs are the key's arguments of a statement that claims it (lockVoucherClaimSQL).
func (t *tx) claimArgs() []any {
	k := t.idem.k
	return []any{k.UserID, k.Key, k.RequestHash[:]}
}

// claimRefused is a key that was not claimed because it exists: the same request again
// (ErrReplay, when taken says that the row is not ours) or another request (refused).
func (t *tx) claimRefused(ctx context.Context, taken bool) error {
	k := t.idem.k
	var hash []byte
	if err := t.GetContext(ctx, &hash, `SELECT request_hash FROM idempotency_keys WHERE user_id = $1 AND key = $2`, k.UserID, k.Key); err != nil {
		return fmt.Errorf("read idempotency key: %w", err)
	}
	if !bytes.Equal(hash, k.RequestHash[:]) {
		return keyReused()
	}
	if !taken {
		return nil
	}
	return ErrReplay
}

// finishIdempotency records which record the claimed request created or changed (the
// transaction's first audit event) and, when the use case offered its result and the
// caller a renderer, the reply itself, in the use case's transaction.
func (t *tx) finishIdempotency(ctx context.Context) error {
	if t.idem == nil || t.idemDone {
		return nil
	}
	k := t.idem.k
	var status *int
	var body []byte
	if t.result != nil && k.Render != nil {
		st, b, err := k.Render(t.result)
		if err != nil {
			return fmt.Errorf("render idempotent reply: %w", err)
		}
		status, body = &st, b
	}
	_, err := t.execP(ctx, `UPDATE idempotency_keys SET entity = $3, entity_id = $4, status = $5, response = $6
		WHERE user_id = $1 AND key = $2`, k.UserID, k.Key, t.first.Entity, fmt.Sprint(t.first.EntityID), status, body)
	if err != nil {
		return fmt.Errorf("record idempotency key: %w", err)
	}
	if status != nil {
		t.replied, t.replyStatus, t.replyBody = true, *status, body
	}
	return nil
}

// SaveIdempotentReply stores the reply sent for a claimed key.
func (s *Store) SaveIdempotentReply(ctx context.Context, k Idempotency, status int, body []byte) error {
	_, err := s.db.ExecContext(ctx, `UPDATE idempotency_keys SET status = $3, response = $4
		WHERE user_id = $1 AND key = $2 AND request_hash = $5`, k.UserID, k.Key, status, body, k.RequestHash[:])
	return translate(err)
}

// IdempotentReply is what was sent for a key: the stored reply, or — if the request
// committed but its reply was not stored yet — the record it created, to rebuild it.
type IdempotentReply struct {
	Status   int
	Body     []byte
	Entity   string
	EntityID string
}

// LookupIdempotent returns the reply recorded for the key, waiting up to wait for a
// reply still being written. found is false when the key was never claimed; a key used
// with another request is refused.
func (s *Store) LookupIdempotent(ctx context.Context, k Idempotency, wait time.Duration) (r IdempotentReply, found bool, err error) {
	deadline := time.Now().Add(wait)
	for {
		var row struct {
			Hash     []byte        `db:"request_hash"`
			Status   sql.NullInt64 `db:"status"`
			Body     []byte        `db:"response"`
			Entity   string        `db:"entity"`
			EntityID string        `db:"entity_id"`
		}
		err := s.db.GetContext(ctx, &row, `SELECT request_hash, status, response, entity, entity_id FROM idempotency_keys
			WHERE user_id = $1 AND key = $2`, k.UserID, k.Key)
		if errors.Is(err, sql.ErrNoRows) {
			return r, false, nil
		}
		if err != nil {
			return r, false, translate(err)
		}
		if !bytes.Equal(row.Hash, k.RequestHash[:]) {
			return r, true, keyReused()
		}
		r = IdempotentReply{Status: int(row.Status.Int64), Body: row.Body, Entity: row.Entity, EntityID: row.EntityID}
		if row.Status.Valid || time.Now().After(deadline) {
			return r, true, nil
		}
		select {
		case <-ctx.Done():
			return r, true, translate(ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
