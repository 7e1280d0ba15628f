package web

import (
	"net/http"
	"strings"
	"testing"
)

func TestSignInAndOut(t *testing.T) {
	s := mustServer(t)
	dept := s.mustUnit(t, nil, "D1")
	s.mustUser(t, "ketoan", dept, "finance_officer")
	c := s.client()

	rec := c.get(t, "/")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" {
		t.Fatalf("home when signed out: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = c.get(t, "/login?next=/units")
	if rec.Code != http.StatusOK || c.csrf == "" {
		t.Fatalf("login page: %d, csrf %q", rec.Code, c.csrf)
	}
	rec = c.post(t, "/login", "login", "ketoan", "password", testPassword, "next", "/units")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/units" {
		t.Fatalf("sign in: %d → %q: %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	rec = c.get(t, "/units")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "ketoan") {
		t.Fatalf("units after sign-in: %d", rec.Code)
	}
	rec = c.post(t, "/logout")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	if rec := c.get(t, "/units"); rec.Code != http.StatusSeeOther {
		t.Fatalf("units after logout: %d", rec.Code)
	}
}
