package web

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"congquy/internal/auth"
)

// TESTING.md row 18: ids of other units are not found (the matrix covers every route with
// an id); fields a request may not set — unit_id outside the scope, created_by, status,
// approved_by, ids, flags — are refused or ignored.
func TestMassAssignmentIsIgnored(t *testing.T) {
	s := mustServer(t)
	ctx := context.Background()
	dept := s.mustUnit(t, nil, "D1")
	own := s.mustUnit(t, &dept, "O1")
	sister := s.mustUnit(t, &dept, "O2")
	adminUser := s.mustUser(t, "quantri.o1", own, auth.RoleAdmin)
	stranger := s.mustUser(t, "nguoi.o2", sister, auth.RoleFinanceOfficer)
	admin := s.signedIn(t, adminUser)
	admin.get(t, "/users/new")
	forbidden := []string{"created_by", "1", "status", "disabled", "approved_by", "1", "id", "424242",
		"must_change_password", "false", "disabled_at", "2020-01-01", "session_epoch", "99", "user_id", itoa64(stranger.ID)}

	// A user created in the admin's own office; the extra fields change nothing.
	rec := admin.post(t, "/users", append([]string{"login", "moi", "full_name", "Người Mới", "unit_id", itoa64(own.ID), "roles", "inspector"}, forbidden...)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	c, err := s.store.Credentials(ctx, "moi")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 424242 || c.Disabled() || !c.MustChangePassword || c.SessionEpoch != 1 || c.UnitID != own.ID {
		t.Fatalf("forbidden fields were assigned: %+v", c.User)
	}
	var creator string
	if err := s.store.DB().Get(&creator, `SELECT actor_login FROM audit_events WHERE action = 'create' AND entity = 'user' AND entity_id = $1`, itoa64(c.ID)); err != nil || creator != "quantri.o1" {
		t.Fatalf("created by %q (%v), want the session's user", creator, err)
	}

	// unit_id of another office is refused as not found, and nothing is created.
	rec = admin.post(t, "/users", "login", "lac", "full_name", "Lạc", "unit_id", itoa64(sister.ID))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("create in a sibling office: %d", rec.Code)
	}
	if _, err := s.store.Credentials(ctx, "lac"); err == nil {
		t.Fatal("a user was created outside the admin's scope")
	}
	// Moving a user of its scope to a unit outside it is refused the same way.
	admin.get(t, "/users/"+itoa64(c.ID)+"/edit")
	if rec := admin.post(t, "/users/"+itoa64(c.ID), "full_name", "X", "unit_id", itoa64(dept.ID)); rec.Code != http.StatusNotFound {
		t.Fatalf("move to the parent department: %d", rec.Code)
	}
	// Roles on units outside the scope are refused; the status fields of an edit are ignored.
	if rec := admin.post(t, "/users/"+itoa64(c.ID)+"/roles", "grant", "admin:"+itoa64(dept.ID)); rec.Code != http.StatusNotFound {
		t.Fatalf("grant on the parent department: %d", rec.Code)
	}
	rec = admin.post(t, "/users/"+itoa64(c.ID), append([]string{"full_name", "Tên Mới", "unit_id", itoa64(own.ID)}, forbidden...)...)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", rec.Code, rec.Body)
	}
	after, _, _ := s.store.SessionUser(ctx, c.ID)
	if after.Disabled() || after.FullName != "Tên Mới" || after.SessionEpoch != 1 {
		t.Fatalf("edit assigned forbidden fields: %+v", after)
	}

	// An API token always belongs to the session's user, whatever user_id says.
	admin.get(t, "/account/tokens")
	rec = admin.post(t, "/account/tokens", append([]string{"name", "kịch bản", "days", "30"}, forbidden...)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("create token: %d", rec.Code)
	}
	plain := regexp.MustCompile(`id="new-token">([^<]+)<`).FindStringSubmatch(rec.Body.String())[1]
	me := s.client().do(t, http.MethodGet, "/api/v1/me", "", "Authorization", "Bearer "+plain)
	var who struct {
		UserID int64 `json:"user_id"`
	}
	if err := json.Unmarshal(me.Body.Bytes(), &who); err != nil || who.UserID != adminUser.ID {
		t.Fatalf("token acts as %d (%v), want %d", who.UserID, err, adminUser.ID)
	}
}

// The API accepts only bearer tokens: they act as their user with its current roles, a
// read-only one cannot write, a revoked or expired one or a disabled user's is refused,
// and a session cookie opens nothing there.
func TestAPITokens(t *testing.T) {
	clock := newClock()
	s := mustServerWith(t, clock)
	ctx := context.Background()
	dept := s.mustUnit(t, nil, "D1")
	u := s.mustUser(t, "ketoan", dept, auth.RoleFinanceOfficer)
	c := s.signedIn(t, u)
	c.get(t, "/account/tokens")
	newToken := func(extra ...string) (string, string) {
		rec := c.post(t, "/account/tokens", append([]string{"name", "máy chủ báo cáo", "days", "30"}, extra...)...)
		m := regexp.MustCompile(`id="new-token">([^<]+)<`).FindStringSubmatch(rec.Body.String())
		if m == nil {
			t.Fatalf("no token shown: %d %s", rec.Code, rec.Body)
		}
		ids := regexp.MustCompile(`/account/tokens/(\d+)/revoke`).FindAllStringSubmatch(rec.Body.String(), -1)
		return m[1], ids[0][1] // the newest is listed first
	}
	call := func(method, token string, headers ...string) int {
		if token != "" {
			headers = append(headers, "Authorization", "Bearer "+token)
		}
		return s.client().do(t, method, "/api/v1/me", "", headers...).Code
	}
	tok, id := newToken()
	if code := call(http.MethodGet, tok); code != http.StatusOK {
		t.Fatalf("GET with the token: %d", code)
	}
	if code := call(http.MethodGet, ""); code != http.StatusUnauthorized {
		t.Fatalf("GET without a token: %d", code)
	}
	if code := c.do(t, http.MethodGet, "/api/v1/me", "").Code; code != http.StatusUnauthorized {
		t.Fatalf("GET with the session cookie only: %d", code)
	}
	wrong := tok[:len(tok)-1] + "A"
	if wrong == tok {
		wrong = tok[:len(tok)-1] + "B"
	}
	if code := call(http.MethodGet, wrong); code != http.StatusUnauthorized {
		t.Fatalf("GET with a wrong token: %d", code)
	}
	ro, _ := newToken("read_only", "1")
	if code := call(http.MethodPost, ro); code != http.StatusForbidden {
		t.Fatalf("POST with a read-only token: %d", code)
	}
	// The token list never shows a whole token again.
	if list := c.get(t, "/account/tokens").Body.String(); strings.Contains(list, tok) || strings.Contains(list, ro) {
		t.Fatal("the token list shows a token")
	}
	// Revoked: refused.
	if rec := c.post(t, "/account/tokens/"+id+"/revoke"); rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if code := call(http.MethodGet, tok); code != http.StatusUnauthorized {
		t.Fatalf("GET with a revoked token: %d", code)
	}
	// Expired: refused.
	if code := call(http.MethodGet, ro); code != http.StatusOK {
		t.Fatalf("GET with the read-only token: %d", code)
	}
	clock.Advance(31 * 24 * time.Hour)
	if code := call(http.MethodGet, ro); code != http.StatusUnauthorized {
		t.Fatalf("GET with an expired token: %d", code)
	}
	// A disabled user's tokens stop working.
	c = s.signedIn(t, u)
	c.get(t, "/account/tokens")
	live, _ := newToken()
	if err := s.store.SetUserDisabled(ctx, auth.System("test"), u.ID, true); err != nil {
		t.Fatal(err)
	}
	if code := call(http.MethodGet, live); code != http.StatusUnauthorized {
		t.Fatalf("GET with a disabled user's token: %d", code)
	}
}
