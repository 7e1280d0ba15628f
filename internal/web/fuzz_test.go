package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/config"
	"congquy/internal/org"
	"congquy/internal/store"
	"congquy/internal/testdb"
	"congquy/templates"
)

// FuzzPageParam: whatever ?page= and ?size= say, the page is within bounds and its
// offset cannot overflow.
// Run: go test -run='^$' -fuzz=FuzzPageParam -fuzztime=60s ./internal/web/
func FuzzPageParam(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "9223372036854775807", "9223372036854775808", "1e3", " 2", "+3", "٣"} {
		f.Add(s, "50")
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, page, size string) {
		q := url.Values{"page": {page}, "size": {size}}
		c := e.NewContext(httptest.NewRequest(http.MethodGet, "/?"+q.Encode(), nil), httptest.NewRecorder())
		p := pageParam(c)
		if p.Number < 1 || p.Number > store.MaxPageNumber || p.Size < 1 || p.Size > store.MaxPageSize {
			t.Fatalf("page %q size %q gave %+v", page, size, p)
		}
		pg := newPager(c, p, 1_000_000)
		if pg.First < 0 || pg.Last < 0 || pg.Pages < 0 {
			t.Fatalf("pager %+v", pg)
		}
	})
}

// FuzzFilters: any value in every filter of every list page (routes from the router,
// filter names from the templates) gives a page or a clear refusal, never a server error.
// Run: go test -run='^$' -fuzz=FuzzFilters -fuzztime=60s ./internal/web/
func FuzzFilters(f *testing.F) {
	for _, v := range hostileFilterValues {
		f.Add(v)
	}
	s, cookie := fuzzServer(f)
	var paths []string
	for _, p := range s.concreteRoutes(http.MethodGet, 1) {
		if !strings.Contains(p, "/static/") {
			paths = append(paths, p)
		}
	}
	var names []string
	re := regexp.MustCompile(`name="([a-z_]+)"`)
	_ = fsWalk(templates.FS, func(_ string, data []byte) {
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			names = append(names, m[1])
		}
	})
	names = append(names, "page", "size", "id")
	f.Fuzz(func(t *testing.T, v string) {
		q := url.Values{}
		for _, n := range names {
			q.Set(n, v)
		}
		for _, p := range paths {
			req := httptest.NewRequest(http.MethodGet, p+"?"+q.Encode(), nil)
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("GET %s with every filter %q: %d", p, v, rec.Code)
			}
		}
	})
}

// fuzzServer is a server on a fresh database with a user holding every role, and that
// user's session cookie; it lives as long as the fuzz target.
func fuzzServer(f *testing.F) (*testServer, *http.Cookie) {
	owner := testdb.New(f)
	ctx := context.Background()
	st, err := store.Open(ctx, store.AppURL(owner), store.Options{MaxConns: 4})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	cfg := config.Load(func(string) string { return "" })
	srv, err := New(Deps{Config: cfg, Store: st, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Version: "fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	unit, err := st.CreateUnit(ctx, auth.System("fuzz"), org.NewUnit{Code: "D1", Kind: org.KindDepartment, NameVI: "Cục", NameEN: "Dept"})
	if err != nil {
		f.Fatal(err)
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		f.Fatal(err)
	}
	u, err := st.CreateUser(ctx, auth.System("fuzz"), auth.UserForm{Login: "tatca", FullName: "Tất cả", UnitID: unit.ID, Roles: auth.Roles, Chosen: true}, hash)
	if err != nil {
		f.Fatal(err)
	}
	sm := srv.id.sessions
	sctx, err := sm.Load(ctx, "")
	if err != nil {
		f.Fatal(err)
	}
	now := time.Now().UnixNano()
	sm.Put(sctx, sessUser, u.ID)
	sm.Put(sctx, sessEpoch, u.SessionEpoch)
	sm.Put(sctx, sessStart, now)
	sm.Put(sctx, sessSeen, now)
	sm.Put(sctx, sessCSRF, newToken())
	token, _, err := sm.Commit(sctx)
	if err != nil {
		f.Fatal(err)
	}
	return &testServer{Server: srv, store: st, owner: owner}, &http.Cookie{Name: sessionCookie, Value: token}
}
