package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"

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
// is disabled. It is one statement (one round trip, one snapshot): every API request
// pays for it, so it reads the token, its user, the grants and their subtrees together
// instead of in a read transaction of four queries. Nothing is cached: a revoked token,
// a disabled user or a withdrawn role is refused from the next request on.
func (s *Store) TokenUser(ctx context.Context, hash []byte) (auth.User, map[int64][]int64, APIToken, error) {
	var r struct {
		auth.User
		TokID        int64          `db:"tok_id"`
		TokName      string         `db:"tok_name"`
		TokPrefix    string         `db:"tok_prefix"`
		TokReadOnly  bool           `db:"tok_read_only"`
		TokCreatedAt time.Time      `db:"tok_created_at"`
		TokExpiresAt time.Time      `db:"tok_expires_at"`
		TokRevokedAt *time.Time     `db:"tok_revoked_at"`
		Roles        pq.StringArray `db:"roles"`
		RoleUnits    pq.Int64Array  `db:"role_units"`
		Subtrees     []byte         `db:"subtrees"`
	}
	err := s.getP(ctx, &r, tokenUserSQL, hash) // prepared: every API request runs it
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, nil, APIToken{}, errBadToken
	}
	if err != nil {
		return auth.User{}, nil, APIToken{}, translate(fmt.Errorf("find token: %w", err))
	}
	tok := APIToken{ID: r.TokID, UserID: r.User.ID, Name: r.TokName, Prefix: r.TokPrefix, ReadOnly: r.TokReadOnly,
		CreatedAt: r.TokCreatedAt, ExpiresAt: r.TokExpiresAt, RevokedAt: r.TokRevokedAt}
	if !tok.Active(s.now()) {
		return auth.User{}, nil, APIToken{}, errBadToken
	}
	u := r.User
	if len(r.Roles) != len(r.RoleUnits) {
		return auth.User{}, nil, APIToken{}, fmt.Errorf("token user %d: %d roles but %d units", u.ID, len(r.Roles), len(r.RoleUnits))
	}
	for i, role := range r.Roles {
		u.Grants = append(u.Grants, auth.Grant{Role: auth.Role(role), UnitID: r.RoleUnits[i]})
	}
	sortGrants(u.Grants)
	subtrees := map[int64][]int64{}
	if len(r.Subtrees) > 0 {
		if err := json.Unmarshal(r.Subtrees, &subtrees); err != nil {
			return auth.User{}, nil, APIToken{}, fmt.Errorf("subtrees of user %d: %w", u.ID, err)
		}
	}
	return u, subtrees, tok, nil
}

// tokenUserSQL reads a token with its (enabled) user, the user's grants (as two arrays
// in the same order) and the subtree of every granted unit (a JSON object: unit id → the
// ids of the units under it, itself included, in id order), as loadGrants does.
const tokenUserSQL sqlText = `SELECT t.id AS tok_id, t.name AS tok_name, t.prefix AS tok_prefix, t.read_only AS tok_read_only,
	t.created_at AS tok_created_at, t.expires_at AS tok_expires_at, t.revoked_at AS tok_revoked_at, ` + userColumns + `,
	ARRAY(SELECT r.role::text FROM user_roles r WHERE r.user_id = u.id ORDER BY r.unit_id, r.role) AS roles,
	ARRAY(SELECT r.unit_id FROM user_roles r WHERE r.user_id = u.id ORDER BY r.unit_id, r.role) AS role_units,
	(SELECT json_object_agg(s.ancestor_id, s.ids) FROM (
		SELECT c.ancestor_id, array_agg(c.descendant_id ORDER BY c.descendant_id) AS ids
		FROM unit_closure c WHERE c.ancestor_id IN (SELECT unit_id FROM user_roles WHERE user_id = u.id)
		GROUP BY c.ancestor_id) s) AS subtrees
FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.disabled_at IS NULL
WHERE t.token_hash = $1`

var errBadToken = apperr.New(apperr.Unauthorized, "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.", "The token is invalid, expired or revoked.")
