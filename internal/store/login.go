package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/internal/auth"
)

const credentialColumns = userColumns + `, u.password_hash, coalesce(u.totp_secret, '') AS totp_secret, u.totp_last_step`

// Credentials returns what signing in needs to know about a login; not found when there
// is no such login.
func (s *Store) Credentials(ctx context.Context, login string) (auth.Credentials, error) {
	var c auth.Credentials
	err := s.db.GetContext(ctx, &c, `SELECT `+credentialColumns+` FROM users u WHERE u.login = $1`, strings.ToLower(strings.TrimSpace(login)))
	return c, credentialsErr(err)
}

// CredentialsByID is Credentials for a signed-in user (re-checking its password or code).
func (s *Store) CredentialsByID(ctx context.Context, id int64) (auth.Credentials, error) {
	var c auth.Credentials
	err := s.db.GetContext(ctx, &c, `SELECT `+credentialColumns+` FROM users u WHERE u.id = $1`, id)
	return c, credentialsErr(err)
}

func credentialsErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFoundf("người dùng", "user")
	}
	if err != nil {
		return translate(fmt.Errorf("credentials: %w", err))
	}
	return nil
}

// LoginFailures counts the failed sign-ins since the given time for a login and for a
// client address, for the throttle.
func (s *Store) LoginFailures(ctx context.Context, login, ip string, since time.Time) (account, address int, err error) {
	err = s.db.QueryRowxContext(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE login = $1 AND at > $3),
		(SELECT count(*) FROM login_failures WHERE ip = $2 AND at > $3)`, loginKey(login), ip, since).Scan(&account, &address)
	if err != nil {
		return 0, 0, translate(fmt.Errorf("count login failures: %w", err))
	}
	return account, address, nil
}

// LoginFailure describes one refused sign-in attempt.
type LoginFailure struct {
	Login  string // as typed (truncated and cleaned before it is stored)
	UserID int64  // the user, when the login exists
	UnitID int64  // its unit
	Reason string // bad_password, unknown_login, disabled, bad_code, throttled
	Count  bool   // whether the failure counts toward the throttle
}

// RecordLoginFailure records a refused sign-in: a row the throttle counts (unless the
// attempt was itself refused by the throttle, so that waiting always ends) and an audit
// event, in a transaction of its own. Nothing else changes.
func (s *Store) RecordLoginFailure(ctx context.Context, actor auth.Actor, f LoginFailure) error {
	return s.write(ctx, actor, func(t *tx) error {
		key := loginKey(f.Login)
		if f.Count {
			if _, err := t.ExecContext(ctx, `INSERT INTO login_failures (at, login, ip) VALUES ($1, $2, $3)`, s.now().UTC(), key, actor.IP); err != nil {
				return fmt.Errorf("record login failure: %w", err)
			}
		}
		return t.audit(ctx, event{UnitID: f.UnitID, Action: "login_failed", Entity: "login", EntityID: key,
			After: map[string]any{"reason": f.Reason, "user_id": f.UserID}})
	})
}

// loginKey is the stored form of a login as typed: lower case, at most 64 characters, no
// control characters.
func loginKey(login string) string {
	login = strings.ToLower(strings.TrimSpace(login))
	login = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, login)
	if r := []rune(login); len(r) > 64 {
		login = string(r[:64])
	}
	return login
}

// SecondFactor is how a sign-in proved the second factor: a TOTP time step, a recovery
// code's hash, or neither (no authenticator yet, within the grace).
type SecondFactor struct {
	Step     int64
	Recovery []byte
}

// CompleteLogin finishes a sign-in in one transaction: it consumes the TOTP step (so the
// same code can never be used again: replay is refused here, atomically) or the recovery
// code, records the first and last sign-in and the audit events, and clears the
// account's failed attempts.
func (s *Store) CompleteLogin(ctx context.Context, actor auth.Actor, mfa SecondFactor) (auth.User, error) {
	var u auth.User
	err := s.write(ctx, actor, func(t *tx) error {
		how := "password"
		switch {
		case mfa.Step > 0:
			if err := t.useTOTPStep(ctx, actor.UserID, mfa.Step); err != nil {
				return err
			}
			how = "totp"
		case mfa.Recovery != nil:
			res, err := t.ExecContext(ctx, `UPDATE mfa_recovery_codes SET used_at = now()
				WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`, actor.UserID, mfa.Recovery)
			if err != nil {
				return fmt.Errorf("use recovery code: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errBadCode
			}
			how = "recovery_code"
		}
		now := s.now().UTC()
		err := t.GetContext(ctx, &u, `UPDATE users u SET first_login_at = coalesce(first_login_at, $2), last_login_at = $2
			WHERE id = $1 AND disabled_at IS NULL RETURNING `+userColumns, actor.UserID, now)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadLogin
		}
		if err != nil {
			return fmt.Errorf("record sign-in: %w", err)
		}
		if u.Grants, err = t.grants(ctx, u.ID); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM login_failures WHERE login = $1`, u.Login); err != nil {
			return fmt.Errorf("clear login failures: %w", err)
		}
		if how == "recovery_code" {
			if err := t.audit(ctx, event{UnitID: u.UnitID, Action: "mfa_recovery_used", Entity: "user", EntityID: u.ID}); err != nil {
				return err
			}
		}
		return t.audit(ctx, event{UnitID: u.UnitID, Action: "login", Entity: "user", EntityID: u.ID, After: map[string]any{"factor": how}})
	})
	return u, err
}

var (
	errBadCode = apperr.New(apperr.Invalid, "Mã xác thực không đúng hoặc đã được dùng.", "The code is wrong or has been used already.").OnField("code")
	// errBadLogin is the one message every refused sign-in shows: it never says whether
	// the login exists, the password was wrong or the account is disabled.
	errBadLogin = apperr.New(apperr.Invalid, "Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong login or password.")
)

// ErrBadLogin is the generic refusal of a sign-in.
var ErrBadLogin = errBadLogin

// ErrBadCode is the refusal of a second-factor code.
var ErrBadCode = errBadCode

// useTOTPStep records the step of an accepted code, refusing a step that is not newer
// than the last one used: the conditional UPDATE makes two concurrent uses of one code
// impossible.
func (t *tx) useTOTPStep(ctx context.Context, userID, step int64) error {
	res, err := t.ExecContext(ctx, `UPDATE users SET totp_last_step = $2
		WHERE id = $1 AND totp_last_step < $2 AND totp_secret IS NOT NULL`, userID, step)
	if err != nil {
		return fmt.Errorf("use TOTP step: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errBadCode
	}
	return nil
}

// SessionUser returns a signed-in user with its grants and, for each granted unit, every
// unit of its subtree: what the session and token middleware turn into an auth.Actor.
func (s *Store) SessionUser(ctx context.Context, id int64) (auth.User, map[int64][]int64, error) {
	var u auth.User
	var subtrees map[int64][]int64
	err := s.read(ctx, func(t *sqlx.Tx) error {
		err := t.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("người dùng", "user")
		}
		if err != nil {
			return fmt.Errorf("session user %d: %w", id, err)
		}
		u.Grants, subtrees, err = loadGrants(ctx, t, id)
		return err
	})
	return u, subtrees, err
}

// loadGrants reads a user's grants and the subtrees of the granted units.
func loadGrants(ctx context.Context, t *sqlx.Tx, userID int64) ([]auth.Grant, map[int64][]int64, error) {
	var gs []auth.Grant
	if err := t.SelectContext(ctx, &gs, `SELECT role, unit_id FROM user_roles WHERE user_id = $1`, userID); err != nil {
		return nil, nil, fmt.Errorf("grants of user %d: %w", userID, err)
	}
	sortGrants(gs)
	rows, err := t.QueryxContext(ctx, `SELECT c.ancestor_id, array_agg(c.descendant_id ORDER BY c.descendant_id)
		FROM unit_closure c WHERE c.ancestor_id IN (SELECT unit_id FROM user_roles WHERE user_id = $1)
		GROUP BY c.ancestor_id`, userID)
	if err != nil {
		return nil, nil, fmt.Errorf("subtrees of user %d: %w", userID, err)
	}
	defer rows.Close()
	subtrees := map[int64][]int64{}
	for rows.Next() {
		var root int64
		var ids pq.Int64Array
		if err := rows.Scan(&root, &ids); err != nil {
			return nil, nil, fmt.Errorf("subtrees of user %d: %w", userID, err)
		}
		subtrees[root] = ids
	}
	return gs, subtrees, rows.Err()
}

// SecurityEvent is a security-relevant happening that changed nothing (an authorization
// failure, a refused code), recorded in the audit trail on its own.
type SecurityEvent struct {
	UnitID   int64
	Action   string // e.g. "access_denied"
	Entity   string
	EntityID string
	Detail   map[string]any
}

// RecordSecurityEvent records ev as an audit event in a transaction of its own.
func (s *Store) RecordSecurityEvent(ctx context.Context, actor auth.Actor, ev SecurityEvent) error {
	return s.write(ctx, actor, func(t *tx) error {
		return t.audit(ctx, event{UnitID: ev.UnitID, Action: ev.Action, Entity: ev.Entity, EntityID: ev.EntityID, After: ev.Detail})
	})
}

// PurgeExpired deletes expired sessions and failed-login rows older than a day: they are
// working state, not records (each failure has its audit event).
func (s *Store) PurgeExpired(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expiry < now()`); err != nil {
		return translate(fmt.Errorf("purge sessions: %w", err))
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, s.now().Add(-24*time.Hour)); err != nil {
		return translate(fmt.Errorf("purge login failures: %w", err))
	}
	return nil
}
