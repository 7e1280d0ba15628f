package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/lib/pq"

	"congquy/internal/auth"
	"congquy/internal/org"
)

// Every response carries the security headers, error pages included (TESTING.md row 21).
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s := mustServer(t)
	for _, target := range []string{"/", "/units", "/healthz", "/no-such-page", "/static/app.css", "/api/v1/nothing"} {
		rec := s.do(t, http.MethodGet, target, nil)
		h := rec.Header()
		checks := map[string]string{
			"Content-Security-Policy":   "frame-ancestors 'none'",
			"X-Content-Type-Options":    "nosniff",
			"Strict-Transport-Security": "max-age=",
			"Referrer-Policy":           "same-origin",
			"X-Frame-Options":           "DENY",
		}
		for name, want := range checks {
			if !strings.Contains(h.Get(name), want) {
				t.Errorf("%s: header %s = %q, want it to contain %q", target, name, h.Get(name), want)
			}
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("%s: CSP allows scripts from elsewhere: %q", target, h.Get("Content-Security-Policy"))
		}
		if h.Get("X-Request-ID") == "" {
			t.Errorf("%s: no request id", target)
		}
	}
}

func TestIncomingRequestIDIsIgnored(t *testing.T) {
	s := mustServer(t)
	rec := s.do(t, http.MethodGet, "/healthz", nil, "X-Request-ID", "forged\r\nline")
	if got := rec.Header().Get("X-Request-ID"); got == "" || strings.Contains(got, "forged") {
		t.Fatalf("request id = %q", got)
	}
}

func TestErrorsByWhatTheClientAccepts(t *testing.T) {
	s := mustServer(t)
	rec := s.do(t, http.MethodGet, "/no-such-page", nil, "Accept", "text/html")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("html 404: status %d type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	mustContain(t, rec, "Không tìm thấy", rec.Header().Get("X-Request-ID"))

	rec = s.do(t, http.MethodGet, "/no-such-page", nil, "Accept", "application/json")
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusNotFound {
		t.Fatalf("json 404: status %d body %s", rec.Code, rec.Body)
	}
	if body.Error.Code != "not_found" || body.Error.RequestID != rec.Header().Get("X-Request-ID") {
		t.Fatalf("json error body = %+v", body)
	}

	rec = s.do(t, http.MethodGet, "/no-such-page", nil, "HX-Request", "true")
	if rec.Header().Get("HX-Retarget") != "#alerts" || strings.Contains(rec.Body.String(), "<html") {
		t.Fatalf("htmx error: retarget %q, body %s", rec.Header().Get("HX-Retarget"), rec.Body)
	}
}

// A database failure shows a generic page with the request id, never the cause.
func TestInternalErrorShowsOnlyRequestID(t *testing.T) {
	s := mustServer(t)
	dept := s.mustUnit(t, nil, "D1")
	c := s.signedIn(t, s.mustUser(t, "u1", dept, auth.RoleInspector))
	s.store.Close() // every query now fails
	rec := c.do(t, http.MethodGet, "/units", "", "Accept", "text/html")
	if rec.Code < 500 {
		t.Fatalf("status %d, want 5xx", rec.Code)
	}
	body := rec.Body.String()
	for _, leak := range []string{"sql:", "pq:", "database is closed", "goroutine"} {
		if strings.Contains(body, leak) {
			t.Fatalf("error page leaks %q: %s", leak, body)
		}
	}
	mustContain(t, rec, rec.Header().Get("X-Request-ID"))
	if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatal("error page without CSP")
	}
}

func TestPanicIsRecovered(t *testing.T) {
	s := mustServer(t)
	s.Echo().GET("/test-panic", func(c echoContext) error { panic("boom") })
	rec := s.do(t, http.MethodGet, "/test-panic", nil, "Accept", "application/json")
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("panic: status %d body %s", rec.Code, rec.Body)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	s := mustServer(t)
	if rec := s.do(t, http.MethodGet, "/healthz", nil); rec.Code != http.StatusOK {
		t.Fatalf("healthz %d", rec.Code)
	}
	if rec := s.do(t, http.MethodGet, "/readyz", nil); rec.Code != http.StatusOK {
		t.Fatalf("readyz %d: %s", rec.Code, rec.Body)
	}
	s.store.Close()
	if rec := s.do(t, http.MethodGet, "/readyz", nil); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database gone: %d", rec.Code)
	}
}

func TestMetricsOnlyFromAllowedNetworks(t *testing.T) {
	s := mustServer(t)
	s.do(t, http.MethodGet, "/healthz", nil)
	rec := s.do(t, http.MethodGet, "/metrics", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "congquy_http_requests_total") {
		t.Fatalf("metrics from loopback: %d", rec.Code)
	}
	req := httptestRequest(http.MethodGet, "/metrics")
	req.RemoteAddr = "203.0.113.5:1234"
	rec2 := record(s, req)
	if rec2.Code != http.StatusNotFound {
		t.Fatalf("metrics from a public address: %d", rec2.Code)
	}
}

func TestPagesInBothLanguages(t *testing.T) {
	s := mustServer(t)
	ctx := context.Background()
	dept, err := s.store.CreateUnit(ctx, auth.System("test"), org.NewUnit{Code: "D1", Kind: org.KindDepartment, NameVI: "Cục Mẫu", NameEN: "Sample Department"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.CreateUnit(ctx, auth.System("test"), org.NewUnit{ParentID: &dept.ID, Code: "O1", Kind: org.KindOffice, NameVI: "Phòng <Mẫu>", NameEN: "Office"}); err != nil {
		t.Fatal(err)
	}
	c := s.signedIn(t, s.mustUser(t, "u1", dept, auth.RoleInspector))
	rec := c.get(t, "/units")
	mustContain(t, rec, `lang="vi"`, "Cục Mẫu", "Phòng &lt;Mẫu&gt;", "Hiển thị 1–2 / 2")
	// The signed-in user's language is remembered in its account.
	if rec := c.post(t, "/lang", "lang", "en", "next", "/units"); rec.Code != http.StatusSeeOther {
		t.Fatalf("switch language: %d", rec.Code)
	}
	rec = c.get(t, "/units")
	mustContain(t, rec, `lang="en"`, "Sample Department", "Showing 1–2 of 2")
	rec = c.get(t, "/units?q=O1", "HX-Request", "true", "HX-Target", "unit-rows")
	if strings.Contains(rec.Body.String(), "<html") || !strings.Contains(rec.Body.String(), "O1") {
		t.Fatalf("htmx fragment: %s", rec.Body)
	}
	rec = c.get(t, "/")
	mustContain(t, rec, "Overview", ">2<")
}

func TestSwitchLanguage(t *testing.T) {
	s := mustServer(t)
	c := s.client()
	c.get(t, "/login")
	rec := c.post(t, "/lang", "lang", "en", "next", "/units")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/units" {
		t.Fatalf("switch: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if ck := rec.Header().Get("Set-Cookie"); !strings.Contains(ck, langCookie+"=en") || !strings.Contains(ck, "HttpOnly") {
		t.Fatalf("cookie %q", ck)
	}
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""} {
		if got := localPath(next); got != "/" {
			t.Errorf("localPath(%q) = %q, want /", next, got)
		}
	}
	if got := localPath("/units?q=a"); got != "/units?q=a" {
		t.Errorf("localPath kept %q", got)
	}
}

func TestBodyLimit(t *testing.T) {
	s := mustServer(t)
	big := strings.Repeat("a", defaultBodyLimit+1)
	rec := s.do(t, http.MethodPost, "/lang", strings.NewReader("lang="+big), "Content-Type", "application/x-www-form-urlencoded")
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("oversized body: status %d", rec.Code)
	}
}

func TestEveryRouteHasAPermission(t *testing.T) {
	s := mustServer(t)
	perms := s.RoutePermissions()
	for _, r := range s.Echo().Routes() {
		if r.Path == "/test-panic" {
			continue
		}
		if _, ok := perms[r.Method+" "+r.Path]; !ok {
			t.Errorf("route %s %s registered outside routes()", r.Method, r.Path)
		}
	}
}

// X-Forwarded-For is believed only from a configured proxy (the audit trail records
// the client address).
func TestClientAddressFromTrustedProxiesOnly(t *testing.T) {
	trusted, _ := netip.ParsePrefix("10.0.0.0/8")
	cases := []struct {
		name    string
		proxies []netip.Prefix
		remote  string
		want    string
	}{
		{"no proxies configured", nil, "10.1.1.1:1", "10.1.1.1"},
		{"from a trusted proxy", []netip.Prefix{trusted}, "10.1.1.1:1", "198.51.100.7"},
		{"from an untrusted peer", []netip.Prefix{trusted}, "203.0.113.9:1", "203.0.113.9"},
	}
	for _, c := range cases {
		e := echo.New()
		e.IPExtractor = ipExtractor(c.proxies)
		req := httptestRequest(http.MethodGet, "/")
		req.RemoteAddr = c.remote
		req.Header.Set("X-Forwarded-For", "198.51.100.7")
		if got := e.IPExtractor(req); got != c.want {
			t.Errorf("%s: client = %s, want %s", c.name, got, c.want)
		}
	}
}

// A request the client abandoned is not the server's failure: whatever error the handler
// then returns (the driver's "canceling statement due to user request" among them), it is
// recorded as 499 and never logged as an internal error.
func TestAbandonedRequestIsNotAnError(t *testing.T) {
	s := mustServer(t)
	s.Echo().GET("/test-abandoned", func(c echoContext) error {
		return &pq.Error{Code: "57014", Message: "canceling statement due to user request"}
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/test-abandoned", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != 499 {
		t.Errorf("status %d, want 499", rec.Code)
	}
	if logs := s.logs.String(); strings.Contains(logs, "internal error") || strings.Contains(logs, `"status":503`) {
		t.Errorf("an abandoned request was logged as a failure:\n%s", logs)
	}
}
