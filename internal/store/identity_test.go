package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/alexedwards/argon2id"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/store"
)

func mustIdentityUser(t *testing.T, st *store.Store, login string, unit int64, roles ...auth.Role) auth.User {
	t.Helper()
	auth.PasswordParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	hash, err := auth.HashPassword("mật khẩu thử nghiệm")
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(context.Background(), auth.System("test"), auth.UserForm{Login: login, FullName: login, UnitID: unit, Roles: roles, Chosen: true}, hash)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// One TOTP step, or one recovery code, signs in once even when sent concurrently: the
// conditional UPDATE makes replay impossible, not merely unlikely.
func TestSecondFactorIsUsedOnceUnderConcurrency(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	dept := mustUnit(t, st, nil, "DEPT")
	u := mustIdentityUser(t, st, "ktt", dept.ID, auth.RoleChiefAccountant)
	actor := u.Actor("req", "10.0.0.1")
	codes, hashes := auth.NewRecoveryCodes()
	if err := st.EnableTOTP(ctx, actor, "JBSWY3DPEHPK3PXP", 100, hashes); err != nil {
		t.Fatal(err)
	}
	if err := st.EnableTOTP(ctx, actor, "JBSWY3DPEHPK3PXP", 100, hashes); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("second enrolment: %v, want conflict", err)
	}
	for _, proof := range []store.SecondFactor{{Step: 101}, {Recovery: auth.HashRecoveryCode(codes[0])}} {
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := st.CompleteLogin(ctx, actor, proof)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case apperr.Is(err, apperr.Invalid), apperr.Is(err, apperr.Conflict):
					refused++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || refused != 15 {
			t.Fatalf("%+v: %d sign-ins accepted, %d refused; want 1 and 15", proof, ok, refused)
		}
	}
	if _, err := st.CompleteLogin(ctx, actor, store.SecondFactor{Step: 100}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("an older step: %v", err)
	}
	left, _ := st.RecoveryCodesLeft(ctx, u.ID)
	if left != auth.RecoveryCodeCount-1 {
		t.Fatalf("%d recovery codes left", left)
	}
	mustNoViolations(t, st)
}

// The application role may not rewrite what identity keeps: the sessions' owner columns,
// a token's hash or owner, a user's login or id.
func TestIdentityGrants(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	dept := mustUnit(t, st, nil, "DEPT")
	u := mustIdentityUser(t, st, "ketoan", dept.ID, auth.RoleFinanceOfficer)
	_, hash, prefix := auth.NewAPIToken()
	tok, err := st.CreateAPIToken(ctx, u.Actor("", ""), store.NewAPIToken{Name: "x", Days: 1}, hash, prefix)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE api_tokens SET user_id = user_id WHERE id = $1`,
		`UPDATE api_tokens SET token_hash = token_hash WHERE id = $1`,
		`UPDATE api_tokens SET expires_at = expires_at WHERE id = $1`,
		`DELETE FROM api_tokens WHERE id = $1`,
		`UPDATE users SET login = login WHERE id = $1`,
		`DELETE FROM users WHERE id = $1`,
		`UPDATE mfa_recovery_codes SET code_hash = code_hash WHERE user_id = $1`,
	} {
		if _, err := st.DB().ExecContext(ctx, stmt, tok.ID); err == nil {
			t.Errorf("the application role may run %s", stmt)
		}
	}
}
