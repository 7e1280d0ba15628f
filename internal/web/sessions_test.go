package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"congquy/internal/auth"
)

// TESTING.md row 20: the session cookie's attributes, a new session id at sign-in, logout
// ends it, idle and absolute timeouts on a fake clock, and disabling a user, changing its
// roles or its password ends its sessions.
func TestSessionCookieAndLifecycle(t *testing.T) {
	s := mustServer(t)
	dept := s.mustUnit(t, nil, "D1")
	s.mustUser(t, "ketoan", dept, auth.RoleFinanceOfficer)
	c := s.client()
	c.get(t, "/login")
	rec := c.post(t, "/login", "login", "ketoan", "password", testPassword)
	var session *http.Cookie
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil {
		t.Fatalf("no %s cookie at sign-in: %v", sessionCookie, rec.Header()["Set-Cookie"])
	}
	raw := strings.Join(rec.Header()["Set-Cookie"], "\n")
	if !strings.HasPrefix(session.Name, "__Host-") || !session.Secure || !session.HttpOnly ||
		session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Domain != "" {
		t.Fatalf("session cookie attributes: %s", raw)
	}
	if !strings.Contains(raw, "SameSite=Lax") || !strings.Contains(raw, "Secure") || !strings.Contains(raw, "HttpOnly") {
		t.Fatalf("Set-Cookie: %s", raw)
	}
	// The anonymous CSRF cookie is as strict.
	anon := s.client().do(t, http.MethodGet, "/login", "")
	if ck := strings.Join(anon.Header()["Set-Cookie"], "\n"); !strings.Contains(ck, csrfCookie) || !strings.Contains(ck, "Secure") ||
		!strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
		t.Fatalf("anonymous CSRF cookie: %s", ck)
	}
	old := c.cookies[sessionCookie]
	if rec := c.get(t, "/"); rec.Code != http.StatusOK {
		t.Fatalf("signed in: %d", rec.Code)
	}
	c.post(t, "/logout")
	replay := s.client()
	replay.cookies[sessionCookie] = old
	if rec := replay.get(t, "/"); rec.Code != http.StatusSeeOther {
		t.Fatalf("the session cookie still works after logout: %d", rec.Code)
	}
}

// A session id planted before sign-in (session fixation) is not the one after it.
func TestNewSessionIDAtSignIn(t *testing.T) {
	s := mustServer(t)
	dept := s.mustUnit(t, nil, "D1")
	u := s.mustUser(t, "ktt", dept, auth.RoleChiefAccountant)
	secret, _ := enrol(t, s, s.signedIn(t, u))
	c := s.client()
	c.get(t, "/login")
	c.post(t, "/login", "login", "ktt", "password", testPassword)
	pending := c.cookies[sessionCookie] // the half-signed-in session, which an attacker could have planted
	if pending == "" {
		t.Fatal("no session while the second factor is awaited")
	}
	c.get(t, "/login/mfa")
	// The code of the next step: the enrolment used this one.
	code, _ := auth.TOTPCode(secret, s.now().Add(30*time.Second))
	if rec := c.post(t, "/login/mfa", "code", code); rec.Code != http.StatusSeeOther {
		t.Fatalf("second factor: %d %s", rec.Code, rec.Body)
	}
	if c.cookies[sessionCookie] == pending || c.cookies[sessionCookie] == "" {
		t.Fatal("the session id did not change at sign-in")
	}
	planted := s.client()
	planted.cookies[sessionCookie] = pending
	if rec := planted.get(t, "/"); rec.Code != http.StatusSeeOther {
		t.Fatalf("the pre-sign-in session id is signed in: %d", rec.Code)
	}
}

func TestSessionTimeouts(t *testing.T) {
	clock := newClock()
	s := mustServerWith(t, clock)
	dept := s.mustUnit(t, nil, "D1")
	u := s.mustUser(t, "ketoan", dept, auth.RoleFinanceOfficer)

	// Idle: 29 minutes apart is fine, 30 is not.
	c := s.signedIn(t, u)
	clock.Advance(29 * time.Minute)
	if rec := c.get(t, "/"); rec.Code != http.StatusOK {
		t.Fatalf("after 29 idle minutes: %d", rec.Code)
	}
	clock.Advance(29 * time.Minute)
	if rec := c.get(t, "/"); rec.Code != http.StatusOK {
		t.Fatalf("29 minutes after the last request: %d", rec.Code)
	}
	clock.Advance(30 * time.Minute)
	rec := c.get(t, "/")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("after 30 idle minutes: %d", rec.Code)
	}
	if rec := c.get(t, "/login"); !strings.Contains(rec.Body.String(), "Phiên làm việc đã kết thúc") {
		t.Fatalf("the sign-in page does not say the session ended: %d", rec.Code)
	}

	// Absolute: active every 20 minutes, the session still ends 12 hours after sign-in.
	c = s.signedIn(t, u)
	for elapsed := 20 * time.Minute; elapsed < 12*time.Hour; elapsed += 20 * time.Minute {
		clock.Advance(20 * time.Minute)
		if rec := c.get(t, "/"); rec.Code != http.StatusOK {
			t.Fatalf("active session ended after %s: %d", elapsed, rec.Code)
		}
	}
	clock.Advance(20 * time.Minute)
	if rec := c.get(t, "/"); rec.Code != http.StatusSeeOther {
		t.Fatalf("session alive after 12 hours: %d", rec.Code)
	}
}

func TestAdministrativeChangesEndSessions(t *testing.T) {
	s := mustServer(t)
	ctx := context.Background()
	dept := s.mustUnit(t, nil, "D1")
	office := s.mustUnit(t, &dept, "O1")
	admin := s.mustUser(t, "quantri", dept, auth.RoleAdmin)
	adminActor := admin.Actor("", "")
	adminActor.Grants = []auth.Grant{{Role: auth.RoleAdmin, UnitID: dept.ID}}
	u := s.mustUser(t, "ketoan", office, auth.RoleFinanceOfficer)

	changes := []struct {
		name string
		do   func() error
	}{
		{"roles changed", func() error {
			return s.store.SetUserRoles(ctx, adminActor, u.ID, []auth.Grant{{Role: auth.RoleInspector, UnitID: office.ID}})
		}},
		{"credentials reset", func() error { return s.store.ResetCredentials(ctx, adminActor, u.ID, "") }},
		{"disabled", func() error { return s.store.SetUserDisabled(ctx, adminActor, u.ID, true) }},
	}
	for _, ch := range changes {
		fresh, _, err := s.store.SessionUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := s.signedIn(t, fresh)
		if rec := c.get(t, "/account/password"); rec.Code != http.StatusOK {
			t.Fatalf("%s: before the change: %d", ch.name, rec.Code)
		}
		if err := ch.do(); err != nil {
			t.Fatalf("%s: %v", ch.name, err)
		}
		if rec := c.get(t, "/account/password"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?next=%2Faccount%2Fpassword" {
			t.Fatalf("%s: the session survived: %d", ch.name, rec.Code)
		}
	}

	// Changing one's own password ends the other sessions but not this one.
	owner := s.mustUser(t, "ktt", office, auth.RoleChiefAccountant)
	here, elsewhere := s.signedIn(t, owner), s.signedIn(t, owner)
	here.get(t, "/account/password")
	newPw := "mưa dầm thấm lâu, mật khẩu mới"
	if rec := here.post(t, "/account/password", "current", testPassword, "password", newPw, "confirm", newPw); rec.Code != http.StatusSeeOther {
		t.Fatalf("change password: %d %s", rec.Code, rec.Body)
	}
	if rec := here.get(t, "/"); rec.Code != http.StatusOK {
		t.Fatalf("the session that changed the password: %d", rec.Code)
	}
	if rec := elsewhere.get(t, "/"); rec.Code != http.StatusSeeOther {
		t.Fatalf("another session survived the password change: %d", rec.Code)
	}
}
