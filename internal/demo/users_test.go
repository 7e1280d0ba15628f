package demo

import (
	"context"
	"testing"

	"congquy/internal/auth"
	"congquy/internal/store"
	"congquy/internal/testdb"
)

// The demo data has one user per role in the department and in each office, with the
// printed passwords, who can sign in without changing them; the printed list is the same
// whether or not the data was just loaded.
func TestDemoUsers(t *testing.T) {
	owner := testdb.New(t)
	ctx := context.Background()
	st, err := store.Open(ctx, store.AppURL(owner), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := Load(ctx, st, Seed)
	if err != nil {
		t.Fatal(err)
	}
	want := (1 + len(demoOffices)) * len(auth.Roles)
	if len(sum.Logins) != want || len(Logins().Logins) != want {
		t.Fatalf("%d logins loaded, %d printed; want %d", len(sum.Logins), len(Logins().Logins), want)
	}
	for i, l := range sum.Logins {
		if l != Logins().Logins[i] {
			t.Fatalf("loaded %+v, printed %+v", l, Logins().Logins[i])
		}
		if err := auth.ValidateNewPassword(l.Password, l.Login); err != nil {
			t.Errorf("demo password of %s breaks the password rules: %v", l.Login, err)
		}
	}
	for _, l := range []Login{sum.Logins[0], sum.Logins[len(sum.Logins)-1]} {
		c, err := st.Credentials(ctx, l.Login)
		if err != nil {
			t.Fatal(err)
		}
		if !auth.CheckPassword(l.Password, c.PasswordHash) || c.MustChangePassword || c.MFAEnabled() {
			t.Errorf("%s: password ok %v, must change %v, mfa %v", l.Login, auth.CheckPassword(l.Password, c.PasswordHash), c.MustChangePassword, c.MFAEnabled())
		}
		if len(c.Grants) != 0 { // Credentials does not load grants; SessionUser does
			t.Errorf("unexpected grants")
		}
		u, _, err := st.SessionUser(ctx, c.ID)
		if err != nil || len(u.Grants) != 1 || u.Grants[0].Role != l.Role || u.Grants[0].UnitID != u.UnitID {
			t.Errorf("%s grants %+v err %v; want %s on its unit", l.Login, u.Grants, err, l.Role)
		}
	}
}
