package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"congquy/internal/auth"
	"congquy/internal/org"
)

// TestMain makes password hashing cheap for the web tests, which create many users; the
// production parameters are tested in internal/auth.
func TestMain(m *testing.M) {
	auth.PasswordParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	os.Exit(m.Run())
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuffer collects the server's log lines for tests of what is logged.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mustUnit creates a unit (under parent, or a root) or fails the test.
func (s *testServer) mustUnit(t *testing.T, parent *org.Unit, code string) org.Unit {
	t.Helper()
	n := org.NewUnit{Code: code, Kind: org.KindDepartment, NameVI: "Đơn vị " + code, NameEN: "Unit " + code}
	if parent != nil {
		n.ParentID, n.Kind = &parent.ID, org.KindOffice
	}
	u, err := s.store.CreateUnit(context.Background(), auth.System("test"), n)
	if err != nil {
		t.Fatalf("create unit %s: %v", code, err)
	}
	return u
}

// testPassword is the password of every user mustUser creates.
const testPassword = "một câu mật khẩu đủ dài"

// mustUser creates a user with roles on its own unit and the password testPassword,
// chosen (no change required at first sign-in).
func (s *testServer) mustUser(t *testing.T, login string, unit org.Unit, roles ...auth.Role) auth.User {
	t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.store.CreateUser(context.Background(), auth.System("test"), auth.UserForm{
		Login: login, FullName: "Người dùng " + login, UnitID: unit.ID, Roles: roles, Chosen: true,
	}, hash)
	if err != nil {
		t.Fatalf("create user %s: %v", login, err)
	}
	return u
}

// client is a browser-like session for tests: it keeps cookies and the CSRF token.
type client struct {
	s       *testServer
	cookies map[string]string
	csrf    string
}

func (s *testServer) client() *client { return &client{s: s, cookies: map[string]string{}} }

// signedIn returns a client whose session belongs to u, made directly in the session store
// (as the sign-in handler would), so tests of other things need not sign in through forms.
func (s *testServer) signedIn(t *testing.T, u auth.User) *client {
	t.Helper()
	sm := s.id.sessions
	ctx, err := sm.Load(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	now := s.now().UnixNano()
	c := s.client()
	c.csrf = newToken()
	sm.Put(ctx, sessUser, u.ID)
	sm.Put(ctx, sessEpoch, u.SessionEpoch)
	sm.Put(ctx, sessStart, now)
	sm.Put(ctx, sessSeen, now)
	sm.Put(ctx, sessCSRF, c.csrf)
	token, _, err := sm.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.cookies[sessionCookie] = token
	return c
}

// do sends a request with the client's cookies; a POST carries the CSRF token unless the
// test passes its own "csrf" form field or header. It keeps the cookies the response sets.
func (c *client) do(t *testing.T, method, target, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.RemoteAddr = "127.0.0.1:40000"
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for name, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: v})
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	c.s.Handler().ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return rec
}

// post sends a form with the client's CSRF token.
func (c *client) post(t *testing.T, target string, kv ...string) *httptest.ResponseRecorder {
	t.Helper()
	return c.do(t, http.MethodPost, target, encodeForm(append([]string{"csrf", c.csrf}, kv...)...))
}

// get fetches a page and remembers the CSRF token it carries.
func (c *client) get(t *testing.T, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	rec := c.do(t, http.MethodGet, target, "", headers...)
	if tok := formToken(rec.Body.String()); tok != "" {
		c.csrf = tok
	}
	return rec
}

// formToken finds the CSRF token in a page.
func formToken(html string) string {
	const mark = `name="csrf" value="`
	i := strings.Index(html, mark)
	if i < 0 {
		return ""
	}
	rest := html[i+len(mark):]
	return rest[:strings.IndexByte(rest, '"')]
}

func encodeForm(kv ...string) string {
	v := make([]string, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		v = append(v, url.QueryEscape(kv[i])+"="+url.QueryEscape(kv[i+1]))
	}
	return strings.Join(v, "&")
}
