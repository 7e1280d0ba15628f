package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"congquy/internal/auth"
)

// everyRole makes a user holding every role on the unit, so that no route is refused for
// lack of a permission and only the check under test can refuse.
func (s *testServer) everyRole(t *testing.T, login string, unitCode string) auth.User {
	t.Helper()
	dept := s.mustUnit(t, nil, unitCode)
	return s.mustUser(t, login, dept, auth.Roles...)
}

// concreteRoutes returns every route of the router with its parameters filled with id.
func (s *testServer) concreteRoutes(method string, id int64) []string {
	var out []string
	for _, r := range s.Echo().Routes() {
		if r.Method != method {
			continue
		}
		path := r.Path
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, ":") {
				path = strings.Replace(path, seg, fmt.Sprint(id), 1)
			}
		}
		path = strings.Replace(path, "*", "app.css", 1)
		out = append(out, path)
	}
	return out
}

// TESTING.md row 21: every state-changing route refuses a request without the token, with
// a wrong one, or from another site, and changes nothing.
func TestCSRFOnEveryWrite(t *testing.T) {
	s := mustServer(t)
	u := s.everyRole(t, "tatca", "D1")
	refused, total := 0, 0
	for _, path := range s.concreteRoutes(http.MethodPost, u.ID) {
		if strings.HasPrefix(path, "/api/") {
			continue // bearer tokens, no cookies: see TestAPITokens
		}
		for _, who := range []string{"signed-in", "anonymous"} {
			c := s.signedIn(t, u)
			if who == "anonymous" {
				c = s.client()
				c.get(t, "/login")
			}
			attempts := map[string][]string{
				"no token":            {},
				"wrong token":         {csrfHeader, newToken()},
				"token of another":    {csrfHeader, s.signedIn(t, u).csrf},
				"cross-site origin":   {csrfHeader, c.csrf, "Origin", "https://evil.example"},
				"cross-site fetch":    {csrfHeader, c.csrf, "Sec-Fetch-Site", "cross-site"},
				"same-site subdomain": {csrfHeader, c.csrf, "Sec-Fetch-Site", "same-site"},
			}
			before := s.snapshot(t)
			for name, headers := range attempts {
				total++
				rec := c.do(t, http.MethodPost, path, "lang=en&login=tatca&name=x&days=30", headers...)
				if rec.Code == http.StatusForbidden && strings.Contains(rec.Body.String(), "mã bảo vệ") {
					refused++
				} else if !(who == "anonymous" && rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/login")) {
					t.Errorf("POST %s (%s, %s): status %d, want the CSRF refusal", path, who, name, rec.Code)
				} else {
					refused++ // the guard sent the visitor to sign in before anything ran
				}
			}
			for table, sum := range s.snapshot(t) {
				if before[table] != sum {
					t.Errorf("POST %s (%s): refused requests changed %s", path, who, table)
				}
			}
			// The same request with the token and from this site is not refused by CSRF.
			rec := c.do(t, http.MethodPost, path, "", csrfHeader, c.csrf, "Origin", "http://example.com", "Sec-Fetch-Site", "same-origin")
			if strings.Contains(rec.Body.String(), "mã bảo vệ") {
				t.Errorf("POST %s (%s) with the token from this site was refused", path, who)
			}
			s.waitVerification(t) // "Verify now" records its result in the background
			s.restore(t, u)
		}
	}
	t.Logf("CSRF: %d of %d forged writes refused", refused, total)
	if refused != total {
		t.Errorf("refusal rate %d/%d", refused, total)
	}
}

// waitVerification waits for a verification started in the background to finish, so
// that its audit event does not fall into the next route's snapshot.
func (s *testServer) waitVerification(t *testing.T) {
	t.Helper()
	for range 1000 {
		s.verify.mu.Lock()
		running := s.verify.running
		s.verify.mu.Unlock()
		if !running {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the audit verification started by the test did not finish")
}

// snapshot is the content of the tables identity writes (and the audit trail), to show
// that a request changed nothing.
func (s *testServer) snapshot(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range []string{"units", "users", "user_roles", "api_tokens", "mfa_recovery_codes", "login_failures", "audit_events"} {
		var sum string
		q := `SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM ` + table + ` x`
		if err := s.store.DB().GetContext(context.Background(), &sum, q); err != nil {
			t.Fatal(err)
		}
		out[table] = sum
	}
	return out
}

// restore undoes what the control requests did to the user, so the next route starts
// from a signed-in user that works.
func (s *testServer) restore(t *testing.T, u auth.User) {
	t.Helper()
	if _, err := s.store.DB().Exec(`UPDATE users SET disabled_at = NULL, must_change_password = false WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
}

// TESTING.md row 21: no GET request changes anything, whoever sends it.
func TestGetNeverWrites(t *testing.T) {
	s := mustServer(t)
	u := s.everyRole(t, "tatca", "D1")
	other := s.mustUser(t, "khac", s.mustUnit(t, nil, "D2"), auth.RoleInspector)
	for _, c := range []*client{s.signedIn(t, u), s.client()} {
		c.get(t, "/") // the first request of a session may refresh it; the tables below stay
		before := s.snapshot(t)
		for _, id := range []int64{u.ID, other.ID} {
			for _, path := range s.concreteRoutes(http.MethodGet, id) {
				rec := c.get(t, path)
				if rec.Code >= 500 {
					t.Errorf("GET %s: %d", path, rec.Code)
				}
			}
		}
		after := s.snapshot(t)
		for table, sum := range before {
			if after[table] != sum {
				t.Errorf("GET requests changed %s", table)
			}
		}
	}
}

// TESTING.md row 21: the security headers are on every kind of response of identity too:
// pages, redirects, refusals, API errors.
func TestSecurityHeadersOnIdentityResponses(t *testing.T) {
	s := mustServer(t)
	dept := s.mustUnit(t, nil, "D1")
	c := s.signedIn(t, s.mustUser(t, "ketoan", dept, auth.RoleFinanceOfficer))
	anon := s.client()
	cases := []struct {
		c      *client
		method string
		path   string
		status int
	}{
		{anon, http.MethodGet, "/login", 200},
		{anon, http.MethodGet, "/users", 303},
		{anon, http.MethodGet, "/api/v1/me", 401},
		{anon, http.MethodPost, "/login", 403},
		{c, http.MethodGet, "/account", 200},
		{c, http.MethodGet, "/users", 403},
		{c, http.MethodGet, "/users/999999", 403},
		{c, http.MethodPost, "/account/tokens/999999/revoke", 404},
	}
	for _, k := range cases {
		var rec = k.c.do(t, k.method, k.path, "")
		if k.method == http.MethodPost && k.c == c {
			rec = k.c.do(t, k.method, k.path, "", csrfHeader, c.csrf)
		}
		if rec.Code != k.status {
			t.Errorf("%s %s: %d, want %d", k.method, k.path, rec.Code, k.status)
		}
		h := rec.Header()
		for name, want := range map[string]string{"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
			"Strict-Transport-Security": "max-age=", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if !strings.Contains(h.Get(name), want) {
				t.Errorf("%s %s: %s = %q", k.method, k.path, name, h.Get(name))
			}
		}
	}
}
