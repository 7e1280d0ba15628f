package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"congquy/internal/apperr"
	"congquy/internal/auth"
)

// EnableTOTP confirms the actor's authenticator: it stores the secret, the step of the
// code that proved it (so that code cannot be used again) and the recovery codes' hashes.
// A user who has one already must not silently replace it.
func (s *Store) EnableTOTP(ctx context.Context, actor auth.Actor, secret string, step int64, recovery [][]byte) error {
	return s.write(ctx, actor, func(t *tx) error {
		var unitID int64
		err := t.GetContext(ctx, &unitID, `UPDATE users SET totp_secret = $2, totp_enabled_at = $3, totp_last_step = $4, updated_at = now()
			WHERE id = $1 AND totp_secret IS NULL RETURNING unit_id`, actor.UserID, secret, s.now().UTC(), step)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Conflict, "Tài khoản đã có ứng dụng xác thực.", "The account has an authenticator already.")
		}
		if err != nil {
			return fmt.Errorf("enable TOTP: %w", err)
		}
		if err := t.replaceRecoveryCodes(ctx, actor.UserID, recovery); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: unitID, Action: "mfa_enrol", Entity: "user", EntityID: actor.UserID,
			After: map[string]any{"method": "totp", "recovery_codes": len(recovery)}})
	})
}

// RegenerateRecoveryCodes replaces the actor's recovery codes, after a fresh TOTP code
// (its step consumed like at sign-in) proved the authenticator is at hand.
func (s *Store) RegenerateRecoveryCodes(ctx context.Context, actor auth.Actor, step int64, recovery [][]byte) error {
	return s.write(ctx, actor, func(t *tx) error {
		if err := t.useTOTPStep(ctx, actor.UserID, step); err != nil {
			return err
		}
		if err := t.replaceRecoveryCodes(ctx, actor.UserID, recovery); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: actor.UnitID, Action: "mfa_recovery_regenerate", Entity: "user", EntityID: actor.UserID,
			After: map[string]any{"recovery_codes": len(recovery)}})
	})
}

func (t *tx) replaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	if _, err := t.ExecContext(ctx, `DELETE FROM mfa_recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("remove recovery codes: %w", err)
	}
	for _, h := range hashes {
		if _, err := t.ExecContext(ctx, `INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return fmt.Errorf("store recovery code: %w", err)
		}
	}
	return nil
}

// RecoveryCodesLeft returns how many unused recovery codes the user has.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID); err != nil {
		return 0, translate(fmt.Errorf("count recovery codes: %w", err))
	}
	return n, nil
}

// ChangeOwnPassword sets the actor's new password and ends its other sessions; it returns
// the new session epoch for the session the change was made in.
func (s *Store) ChangeOwnPassword(ctx context.Context, actor auth.Actor, passwordHash string) (int64, error) {
	var epoch int64
	err := s.write(ctx, actor, func(t *tx) error {
		err := t.GetContext(ctx, &epoch, `UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = false,
			session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1 RETURNING session_epoch`,
			actor.UserID, passwordHash, s.now().UTC())
		if err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		return t.audit(ctx, event{UnitID: actor.UnitID, Action: "password_change", Entity: "user", EntityID: actor.UserID})
	})
	return epoch, err
}

// SetOwnLang remembers the actor's language.
func (s *Store) SetOwnLang(ctx context.Context, actor auth.Actor, lang string) error {
	if lang != "vi" && lang != "en" {
		return apperr.New(apperr.Invalid, "Ngôn ngữ không hợp lệ.", "Unknown language.").OnField("lang")
	}
	return s.write(ctx, actor, func(t *tx) error {
		if _, err := t.ExecContext(ctx, `UPDATE users SET lang = $2, updated_at = now() WHERE id = $1`, actor.UserID, lang); err != nil {
			return fmt.Errorf("set language: %w", err)
		}
		return t.audit(ctx, event{UnitID: actor.UnitID, Action: "update", Entity: "user", EntityID: actor.UserID,
			Before: map[string]any{"lang": actor.Lang}, After: map[string]any{"lang": lang}})
	})
}

// Account returns the actor's own user with its unit, roles and recent history: the
// account page.
func (s *Store) Account(ctx context.Context, actor auth.Actor) (UserDetail, error) {
	return s.userDetail(ctx, actor.UserID, []int64{actor.UnitID})
}
