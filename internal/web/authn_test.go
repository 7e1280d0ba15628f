package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"congquy/internal/auth"
)

// inputValue returns the value of the named input in a page.
func inputValue(t *testing.T, html, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no input %q in page", name)
	}
	return m[1]
}

// enrol sets up TOTP for the client's user through the account page and returns the secret
// and the recovery codes shown once.
func enrol(t *testing.T, s *testServer, c *client) (string, []string) {
	t.Helper()
	rec := c.get(t, "/account/mfa")
	page := rec.Body.String()
	secret := inputValue(t, page, "secret")
	code, err := auth.TOTPCode(secret, s.now())
	if err != nil {
		t.Fatal(err)
	}
	rec = c.post(t, "/account/mfa", "secret", secret, "issued", inputValue(t, page, "issued"), "mac", inputValue(t, page, "mac"), "code", code)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="recovery-codes"`) {
		t.Fatalf("enrol: %d %s", rec.Code, rec.Body)
	}
	var codes []string
	for _, m := range regexp.MustCompile(`<li><code>([a-z0-9-]+)</code></li>`).FindAllStringSubmatch(rec.Body.String(), -1) {
		codes = append(codes, m[1])
	}
	return secret, codes
}

// signInForm signs in through the forms; code is sent to the second step when asked.
func signInForm(t *testing.T, c *client, login, password, code string) *client {
	t.Helper()
	c.get(t, "/login")
	rec := c.post(t, "/login", "login", login, "password", password)
	if loc := rec.Header().Get("Location"); strings.HasPrefix(loc, "/login/mfa") {
		c.get(t, loc)
		rec = c.post(t, "/login/mfa", "code", code)
	}
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d %s", login, rec.Code, rec.Body)
	}
	// Follow the redirects, as a browser would, picking up the new session's CSRF token.
	for i := 0; i < 3 && rec.Code == http.StatusSeeOther; i++ {
		rec = c.get(t, rec.Header().Get("Location"))
	}
	return c
}

// TESTING.md row 19: generic refusals, throttling per account and per address without
// permanent lockout, TOTP with replay refused, recovery codes once.
func TestLoginRefusalsAreGenericAndThrottled(t *testing.T) {
	clock := newClock()
	s := mustServerWith(t, clock)
	dept := s.mustUnit(t, nil, "D1")
	s.mustUser(t, "ketoan", dept, auth.RoleFinanceOfficer)
	gone := s.mustUser(t, "nghiviec", dept, auth.RoleFinanceOfficer)
	if err := s.store.SetUserDisabled(context.Background(), auth.System("test"), gone.ID, true); err != nil {
		t.Fatal(err)
	}
	attempt := func(login, pw string) (int, string) {
		c := s.client()
		c.get(t, "/login")
		rec := c.post(t, "/login", "login", login, "password", pw)
		return rec.Code, alertText(rec.Body.String())
	}
	// Unknown login, wrong password and disabled account read the same.
	_, unknown := attempt("khongco", testPassword)
	_, wrong := attempt("ketoan", "sai mật khẩu rồi")
	_, disabled := attempt("nghiviec", testPassword)
	if unknown == "" || unknown != wrong || wrong != disabled {
		t.Fatalf("refusals differ: %q / %q / %q", unknown, wrong, disabled)
	}
	// Per account: after 5 failures even the right password waits, then works again.
	for range 4 {
		attempt("ketoan", "sai mật khẩu rồi")
	}
	if code, _ := attempt("ketoan", testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("6th attempt after 5 failures: %d, want 429", code)
	}
	clock.Advance(16 * time.Minute)
	if code, _ := attempt("ketoan", testPassword); code != http.StatusSeeOther {
		t.Fatalf("after the window: %d, want 303", code)
	}
	// Per address: 30 failures on many logins block this address for every login.
	for i := range 30 {
		attempt("khongco"+string(rune('a'+i%26))+string(rune('a'+i/26)), "x")
	}
	if code, _ := attempt("ketoan", testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("after 30 failures from one address: %d, want 429", code)
	}
	clock.Advance(16 * time.Minute)
	if code, _ := attempt("ketoan", testPassword); code != http.StatusSeeOther {
		t.Fatalf("address throttle never ended: %d", code)
	}
	// Every failure is in the audit trail.
	var n int
	if err := s.store.DB().Get(&n, `SELECT count(*) FROM audit_events WHERE action = 'login_failed'`); err != nil || n < 38 {
		t.Fatalf("login_failed audit events: %d (%v)", n, err)
	}
}

func alertText(html string) string {
	m := regexp.MustCompile(`class="alert alert-error" role="alert">([^<]*)<`).FindStringSubmatch(html)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestSecondFactorReplayAndRecovery(t *testing.T) {
	clock := newClock()
	s := mustServerWith(t, clock)
	dept := s.mustUnit(t, nil, "D1")
	u := s.mustUser(t, "ktt", dept, auth.RoleChiefAccountant)
	secret, codes := enrol(t, s, s.signedIn(t, u))
	if len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown", len(codes))
	}

	// The enrolment used this step's code: the same code cannot sign in.
	clock.Advance(time.Second)
	code, _ := auth.TOTPCode(secret, clock.Now())
	c := s.client()
	c.get(t, "/login")
	rec := c.post(t, "/login", "login", "ktt", "password", testPassword)
	if !strings.HasPrefix(rec.Header().Get("Location"), "/login/mfa") {
		t.Fatalf("password step: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	c.get(t, rec.Header().Get("Location"))
	if rec := c.get(t, "/"); rec.Code != http.StatusSeeOther {
		t.Fatalf("signed in before the second factor: %d", rec.Code)
	}
	if rec := c.post(t, "/login/mfa", "code", code); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("replayed enrolment code: %d", rec.Code)
	}
	// The next step's code works once.
	clock.Advance(30 * time.Second)
	code, _ = auth.TOTPCode(secret, clock.Now())
	if rec := c.post(t, "/login/mfa", "code", code); rec.Code != http.StatusSeeOther {
		t.Fatalf("fresh code: %d %s", rec.Code, rec.Body)
	}
	if rec := c.get(t, "/"); rec.Code != http.StatusOK {
		t.Fatalf("home after both factors: %d", rec.Code)
	}
	c2 := s.client()
	c2.get(t, "/login")
	c2.post(t, "/login", "login", "ktt", "password", testPassword)
	c2.get(t, "/login/mfa")
	if rec := c2.post(t, "/login/mfa", "code", code); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("same code in a second sign-in: %d", rec.Code)
	}
	// A recovery code works once, in any case and with or without its dash.
	typed := strings.ToUpper(strings.ReplaceAll(codes[3], "-", ""))
	if rec := c2.post(t, "/login/mfa", "code", typed); rec.Code != http.StatusSeeOther {
		t.Fatalf("recovery code: %d %s", rec.Code, rec.Body)
	}
	c3 := s.client()
	c3.get(t, "/login")
	c3.post(t, "/login", "login", "ktt", "password", testPassword)
	c3.get(t, "/login/mfa")
	if rec := c3.post(t, "/login/mfa", "code", codes[3]); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("recovery code used twice: %d", rec.Code)
	}
	var used int
	if err := s.store.DB().Get(&used, `SELECT count(*) FROM audit_events WHERE action = 'mfa_recovery_used' AND entity_id = $1`, u.ID); err != nil || used != 1 {
		t.Fatalf("mfa_recovery_used events: %d (%v)", used, err)
	}
}

// A temporary password must be changed first; after the grace a user without a second
// factor may only enrol one.
func TestTemporaryPasswordAndMFAGrace(t *testing.T) {
	clock := newClock()
	s := mustServerWith(t, clock)
	dept := s.mustUnit(t, nil, "D1")
	admin := s.signedIn(t, s.mustUser(t, "quantri", dept, auth.RoleAdmin))
	admin.get(t, "/users/new")
	rec := admin.post(t, "/users", "login", "moi", "full_name", "Người Mới", "unit_id", itoa64(dept.ID), "roles", "inspector")
	if rec.Code != http.StatusOK {
		t.Fatalf("create user: %d %s", rec.Code, rec.Body)
	}
	temp := regexp.MustCompile(`id="temp-password">([^<]+)<`).FindStringSubmatch(rec.Body.String())[1]

	c := signInForm(t, s.client(), "moi", temp, "")
	if rec := c.get(t, "/units"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/password" {
		t.Fatalf("with a temporary password: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := c.post(t, "/account/password", "current", temp, "password", "1234567890", "confirm", "1234567890"); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("common password accepted: %d", rec.Code)
	}
	newPw := "sông Hậu chảy qua Cần Thơ"
	if rec := c.post(t, "/account/password", "current", temp, "password", newPw, "confirm", newPw); rec.Code != http.StatusSeeOther {
		t.Fatalf("change password: %d %s", rec.Code, rec.Body)
	}
	if rec := c.get(t, "/units"); rec.Code != http.StatusOK {
		t.Fatalf("after the change, within the grace: %d", rec.Code)
	}
	clock.Advance(73 * time.Hour) // the session is over too; sign in again after the grace
	c = signInForm(t, s.client(), "moi", newPw, "")
	if rec := c.get(t, "/units"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/mfa" {
		t.Fatalf("after the grace without a second factor: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	enrol(t, s, c)
	if rec := c.get(t, "/units"); rec.Code != http.StatusOK {
		t.Fatalf("after enrolment: %d", rec.Code)
	}
}
