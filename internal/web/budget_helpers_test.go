package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/demo"
	"congquy/internal/money"
	"congquy/internal/store"
)

// budgetServer is a server on a database with the demo data. Requests act as the demo
// users, as production does: pages through a signed-in session (with its CSRF token), the
// JSON API with the user's own API token.
type budgetServer struct {
	*testServer
	dept   int64
	office int64

	mu      sync.Mutex
	users   map[string]auth.User
	clients map[string]*client
	tokens  map[string]string
}

// The demo users the budget tests act as (internal/demo): a finance officer, a chief
// accountant, an inspector and an administrator of the department, and the finance
// officer of its first office.
const (
	loginOfficer   = "ketoan.ct"
	loginChief     = "ktt.ct"
	loginInspector = "thanhtra.ct"
	loginAdmin     = "quantri.ct"
	loginKV1       = "ketoan.kv1"
	loginChiefKV1  = "ktt.kv1"
)

func mustBudgetServer(t *testing.T) *budgetServer {
	t.Helper()
	s := mustServer(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s.store, demo.Seed); err != nil {
		t.Fatalf("demo: %v", err)
	}
	b := &budgetServer{testServer: s, users: map[string]auth.User{}, clients: map[string]*client{}, tokens: map[string]string{}}
	db := sqlx.MustOpen("postgres", s.owner)
	defer db.Close()
	if err := db.Get(&b.dept, `SELECT id FROM units WHERE code = 'CT-THADS'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&b.office, `SELECT id FROM units WHERE code = 'CT-THADS-KV1'`); err != nil {
		t.Fatal(err)
	}
	return b
}

// user returns the demo user with the login.
func (b *budgetServer) user(t *testing.T, login string) auth.User {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if u, ok := b.users[login]; ok {
		return u
	}
	var id int64
	if err := b.store.DB().GetContext(context.Background(), &id, `SELECT id FROM users WHERE login = $1`, login); err != nil {
		t.Fatalf("demo user %s: %v", login, err)
	}
	u, _, err := b.store.SessionUser(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	b.users[login] = u
	return u
}

// actor returns the demo user's actor as a session builds it (grants and subtrees), for
// setting up records through the store.
func (b *budgetServer) actor(t *testing.T, login string) auth.Actor {
	t.Helper()
	u, subtrees, err := b.store.SessionUser(context.Background(), b.user(t, login).ID)
	if err != nil {
		t.Fatal(err)
	}
	a := u.Actor("", "")
	a.Subtrees = subtrees
	return a
}

// fundedLine opens a line of the unit on the tiểu mục and gives it an approved estimate,
// as the demo finance officer and chief accountant of the department.
func (b *budgetServer) fundedLine(t *testing.T, unit int64, item string, amount int64) budget.Line {
	t.Helper()
	ctx := context.Background()
	l, err := b.store.CreateLine(ctx, b.actor(t, loginOfficer), budget.NewLine{UnitID: unit, FiscalYear: 2026, FundingType: budget.NonAutonomous,
		Classification: budget.Classification{Chapter: "014", Subsection: "341", Item: item, Source: "01", Level: 1}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.store.DraftDecision(ctx, b.actor(t, loginOfficer), budget.NewDecision{UnitID: unit, FiscalYear: 2026, Kind: budget.DecisionIncrease,
		DecisionNo: "QĐ-TEST", DecisionDate: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), Total: money.FromInt64(amount),
		Lines: []budget.DecisionLine{{LineID: l.ID, Amount: money.FromInt64(amount)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.ApproveDecision(ctx, b.actor(t, loginChief), d.ID); err != nil {
		t.Fatal(err)
	}
	if l, err = b.store.Line(ctx, auth.System("test"), auth.PermBudgetView, l.ID); err != nil {
		t.Fatal(err)
	}
	return l
}

// session returns the signed-in browser session of the user (one per user).
func (b *budgetServer) session(t *testing.T, login string) *client {
	t.Helper()
	u := b.user(t, login)
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.clients[login]; ok {
		return c
	}
	c := b.signedIn(t, u)
	b.clients[login] = c
	return c
}

// token returns an API token of the user, created as the user would on /account/tokens.
func (b *budgetServer) token(t *testing.T, login string) string {
	t.Helper()
	u := b.user(t, login)
	b.mu.Lock()
	defer b.mu.Unlock()
	if tok, ok := b.tokens[login]; ok {
		return tok
	}
	plain, hash, prefix := auth.NewAPIToken()
	if _, err := b.store.CreateAPIToken(context.Background(), u.Actor("", ""), store.NewAPIToken{Name: "test", Days: 30}, hash, prefix); err != nil {
		t.Fatal(err)
	}
	b.tokens[login] = plain
	return plain
}

// as sends a page request as the user, in its session: a GET, or a POST of the form
// fields in body (with the session's CSRF token).
func (b *budgetServer) as(t *testing.T, login, method, target string, body ...string) *httptestRecorder {
	t.Helper()
	c := b.session(t, login)
	if method == http.MethodPost {
		return c.post(t, target, body...)
	}
	return c.do(t, method, target, "")
}

// asRaw sends a page request with a body of its own type (multipart uploads) as the user.
func (b *budgetServer) asRaw(t *testing.T, login, method, target string, body io.Reader, contentType string) *httptestRecorder {
	t.Helper()
	c := b.session(t, login)
	raw, _ := io.ReadAll(body)
	return c.do(t, method, target, string(raw), "Content-Type", contentType, csrfHeader, c.csrf)
}

type httptestRecorder = httptest.ResponseRecorder
