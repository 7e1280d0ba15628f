package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/demo"
)

// budgetServer is a server on a database with the demo data and a few users; a request
// acts as the user named by its X-Test-Actor header (test-only: identity will bring
// sessions and tokens).
type budgetServer struct {
	*testServer
	actors map[string]*auth.Actor
	dept   int64
	office int64
}

func mustBudgetServer(t *testing.T) *budgetServer {
	t.Helper()
	s := mustServer(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s.store, demo.Seed); err != nil {
		t.Fatalf("demo: %v", err)
	}
	b := &budgetServer{testServer: s, actors: map[string]*auth.Actor{}}
	db, err := sqlx.Open("postgres", s.owner)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Get(&b.dept, `SELECT id FROM units WHERE code = 'CT-THADS'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&b.office, `SELECT id FROM units WHERE code = 'CT-THADS-KV1'`); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		login string
		unit  int64
		roles []auth.Role
	}{
		{"ketoan", b.dept, []auth.Role{auth.RoleFinanceOfficer}},
		{"ketoantruong", b.dept, []auth.Role{auth.RoleChiefAccountant}},
		{"thanhtra", b.dept, []auth.Role{auth.RoleInspector}},
		{"quantri", b.dept, []auth.Role{auth.RoleAdmin}},
		{"ketoan-kv1", b.office, []auth.Role{auth.RoleFinanceOfficer}},
	} {
		a := &auth.Actor{Login: u.login, UnitID: u.unit, Lang: "vi"}
		if err := db.Get(&a.UserID, `INSERT INTO users (unit_id, login, full_name) VALUES ($1, $2, $2) RETURNING id`, u.unit, u.login); err != nil {
			t.Fatal(err)
		}
		for _, r := range u.roles {
			db.MustExec(`INSERT INTO user_roles (user_id, role, unit_id) VALUES ($1, $2, $3)`, a.UserID, r, u.unit)
			a.Grants = append(a.Grants, auth.Grant{Role: r, UnitID: u.unit})
		}
		b.actors[u.login] = a
	}
	s.e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			login := c.Request().Header.Get("X-Test-Actor")
			if ck, err := c.Cookie("congquy_test_actor"); err == nil && login == "" {
				login = ck.Value // the browser tests sign in this way
			}
			if a, ok := b.actors[login]; ok {
				c.Set(ctxActor, a)
			}
			return next(c)
		}
	})
	return b
}

// as sends a request as the named user.
func (b *budgetServer) as(t *testing.T, login, method, target string, body ...string) *httptestRecorder {
	t.Helper()
	var r *httptestRecorder
	if len(body) > 0 {
		rd, k, v := formBody(body...)
		r = b.do(t, method, target, rd, k, v, "X-Test-Actor", login)
	} else {
		r = b.do(t, method, target, nil, "X-Test-Actor", login)
	}
	return r
}

var _ = http.MethodGet

type httptestRecorder = httptest.ResponseRecorder

// formBody encodes key/value pairs as a form body, values escaped.
func formBody(kv ...string) (io.Reader, string, string) {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return strings.NewReader(v.Encode()), "Content-Type", "application/x-www-form-urlencoded"
}
