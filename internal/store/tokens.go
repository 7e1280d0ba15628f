package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"congquy/internal/apperr"
	"congquy/internal/auth"
)

// APIToken is a token a user made for itself to call /api/v1 (mã truy cập API). Only the
// SHA-256 of the token is stored; Prefix identifies it in lists.
type APIToken struct {
	ID        int64      `db:"id" json:"id"`
	UserID    int64      `db:"user_id" json:"user_id"`
	Name      string     `db:"name" json:"name"`
	Prefix    string     `db:"prefix" json:"prefix"`
	ReadOnly  bool       `db:"read_only" json:"read_only"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	ExpiresAt time.Time  `db:"expires_at" json:"expires_at"`
	RevokedAt *time.Time `db:"revoked_at" json:"revoked_at,omitempty"`
}

// Active reports whether the token still works at now.
func (t APIToken) Active(now time.Time) bool { return t.RevokedAt == nil && now.Before(t.ExpiresAt) }

// NewAPIToken is what a user chooses for a new token.
type NewAPIToken struct {
	Name     string
	ReadOnly bool
	Days     int // lifetime, 1–365 days
}

// MaxAPITokenDays bounds a token's lifetime.
const MaxAPITokenDays = 365

const tokenColumns = `id, user_id, name, prefix, read_only, created_at, expires_at, revoked_at` // #nosec G101 -- a list of column names, not a credential

// CreateAPIToken stores a new token of the actor (the token's hash and prefix come from
// auth.NewAPIToken). It always belongs to the actor: no request field can name another user.
func (s *Store) CreateAPIToken(ctx context.Context, actor auth.Actor, n NewAPIToken, hash []byte, prefix string) (APIToken, error) {
	n.Name = strings.TrimSpace(n.Name)
	switch {
	case n.Name == "" || utf8.RuneCountInString(n.Name) > 100:
		return APIToken{}, apperr.New(apperr.Invalid, "Tên mã truy cập dài 1–100 ký tự.", "A token name is 1–100 characters.").OnField("name")
	case n.Days < 1 || n.Days > MaxAPITokenDays:
		return APIToken{}, apperr.Newf(apperr.Invalid, "Thời hạn từ 1 đến %d ngày.", "The lifetime is 1 to %d days.", MaxAPITokenDays).OnField("days")
	}
	now := s.now().UTC()
	var tok APIToken
	err := s.write(ctx, actor, func(t *tx) error {
		err := t.GetContext(ctx, &tok, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, read_only, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+tokenColumns,
			actor.UserID, n.Name, hash, prefix, n.ReadOnly, now, now.AddDate(0, 0, n.Days))
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return t.audit(ctx, event{UnitID: actor.UnitID, Action: "token_create", Entity: "api_token", EntityID: tok.ID, After: tok})
	})
	return tok, err
}

// APITokens lists the actor's own tokens, newest first.
func (s *Store) APITokens(ctx context.Context, actor auth.Actor) ([]APIToken, error) {
	var out []APIToken
	if err := s.db.SelectContext(ctx, &out, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY id DESC LIMIT 200`, actor.UserID); err != nil {
		return nil, translate(fmt.Errorf("list tokens: %w", err))
	}
	return out, nil
}

// RevokeAPIToken revokes one of the actor's own tokens; anyone else's is not found.
func (s *Store) RevokeAPIToken(ctx context.Context, actor auth.Actor, id int64) error {
	return s.write(ctx, actor, func(t *tx) error {
		var before APIToken
		err := t.GetContext(ctx, &before, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1 AND user_id = $2 FOR UPDATE`, id, actor.UserID)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("mã truy cập", "token")
		}
		if err != nil {
			return fmt.Errorf("lock token %d: %w", id, err)
		}
		if before.RevokedAt != nil {
			return apperr.New(apperr.Conflict, "Mã truy cập đã bị thu hồi.", "The token is revoked already.")
		}
		after := before
		now := s.now().UTC()
		after.RevokedAt = &now
		if _, err := t.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1`, id, now); err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		return t.audit(ctx, event{UnitID: actor.UnitID, Action: "token_revoke", Entity: "api_token", EntityID: id, Before: before, After: after})
	})
}

// TokenUser returns the user an API token authenticates as, with its grants and subtrees,
// and the token: unauthorized when the token is unknown, revoked or expired, or its user
// is disabled.
func (s *Store) TokenUser(ctx context.Context, hash []byte) (auth.User, map[int64][]int64, APIToken, error) {
	var u auth.User
	var tok APIToken
	var subtrees map[int64][]int64
	err := s.read(ctx, func(t *sqlx.Tx) error {
		err := t.GetContext(ctx, &tok, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !tok.Active(s.now())) {
			return errBadToken
		}
		if err != nil {
			return fmt.Errorf("find token: %w", err)
		}
		err = t.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users u WHERE u.id = $1 AND u.disabled_at IS NULL`, tok.UserID)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadToken
		}
		if err != nil {
			return fmt.Errorf("token user: %w", err)
		}
		u.Grants, subtrees, err = loadGrants(ctx, t, u.ID)
		return err
	})
	return u, subtrees, tok, err
}

var errBadToken = apperr.New(apperr.Unauthorized, "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.", "The token is invalid, expired or revoked.")
