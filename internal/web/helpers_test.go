package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"congquy/internal/auth"
	"congquy/internal/config"
	"congquy/internal/store"
	"congquy/internal/testdb"
)

// testServer is a congquy server on a fresh database.
type testServer struct {
	*Server
	store *store.Store
	owner string
	actor *auth.Actor // set by actAs: every API request runs as this actor
	ui    *client     // set by actAs: pages are requested in this actor's session
	logs  *logBuffer  // everything the server logged
}

// mustServer builds a server on a fresh, migrated database with default configuration.
func mustServer(t *testing.T) *testServer {
	t.Helper()
	return mustServerWith(t, nil)
}

// mustServerWith is mustServer with a clock (nil: the real one) shared by the server and
// the store, for tests of timeouts and expiry.
func mustServerWith(t *testing.T, clock *fakeClock) *testServer {
	t.Helper()
	owner := testdb.New(t)
	var now func() time.Time
	if clock != nil {
		now = clock.Now
	}
	st, err := store.Open(context.Background(), store.AppURL(owner), store.Options{MaxConns: 8, Now: now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := config.Load(func(string) string { return "" })
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	s, err := New(Deps{Config: cfg, Store: st, Logger: slog.New(slog.NewJSONHandler(logs, nil)), Version: "test", Now: now})
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	return &testServer{Server: s, store: st, owner: owner, logs: logs}
}

// do sends a request and returns the recorded response.
func (s *testServer) do(t *testing.T, method, target string, body io.Reader, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	if s.ui != nil && !strings.HasPrefix(target, "/api/") {
		// Pages go through the signed-in session of actAs, with its CSRF token.
		var b []byte
		if body != nil {
			b, _ = io.ReadAll(body)
		}
		return s.ui.do(t, method, target, string(b), append([]string{csrfHeader, s.ui.csrf}, headers...)...)
	}
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = "127.0.0.1:40000"
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// mustContain fails unless the body contains every string.
func mustContain(t *testing.T, rec *httptest.ResponseRecorder, want ...string) {
	t.Helper()
	body := rec.Body.String()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("response (status %d) lacks %q", rec.Code, w)
		}
	}
}

var _ = http.MethodGet

type httpRecorder = httptest.ResponseRecorder

// form encodes key-value pairs as a form body and returns it with its content-type header.
func form(kv ...string) (io.Reader, string, string) {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return strings.NewReader(v.Encode()), "Content-Type", "application/x-www-form-urlencoded"
}
