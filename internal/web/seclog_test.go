package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"congquy/internal/auth"
)

// TESTING.md row 26: security events are logged with who, unit, UTC time and request id;
// CR/LF in what a client sends cannot forge a line; no password, code, secret or token
// reaches the logs or the audit trail; each event is in the audit trail too.
func TestSecurityEventsAreLoggedSafely(t *testing.T) {
	s := mustServer(t)
	dept := s.mustUnit(t, nil, "D1")
	officer := s.mustUser(t, "ketoan", dept, auth.RoleFinanceOfficer)
	admin := s.mustUser(t, "quantri", dept, auth.RoleAdmin)
	secrets := []string{testPassword}

	// A failed sign-in whose login tries to forge a log line.
	forged := "ketoan\r\n{\"level\":\"INFO\",\"msg\":\"security\",\"event\":\"login\",\"login\":\"forged\"}"
	c := s.client()
	c.get(t, "/login")
	c.post(t, "/login", "login", forged, "password", "sai "+testPassword)
	secrets = append(secrets, "sai "+testPassword)
	// A successful sign-in with the second factor, and what it creates.
	a := s.signedIn(t, admin)
	secret, codes := enrol(t, s, a)
	secrets = append(secrets, secret)
	secrets = append(secrets, codes...)
	code, _ := auth.TOTPCode(secret, s.now().Add(30*time.Second))
	codeAlone := regexp.MustCompile(`(^|[^0-9])` + code + `([^0-9]|$)`) // not inside a timestamp's digits
	signInForm(t, s.client(), "quantri", testPassword, code)
	a.get(t, "/account/tokens")
	rec := a.post(t, "/account/tokens", "name", "báo cáo", "days", "30")
	token := regexp.MustCompile(`id="new-token">([^<]+)<`).FindStringSubmatch(rec.Body.String())[1]
	secrets = append(secrets, token)
	s.client().do(t, http.MethodGet, "/api/v1/me", "", "Authorization", "Bearer "+token)
	// An authorization failure and a role change.
	o := s.signedIn(t, officer)
	denied := o.get(t, "/users")
	a.get(t, "/users/"+itoa64(officer.ID))
	a.post(t, "/users/"+itoa64(officer.ID)+"/roles", "grant", "inspector:"+itoa64(dept.ID))

	logs := s.logs.String()
	events := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("a log line is not one JSON object: %q", line)
		}
		if m["msg"] == "security" {
			ev, _ := m["event"].(string)
			if m["login"] == "forged" {
				t.Fatalf("a forged log line: %q", line)
			}
			events[ev] = m
		}
	}
	for _, ev := range []string{"login_failed", "login", "mfa_enrol", "token_create", "access_denied", "roles_change"} {
		m, ok := events[ev]
		if !ok {
			t.Errorf("no %s event logged", ev)
			continue
		}
		at, _ := m["at"].(string)
		if ts, err := time.Parse(time.RFC3339Nano, at); err != nil || !strings.HasSuffix(at, "Z") || ts.IsZero() {
			t.Errorf("%s: time %q is not UTC RFC 3339", ev, at)
		}
		for _, field := range []string{"request_id", "ip", "login", "user_id", "unit_id"} {
			if v, ok := m[field]; !ok || v == "" {
				t.Errorf("%s: no %s: %v", ev, field, m)
			}
		}
	}
	if l, _ := events["login_failed"]["login"].(string); strings.ContainsAny(l, "\r\n") || !strings.HasPrefix(l, "ketoan__") {
		t.Errorf("login_failed login = %q, want CR/LF neutralised", l)
	}
	if ev := events["access_denied"]; ev["request_id"] != denied.Header().Get("X-Request-ID") || ev["user_id"] != float64(officer.ID) || ev["unit_id"] != float64(dept.ID) {
		t.Errorf("access_denied event %v does not name the request and its user", ev)
	}
	var audit string
	if err := s.store.DB().Get(&audit, `SELECT string_agg(coalesce(before::text, '') || coalesce(after::text, '') || entity_id || actor_login, ' ') FROM audit_events`); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"login_failed", "login", "mfa_enrol", "token_create", "access_denied", "roles_change"} {
		var n int
		if err := s.store.DB().Get(&n, `SELECT count(*) FROM audit_events WHERE action = $1`, action); err != nil || n == 0 {
			t.Errorf("no %s audit event (%v)", action, err)
		}
	}
	if codeAlone.MatchString(logs) || codeAlone.MatchString(audit) {
		t.Errorf("the TOTP code %s reached the logs or the audit trail", code)
	}
	for _, sec := range secrets {
		if strings.Contains(logs, sec) {
			t.Errorf("a secret reached the logs: %q", sec)
		}
		if strings.Contains(audit, sec) {
			t.Errorf("a secret reached the audit trail: %q", sec)
		}
	}
}
