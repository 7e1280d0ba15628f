package web

// The authorization matrix (TESTING.md rows 17 and 18): every route the router knows ×
// every role × {own unit, sibling office, parent department}, against the expectations
// declared below, one line per route. A route without a line fails the test, and so does
// a line without a route.
//
// Adding a route: add one line to expectations with who may use it and, if its path has
// parameters naming a record, the fixture that makes a record in a given unit (add it to
// fixtures). The test then checks that a record of the actor's own unit is reachable and
// that records of the sibling office and of the parent department give 404 to an office
// actor, and that roles without access get 403.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/ledger"
	"congquy/internal/money"
	"congquy/internal/org"
	"congquy/internal/store"
)

// who may use a route.
type who struct {
	public   bool        // anyone, signed in or not
	signedIn bool        // any signed-in user
	roles    []auth.Role // users holding one of these roles (in scope)
}

var (
	anyone   = who{public: true}
	signedIn = who{signedIn: true}
)

func roles(r ...auth.Role) who { return who{roles: r} }

const (
	fo    = auth.RoleFinanceOfficer
	chief = auth.RoleChiefAccountant
	am    = auth.RoleAssetManager
	insp  = auth.RoleInspector
	admin = auth.RoleAdmin
)

var allRoles = roles(fo, chief, am, insp, admin)

// expectation says who may use one route. record names the fixture whose record of each
// unit fills the path's parameters; personal records belong to one user, so everyone
// else's are not found. lists names a fixture whose per-unit marker must appear in the
// page exactly for the units in the actor's scope.
type expectation struct {
	route    string
	who      who
	record   string
	personal bool
	lists    string
}

var expectations = []expectation{
	// Operations.
	{route: "GET /healthz", who: anyone},
	{route: "GET /readyz", who: anyone},
	{route: "GET /metrics", who: anyone},
	{route: "GET /static/*", who: anyone, record: "static"},

	// Pages for everyone.
	{route: "GET /", who: signedIn},
	{route: "POST /lang", who: anyone},

	// Organisation.
	{route: "GET /units", who: allRoles, lists: "unit"},

	// Identity.
	{route: "GET /login", who: anyone},
	{route: "POST /login", who: anyone},
	{route: "GET /login/mfa", who: anyone},
	{route: "POST /login/mfa", who: anyone},
	{route: "POST /logout", who: anyone},
	{route: "GET /account", who: signedIn},
	{route: "GET /account/mfa", who: signedIn},
	{route: "POST /account/mfa", who: signedIn},
	{route: "POST /account/mfa/recovery", who: signedIn},
	{route: "GET /account/password", who: signedIn},
	{route: "POST /account/password", who: signedIn},
	{route: "GET /account/tokens", who: signedIn},
	{route: "POST /account/tokens", who: signedIn},
	{route: "POST /account/tokens/:id/revoke", who: signedIn, record: "token", personal: true},
	{route: "GET /users", who: roles(admin), lists: "user"},
	{route: "POST /users", who: roles(admin)},
	{route: "GET /users/new", who: roles(admin)},
	{route: "GET /users/:id", who: roles(admin), record: "user"},
	{route: "POST /users/:id", who: roles(admin), record: "user"},
	{route: "GET /users/:id/disable", who: roles(admin), record: "user"},
	{route: "POST /users/:id/disable", who: roles(admin), record: "user"},
	{route: "GET /users/:id/edit", who: roles(admin), record: "user"},
	{route: "POST /users/:id/enable", who: roles(admin), record: "user"},
	{route: "GET /users/:id/reset", who: roles(admin), record: "user"},
	{route: "POST /users/:id/reset", who: roles(admin), record: "user"},
	{route: "POST /users/:id/roles", who: roles(admin), record: "user"},
	{route: "GET /api/v1/me", who: signedIn},

	// Ledger and the chart of accounts.
	{route: "GET /ledger/account-ledger", who: roles(fo, chief, insp)},
	{route: "GET /ledger/entries/:id", who: roles(fo, chief, insp), record: "entry"},
	{route: "POST /ledger/entries/:id/reverse", who: roles(chief), record: "entry"},
	{route: "GET /ledger/journal", who: roles(fo, chief, insp)},
	{route: "GET /ledger/periods", who: roles(fo, chief, insp)},
	{route: "POST /ledger/periods/acts/:id/decide", who: roles(chief), record: "reopening"},
	{route: "POST /ledger/periods/close", who: roles(chief)},
	{route: "POST /ledger/periods/reopen", who: roles(chief)},
	{route: "GET /ledger/trial-balance", who: roles(fo, chief, insp)},
	{route: "GET /reference/accounts", who: allRoles},
	{route: "POST /api/v1/journal", who: roles(chief)},
	{route: "POST /api/v1/journal/:id/reverse", who: roles(chief), record: "entry"},

	// Audit trail.
	{route: "GET /audit", who: roles(insp, admin)},
	{route: "GET /audit/history", who: roles(insp, admin)},
	{route: "GET /audit/verify", who: roles(insp, admin)},
	{route: "POST /audit/verify", who: roles(insp)},

	// Budget and expenditure.
	{route: "GET /budget/codes", who: allRoles},
	{route: "GET /budget/codes/import", who: roles(admin)},
	{route: "POST /budget/codes/import", who: roles(admin)},
	{route: "GET /budget/commitments", who: roles(fo, chief, insp)},
	{route: "POST /budget/commitments", who: roles(fo)},
	{route: "POST /budget/commitments/:id/approve", who: roles(chief), record: "commitment"},
	{route: "POST /budget/commitments/:id/reject", who: roles(chief), record: "commitment"},
	{route: "POST /budget/commitments/:id/release", who: roles(fo), record: "commitment"},
	{route: "GET /budget/decisions", who: roles(fo, chief, insp)},
	{route: "POST /budget/decisions", who: roles(fo)},
	{route: "GET /budget/decisions/new", who: roles(fo)},
	{route: "GET /budget/decisions/:id", who: roles(fo, chief, insp), record: "decision"},
	{route: "POST /budget/decisions/:id/approve", who: roles(chief), record: "decision"},
	{route: "POST /budget/decisions/:id/reject", who: roles(chief), record: "decision"},
	{route: "GET /budget/execution", who: roles(fo, chief, insp)},
	{route: "GET /budget/execution.xlsx", who: roles(fo, chief, insp)},
	{route: "GET /budget/lines", who: roles(fo, chief, insp)},
	{route: "POST /budget/lines", who: roles(fo)},
	{route: "GET /budget/norms", who: allRoles},
	{route: "GET /vouchers", who: roles(fo, chief, insp)},
	{route: "POST /vouchers", who: roles(fo)},
	{route: "GET /vouchers/new", who: roles(fo)},
	{route: "GET /vouchers/:id", who: roles(fo, chief, insp), record: "voucher"},
	{route: "POST /vouchers/:id", who: roles(fo), record: "voucher"},
	{route: "POST /vouchers/:id/approve", who: roles(chief), record: "voucher"},
	{route: "POST /vouchers/:id/attachments", who: roles(fo), record: "voucher"},
	{route: "GET /vouchers/:id/attachments/:aid", who: roles(fo, chief, insp), record: "attachment"},
	{route: "POST /vouchers/:id/attachments/:aid/delete", who: roles(fo), record: "attachment"},
	{route: "GET /vouchers/:id/edit", who: roles(fo), record: "voucher"},
	{route: "GET /vouchers/:id/norms", who: roles(insp), record: "voucher"},
	{route: "POST /vouchers/:id/reject", who: roles(chief), record: "voucher"},
	{route: "POST /vouchers/:id/reopen", who: roles(fo), record: "voucher"},
	{route: "POST /vouchers/:id/reverse", who: roles(chief), record: "voucher"},
	{route: "POST /vouchers/:id/submit", who: roles(fo), record: "voucher"},
	{route: "GET /api/v1/openapi.json", who: anyone},
	{route: "GET /api/v1/budget-lines", who: roles(fo, chief, insp)},
	{route: "POST /api/v1/budget-lines", who: roles(fo)},
	{route: "GET /api/v1/budget-lines/:id", who: roles(fo, chief, insp), record: "line"},
	{route: "GET /api/v1/vouchers", who: roles(fo, chief, insp)},
	{route: "POST /api/v1/vouchers", who: roles(fo)},
	{route: "GET /api/v1/vouchers/:id", who: roles(fo, chief, insp), record: "voucher"},
	{route: "POST /api/v1/vouchers/:id/approve", who: roles(chief), record: "voucher"},
	{route: "POST /api/v1/vouchers/:id/reject", who: roles(chief), record: "voucher"},
	{route: "POST /api/v1/vouchers/:id/reverse", who: roles(chief), record: "voucher"},
	{route: "POST /api/v1/vouchers/:id/submit", who: roles(fo), record: "voucher"},
}

// fixture makes (once) the record of its kind that belongs to unit and returns the
// route parameters naming it; the key "marker" is text that identifies the record in a list.
type fixture func(t *testing.T, m *matrix, unit org.Unit) map[string]string

var fixtures = map[string]fixture{
	"entry": func(t *testing.T, m *matrix, u org.Unit) map[string]string {
		p, err := m.s.store.PostManualEntry(context.Background(), auth.System("test"), ledger.Entry{
			UnitID: u.ID, Date: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), Memo: "fixture " + u.Code, SourceType: "manual", SourceID: u.Code,
			Lines: []ledger.Line{{Account: "611", Debit: money.FromInt64(1000)}, {Account: "112", Credit: money.FromInt64(1000)}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"id": strconv.FormatInt(p.ID, 10)}
	},
	"reopening": func(t *testing.T, m *matrix, u org.Unit) map[string]string {
		ctx, month := context.Background(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := m.s.store.ClosePeriod(ctx, auth.System("test"), u.ID, month); err != nil {
			t.Fatal(err)
		}
		act, err := m.s.store.ProposeReopen(ctx, auth.System("test"), u.ID, month, "fixture")
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"id": strconv.FormatInt(act.ID, 10)}
	},
	"static": func(*testing.T, *matrix, org.Unit) map[string]string { return map[string]string{"*": "app.css"} },
	"unit": func(_ *testing.T, _ *matrix, u org.Unit) map[string]string {
		return map[string]string{"id": strconv.FormatInt(u.ID, 10), "marker": u.Code}
	},
	"user": func(t *testing.T, m *matrix, u org.Unit) map[string]string {
		target := m.target(t, u)
		return map[string]string{"id": strconv.FormatInt(target.ID, 10), "marker": target.Login}
	},
	"token": func(t *testing.T, m *matrix, u org.Unit) map[string]string {
		target := m.target(t, u)
		_, hash, prefix := auth.NewAPIToken()
		tok, err := m.s.store.CreateAPIToken(context.Background(), target.Actor("", ""), store.NewAPIToken{Name: "fixture", Days: 30}, hash, prefix)
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"id": strconv.FormatInt(tok.ID, 10)}
	},
}

// Budget records of a unit, made by congquy itself (the maker is nobody, so every
// approver of the matrix may decide them): a budget line, a draft decision and a draft
// commitment on it, a draft voucher with a scanned attachment. (Registered in init:
// they use matrix.params, which reads fixtures.)
func init() {
	fixtures["line"] = func(t *testing.T, m *matrix, u org.Unit) map[string]string {
		ctx := context.Background()
		if _, err := m.s.store.LoadBuiltinReference(ctx, auth.System("test")); err != nil {
			t.Fatal(err)
		}
		l, err := m.s.store.CreateLine(ctx, auth.System("test"), budget.NewLine{UnitID: u.ID, FiscalYear: 2026, FundingType: budget.Autonomous,
			Classification: budget.Classification{Chapter: "014", Subsection: "341", Item: "6501", Source: "01", Level: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"id": strconv.FormatInt(l.ID, 10)}
	}
	fixtures["decision"] = func(t *testing.T, m *matrix, u org.Unit) map[string]string {
		line := int64Value(m.params(t, "line", u)["id"])
		d, err := m.s.store.DraftDecision(context.Background(), auth.System("test"), budget.NewDecision{UnitID: u.ID, FiscalYear: 2026,
			Kind: budget.DecisionEstimate, DecisionNo: "QĐ-" + u.Code, DecisionDate: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
			Total: money.FromInt64(1_000_000), Lines: []budget.DecisionLine{{LineID: line, Amount: money.FromInt64(1_000_000)}}})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"id": strconv.FormatInt(d.ID, 10)}
	}
	fixtures["commitment"] = func(t *testing.T, m *matrix, u org.Unit) map[string]string {
		line := int64Value(m.params(t, "line", u)["id"])
		c, err := m.s.store.DraftCommitment(context.Background(), auth.System("test"), budget.NewCommitment{UnitID: u.ID, BudgetLineID: line,
			ContractNo: "HĐ-" + u.Code, ContractDate: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Supplier: "Công ty Mẫu", Amount: money.FromInt64(500_000)})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"id": strconv.FormatInt(c.ID, 10)}
	}
	fixtures["voucher"] = func(t *testing.T, m *matrix, u org.Unit) map[string]string {
		line := int64Value(m.params(t, "line", u)["id"])
		v, err := m.s.store.CreateVoucher(context.Background(), auth.System("test"), budget.NewVoucher{UnitID: u.ID, FiscalYear: 2026,
			DocDate: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Payee: "Công ty Mẫu " + u.Code,
			Lines: []budget.VoucherLine{{BudgetLineID: line, Amount: money.FromInt64(100_000)}}})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"id": strconv.FormatInt(v.ID, 10)}
	}
	fixtures["attachment"] = func(t *testing.T, m *matrix, u org.Unit) map[string]string {
		ctx := context.Background()
		line := int64Value(m.params(t, "line", u)["id"])
		v, err := m.s.store.CreateVoucher(ctx, auth.System("test"), budget.NewVoucher{UnitID: u.ID, FiscalYear: 2026,
			DocDate: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Payee: "Công ty Mẫu " + u.Code,
			Lines: []budget.VoucherLine{{BudgetLineID: line, Amount: money.FromInt64(100_000)}}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := m.s.store.AddAttachment(ctx, auth.System("test"), v.ID, "hoa-don.pdf", []byte("%PDF-1.7\nfixture "+u.Code))
		if err != nil {
			t.Fatal(err)
		}
		// Submitted, so that deleting it is refused (409) and every actor meets it.
		if _, err := m.s.store.SubmitVoucher(ctx, auth.System("test"), v.ID); err != nil {
			t.Fatal(err)
		}
		return map[string]string{"id": strconv.FormatInt(v.ID, 10), "aid": strconv.FormatInt(a.ID, 10)}
	}
}

// matrix is the organisation the test runs in: a department with two offices, an actor
// per role in the first office and in the department, and target records in each unit.
type matrix struct {
	s                 *testServer
	dept, own, sister org.Unit
	targets           map[int64]auth.User
	tokens            map[int64]string
	cache             map[string]map[string]string
	keys              int // Idempotency-Keys sent so far
}

// target is a user of the unit that the tests act upon (never an actor).
func (m *matrix) target(t *testing.T, u org.Unit) auth.User {
	if x, ok := m.targets[u.ID]; ok {
		return x
	}
	x := m.s.mustUser(t, "target-"+strings.ToLower(u.Code), u, fo)
	m.targets[u.ID] = x
	return x
}

func (m *matrix) params(t *testing.T, kind string, u org.Unit) map[string]string {
	key := kind + "/" + u.Code
	if p, ok := m.cache[key]; ok {
		return p
	}
	f, ok := fixtures[kind]
	if !ok {
		t.Fatalf("no fixture %q", kind)
	}
	p := f(t, m, u)
	m.cache[key] = p
	return p
}

// actorCase is one actor of the matrix: a role held on its own unit, or nobody signed in.
type actorCase struct {
	name string
	role auth.Role // "" for the anonymous visitor
	user auth.User
	home org.Unit
}

// outcome is what a response means for authorization.
type outcome string

const (
	reached   outcome = "reached" // the handler ran (any success, or a refusal of the input)
	signIn    outcome = "sign-in" // 401, or a redirect to the sign-in page
	forbidden outcome = "403"
	notFound  outcome = "404"
	broken    outcome = "5xx"
)

func classify(rec *httptest.ResponseRecorder) outcome {
	switch {
	case rec.Code >= 500:
		return broken
	case rec.Code == http.StatusUnauthorized, rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/login"):
		return signIn
	case rec.Code == http.StatusForbidden:
		return forbidden
	case rec.Code == http.StatusNotFound:
		return notFound
	}
	return reached
}

func TestAuthorizationMatrix(t *testing.T) {
	s := mustServer(t)
	m := &matrix{s: s, targets: map[int64]auth.User{}, tokens: map[int64]string{}, cache: map[string]map[string]string{}}
	m.dept = s.mustUnit(t, nil, "MX-D")
	m.own = s.mustUnit(t, &m.dept, "MX-O1")
	m.sister = s.mustUnit(t, &m.dept, "MX-O2")

	// Every registered route has exactly one expectation, and every expectation a route.
	byRoute := map[string]expectation{}
	for _, e := range expectations {
		if _, dup := byRoute[e.route]; dup {
			t.Errorf("expectation for %s declared twice", e.route)
		}
		byRoute[e.route] = e
	}
	var routes []string
	for _, r := range s.Echo().Routes() {
		routes = append(routes, r.Method+" "+r.Path)
	}
	sort.Strings(routes)
	missing := 0
	for _, r := range routes {
		if _, ok := byRoute[r]; !ok {
			t.Errorf("route %s has no expectation in authz_test.go", r)
			missing++
		}
	}
	for r := range byRoute {
		if !slices.Contains(routes, r) {
			t.Errorf("expectation for %s, which is not a route", r)
		}
	}

	actors := []actorCase{{name: "anonymous"}}
	for _, r := range auth.Roles {
		for _, home := range []org.Unit{m.own, m.dept} {
			login := fmt.Sprintf("mx-%s-%s", strings.ReplaceAll(string(r), "_", "-"), strings.ToLower(home.Code))
			actors = append(actors, actorCase{name: string(r) + "@" + home.Code, role: r, user: s.mustUser(t, login, home, r), home: home})
		}
	}
	units := []org.Unit{m.own, m.sister, m.dept}
	for _, e := range expectations { // make every record before any request
		for _, kind := range []string{e.record, e.lists} {
			for _, u := range units {
				if kind != "" {
					m.params(t, kind, u)
				}
			}
		}
	}
	checked, mismatches := 0, 0
	for _, route := range routes {
		e, ok := byRoute[route]
		if !ok {
			continue
		}
		method, path, _ := strings.Cut(route, " ")
		targets := []org.Unit{m.own}
		if e.record != "" {
			targets = units
		}
		for _, a := range actors {
			for _, u := range targets {
				target := path
				if e.record != "" {
					for k, v := range m.params(t, e.record, u) {
						target = strings.ReplaceAll(target, ":"+k, v)
						if k == "*" {
							target = strings.TrimSuffix(target, "*") + v
						}
					}
				}
				want := m.expect(e, a, u)
				rec := m.request(t, a, method, target)
				got := classify(rec)
				checked++
				if !acceptable(e, want, got) {
					mismatches++
					t.Errorf("%s as %s on a record of %s: got %s (status %d), want %s", route, a.name, u.Code, got, rec.Code, want)
				}
				if e.lists != "" && got == reached && method == http.MethodGet {
					m.checkList(t, e, a, rec)
				}
			}
		}
	}
	t.Logf("authorization matrix: %d routes, %d actors, %d requests, %d mismatches, %d routes missing", len(routes), len(actors), checked, mismatches, missing)
}

// expect returns what the actor should meet on a record of unit u.
func (m *matrix) expect(e expectation, a actorCase, u org.Unit) outcome {
	switch {
	case e.who.public:
		return reached
	case a.role == "":
		return signIn
	case !e.who.signedIn && !slices.Contains(e.who.roles, a.role):
		return forbidden
	case e.record == "" || e.record == "static":
		return reached
	case e.personal:
		return notFound // the fixture's records belong to other users
	case a.home.ID == m.dept.ID || u.ID == a.home.ID:
		return reached // a department role reaches its offices; an office role only its own
	}
	return notFound
}

// acceptable compares: a public route may answer a visitor with a redirect to sign in
// (sign-in steps that need an earlier step do).
func acceptable(e expectation, want, got outcome) bool {
	return got == want || (e.who.public && want == reached && got == signIn)
}

// request sends one request as the actor: a fresh session (pages) or its API token.
func (m *matrix) request(t *testing.T, a actorCase, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	c := m.s.client()
	headers := []string{"Accept", "text/html"}
	switch {
	case a.role == "":
		c.get(t, "/login") // an anonymous visitor's CSRF cookie and token
	case strings.HasPrefix(target, "/api/"):
		tok, ok := m.tokens[a.user.ID]
		if !ok {
			plain, hash, prefix := auth.NewAPIToken()
			if _, err := m.s.store.CreateAPIToken(context.Background(), a.user.Actor("", ""), store.NewAPIToken{Name: "matrix", Days: 30}, hash, prefix); err != nil {
				t.Fatal(err)
			}
			tok, m.tokens[a.user.ID] = plain, plain
		}
		headers = append(headers, "Authorization", "Bearer "+tok)
		if method == http.MethodPost { // as the API asks of every POST
			m.keys++
			headers = append(headers, "Idempotency-Key", fmt.Sprintf("matrix-%08d", m.keys))
		}
	default:
		c = m.s.signedIn(t, a.user)
	}
	if method == http.MethodPost {
		headers = append(headers, csrfHeader, c.csrf)
	}
	return c.do(t, method, target, "", headers...)
}

// checkList makes sure a list shows the records of the actor's scope and no others.
func (m *matrix) checkList(t *testing.T, e expectation, a actorCase, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.String()
	for _, u := range []org.Unit{m.own, m.sister, m.dept} {
		marker := m.params(t, e.lists, u)["marker"]
		inScope := a.home.ID == m.dept.ID || u.ID == a.home.ID
		if shown := strings.Contains(body, ">"+marker+"<"); shown != inScope {
			t.Errorf("%s as %s: %s of %s shown = %v, want %v", e.route, a.name, e.lists, u.Code, shown, inScope)
		}
	}
}
