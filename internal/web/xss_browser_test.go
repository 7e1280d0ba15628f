package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"congquy/internal/auth"
	"congquy/internal/browsertest"
	"congquy/internal/budget"
	"congquy/internal/export"
	"congquy/internal/ledger"
	"congquy/internal/money"
	"congquy/internal/org"
)

// xssPayloads is the corpus of TESTING.md row 22. Each one, if a page put it into HTML
// unescaped, would call alert(n) or leave an element marked data-xss in the DOM.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x data-xss onerror=alert(2)>`,
	`javascript:alert(3)`,
	`</textarea><svg data-xss onload=alert(4)>`,
	`'-alert(5)-'`,
	`{{.}}{{template "x"}}{{printf "%v" 6}}`,
	`<a href="javascript:alert(7)" data-xss>x</a>`,
	`＜script＞alert(8)＜/script＞`,
	"\u202e<img src=x onerror=alert(9) data-xss>\u200b",
	`<iframe data-xss srcdoc="<script>parent.alert(10)</script>"></iframe>`,
	`<details open data-xss ontoggle=alert(11)>`,
	`" autofocus onfocus=alert(12) data-xss="`,
	`=HYPERLINK("http://evil.example","13")`,
	`</title></style></script><b data-xss>14</b>`,
	`<div hx-get="/logout" hx-trigger="load" data-xss>15</div>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(16) data-xss>`,
	`javascript&colon;alert(17)`,
	`<svg><script>alert(18)</script></svg>`,
}

// xssUnreachable lists the GET routes the test cannot render as a page, and why. Any
// other route without a rendered instance fails the test: a new page needs a record the
// crawler can reach (a link from a list page, or a form it can fill) or a line here.
var xssUnreachable = map[string]string{
	"/static/*":  "files, not pages",
	"/login/mfa": "only during a sign-in with a second factor; its fields are codes, checked by TestSecondFactorReplayAndRecovery",
	"/api/v1/*":  "JSON for bearer tokens, not a page: served as application/json with nosniff, which every response carries (server_test.go)",
}

// anonymousPages are rendered before signing in, with payloads in what they reflect.
func anonymousPages() []string {
	out := []string{"/login"}
	for _, p := range []string{xssPayloads[1], xssPayloads[2], xssPayloads[11]} {
		out = append(out, "/login?next="+url.QueryEscape(p)+"&login="+url.QueryEscape(p))
	}
	return out
}

// TESTING.md row 22: the payloads are stored in every text field congquy accepts — by
// the store for what has no form yet (unit names, journal memos), by submitting every
// form the pages offer with each payload, by failed sign-ins (the login name reaches the
// audit log) — and then every page the router serves (ids filled from the records made)
// is rendered in headless Chromium with the CSP bypassed, so that only escaping stands
// between a payload and execution. Figures: scripts executed 0, injected elements 0; the
// CSP is checked separately on every response.
func TestXSSPayloadsNeverRun(t *testing.T) {
	if testing.Short() {
		t.Skip("browser crawl")
	}
	s := mustServer(t)
	b := browsertest.New(t)
	ctx := context.Background()
	sys := auth.System("xss")

	// Records with payloads that no form on main creates.
	dept, err := s.store.CreateUnit(ctx, sys, org.NewUnit{Code: "XSS", Kind: org.KindDepartment, NameVI: xssPayloads[0], NameEN: xssPayloads[1], Address: xssPayloads[3]})
	if err != nil {
		t.Fatal(err)
	}
	office, err := s.store.CreateUnit(ctx, sys, org.NewUnit{ParentID: &dept.ID, Code: "KV1", Kind: org.KindOffice, NameVI: xssPayloads[9], NameEN: xssPayloads[11], Address: xssPayloads[15]})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.store.CreateUser(ctx, sys, auth.UserForm{Login: "tatca", FullName: xssPayloads[2], UnitID: dept.ID, Roles: auth.Roles, Chosen: true}, hash)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range xssPayloads {
		amount := money.FromInt64(int64(1000 * (i + 1)))
		if _, err := s.store.PostManualEntry(ctx, sys, ledger.Entry{UnitID: office.ID, Date: day(2026, 3, 1+i), Memo: p, SourceID: clip(p, 100),
			Lines: []ledger.Line{{Account: "611", Debit: amount, Memo: p, BudgetCode: clip(p, 100)}, {Account: "112", Credit: amount}}}); err != nil {
			t.Fatalf("entry with payload %d: %v", i, err)
		}
	}
	if _, err := s.store.ClosePeriod(ctx, sys, office.ID, day(2026, 1, 1)); err != nil {
		t.Fatal(err)
	}
	xssBudgetRecords(t, s, office.ID)
	anon := s.client()
	for _, p := range xssPayloads {
		anon.get(t, "/login")
		anon.post(t, "/login", "login", p, "password", "sai mật khẩu")
	}

	c := s.signedIn(t, u)
	cr := newCrawler(t, s, c, u.ID)
	cr.discover(t)
	accepted, refused := cr.submitForms(t)
	t.Logf("forms: %d submissions accepted, %d refused with a clear error", accepted, refused)
	if _, err := s.store.SealAll(ctx); err != nil {
		t.Fatal(err)
	}
	cr.discover(t)
	cr.fillMissing(t)
	cr.byRt["/login"] = anonymousPages()
	cr.mustReachEveryPage(t)
	urls := cr.renderList()

	// Render each page with the CSP bypassed; count calls of the overridden dialogs and
	// injected elements.
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	var mu sync.Mutex
	var executed []string
	b.Do(t,
		chromedp.ExposeFunc("congquyXSS", func(_ context.Context, msg string) (chromedp.Void, error) {
			mu.Lock()
			defer mu.Unlock()
			executed = append(executed, msg)
			return chromedp.Void{}, nil
		}),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: hookScript})
			return err
		}),
	)
	// Negative control: a page that does not escape is caught, so a pass means something.
	s.Echo().GET("/xss-control", func(c echoContext) error {
		return c.HTML(http.StatusOK, "<!doctype html><title>x</title><body>"+strings.Join(xssPayloads, "<br>")+"</body>")
	})
	b.Do(t, chromedp.Navigate(ts.URL+"/xss-control"))
	control, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](domCheck))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = chromedp.Run(b.Ctx, chromedp.Evaluate[bool]("true"))
	mu.Lock()
	t.Logf("negative control (unescaped page): %d scripts executed, %d injected elements or handlers found", len(executed), len(control))
	if len(executed) == 0 || len(control) == 0 {
		t.Errorf("the harness did not see an unescaped page: executed %v, DOM %v", executed, control)
	}
	executed = nil
	mu.Unlock()

	injected, noCSP := 0, 0
	check := func(path string, c *client) {
		h := c.get(t, path).Header()
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			noCSP++
			t.Errorf("%s: CSP %q", path, csp)
		}
		if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			// Not a page: plain text and JSON (health, metrics) are shown as text, and
			// a download (an attachment, an export) is saved, not rendered, provided it
			// says so; neither can be sniffed into HTML.
			plain := strings.HasPrefix(ct, "text/plain") || strings.HasPrefix(ct, "application/json")
			if h.Get("X-Content-Type-Options") != "nosniff" || !plain && !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s: %s served without nosniff or Content-Disposition: attachment (%q, %q)", path, ct, h.Get("X-Content-Type-Options"), h.Get("Content-Disposition"))
			}
			return
		}
		b.Do(t, chromedp.Navigate(ts.URL+path))
		found, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](domCheck))
		if err != nil {
			t.Fatalf("DOM check of %s: %v", path, err)
		}
		_, _ = chromedp.Run(b.Ctx, chromedp.Evaluate[bool]("true")) // one more round trip, so a late handler has run
		for _, f := range found {
			injected++
			t.Errorf("%s: %s", path, f)
		}
		mu.Lock()
		for _, m := range executed {
			t.Errorf("%s: a payload ran: alert(%s)", path, m)
		}
		executed = nil
		mu.Unlock()
	}
	for _, path := range anonymousPages() {
		check(path, s.client())
	}
	browserSignIn(t, b, ts.URL, "tatca", testPassword)
	for _, path := range urls {
		check(path, cr.c)
	}
	b.Problems() // console errors of pages with the CSP bypassed are not the point here
	t.Logf("pages rendered: %d (%d GET routes); scripts executed: 0 unless reported above; injected elements: %d; responses without a strict CSP: %d; exports checked: %d",
		len(urls), len(cr.routes), injected, noCSP, cr.exports)
}

// xssBudgetRecords makes, in the office, the budget records no form of the crawl can
// make on its own (a funded line needs an approved decision by a second person): a line,
// a decision and a draft voucher with an attachment, each carrying payloads in its text.
func xssBudgetRecords(t *testing.T, s *testServer, office int64) {
	t.Helper()
	ctx := context.Background()
	sys := auth.System("xss")
	if _, err := s.store.LoadBuiltinReference(ctx, sys); err != nil {
		t.Fatal(err)
	}
	l, err := s.store.CreateLine(ctx, sys, budget.NewLine{UnitID: office, FiscalYear: 2026, FundingType: budget.NonAutonomous,
		Classification: budget.Classification{Chapter: "014", Subsection: "341", Item: "6701", Source: "01", Level: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range xssPayloads {
		if _, err := s.store.DraftDecision(ctx, sys, budget.NewDecision{UnitID: office, FiscalYear: 2026, Kind: budget.DecisionIncrease,
			DecisionNo: clip(p, 50), DecisionDate: day(2026, 2, 1+i%20), Total: money.FromInt64(1000), Note: p,
			Lines: []budget.DecisionLine{{LineID: l.ID, Amount: money.FromInt64(1000)}}}); err != nil {
			t.Fatalf("decision with payload %d: %v", i, err)
		}
		v, err := s.store.CreateVoucher(ctx, sys, budget.NewVoucher{UnitID: office, FiscalYear: 2026, DocNo: clip(p, 50), DocDate: day(2026, 3, 1+i%20),
			Payee: p, InvoiceNo: clip(p, 50), Description: p,
			Lines: []budget.VoucherLine{{BudgetLineID: l.ID, Amount: money.FromInt64(1000), Description: p, Justification: p}}})
		if err != nil {
			t.Fatalf("voucher with payload %d: %v", i, err)
		}
		if _, err := s.store.AddAttachment(ctx, sys, v.ID, clip(p, 100)+".pdf", []byte("%PDF-1.4 "+p)); err != nil {
			t.Fatalf("attachment with payload %d: %v", i, err)
		}
	}
}

// hookScript replaces the dialogs every payload calls, before any page script runs.
const hookScript = `for (const n of ["alert", "confirm", "prompt"]) {
	window[n] = function (m) { window.congquyXSS(String(m)); };
}`

// domCheck lists what a payload would have put into the DOM had it not been escaped.
const domCheck = `(() => {
	const bad = [];
	for (const e of document.querySelectorAll("[data-xss]")) bad.push("injected element <" + e.tagName.toLowerCase() + ">");
	for (const e of document.querySelectorAll("script:not([src]), iframe[srcdoc]")) bad.push("inline " + e.tagName.toLowerCase());
	for (const e of document.querySelectorAll("*")) {
		for (const a of e.attributes) {
			if (/^on/i.test(a.name)) bad.push("handler " + a.name + " on <" + e.tagName.toLowerCase() + ">");
			if (/^(href|src|action|formaction|xlink:href|data)$/i.test(a.name) && /^\s*javascript:/i.test(a.value)) bad.push("javascript: URL in " + a.name);
		}
	}
	return bad;
})()`

// crawler finds congquy's pages the way a user would, from the router's GET routes and
// the links of the pages themselves.
type crawler struct {
	s       *testServer
	c       *client
	self    int64
	routes  map[string]*regexp.Regexp // GET route path → its pattern
	seen    map[string]int            // URL → status
	byRt    map[string][]string       // route → URLs rendered 200
	exports int                       // spreadsheet responses checked for live formulas
}

func newCrawler(t *testing.T, s *testServer, c *client, self int64) *crawler {
	cr := &crawler{s: s, c: c, self: self, routes: map[string]*regexp.Regexp{}, seen: map[string]int{}, byRt: map[string][]string{}}
	for _, r := range s.Echo().Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		re := regexp.QuoteMeta(r.Path)
		re = regexp.MustCompile(`:[a-z_]+`).ReplaceAllString(re, `[^/]+`)
		re = strings.ReplaceAll(re, `\*`, `.*`)
		cr.routes[r.Path] = regexp.MustCompile("^" + re + "$")
	}
	return cr
}

// route returns the GET route a path belongs to, preferring a literal route.
func (cr *crawler) route(path string) string {
	if _, ok := cr.routes[path]; ok {
		return path
	}
	for rt, re := range cr.routes {
		if !strings.Contains(rt, "*") && re.MatchString(path) {
			return rt
		}
	}
	return ""
}

// visit fetches one URL once and returns its body, following no redirect.
func (cr *crawler) visit(t *testing.T, target string) (int, string, http.Header) {
	rec := cr.c.get(t, target)
	if rec.Code >= 500 {
		t.Errorf("GET %s: %d\n%s", target, rec.Code, lastLines(cr.s.logs.String(), 3))
	}
	cr.seen[target] = rec.Code
	if ct := rec.Header().Get("Content-Type"); strings.Contains(ct, "spreadsheetml") || strings.Contains(ct, "text/csv") {
		cr.exports++
		checkExport(t, target, ct, rec.Body.Bytes())
	}
	if rec.Code == http.StatusOK {
		rt := cr.route(strings.SplitN(target, "?", 2)[0])
		if len(cr.byRt[rt]) < 3 && !contains(cr.byRt[rt], target) {
			cr.byRt[rt] = append(cr.byRt[rt], target)
		}
	}
	return rec.Code, rec.Body.String(), rec.Header()
}

// discover visits every GET route without parameters and follows links breadth-first.
func (cr *crawler) discover(t *testing.T) {
	var queue []string
	for rt := range cr.routes {
		if !strings.ContainsAny(rt, ":*") {
			queue = append(queue, rt)
		}
	}
	sort.Strings(queue)
	visited := map[string]bool{}
	for len(queue) > 0 && len(visited) < 400 {
		target := queue[0]
		queue = queue[1:]
		if visited[target] {
			continue
		}
		visited[target] = true
		code, body, h := cr.visit(t, target)
		if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			continue
		}
		for _, link := range links(body) {
			rt := cr.route(strings.SplitN(link, "?", 2)[0])
			if rt == "" || strings.HasPrefix(rt, "/static/") || visited[link] || len(cr.byRt[rt]) >= 3 {
				continue
			}
			queue = append(queue, link)
		}
	}
}

// fillMissing tries, for each route with parameters not reached by a link, the ids of the
// records the test made (from the audit trail, which names every record).
func (cr *crawler) fillMissing(t *testing.T) {
	var ids []string
	if err := cr.s.store.DB().Select(&ids, `SELECT DISTINCT entity_id FROM audit_events WHERE entity_id ~ '^[0-9]+$' ORDER BY 1 LIMIT 500`); err != nil {
		t.Fatal(err)
	}
	for rt := range cr.routes {
		if !strings.Contains(rt, ":") || len(cr.byRt[rt]) > 0 {
			continue
		}
		for _, id := range ids {
			path := regexp.MustCompile(`:[a-z_]+`).ReplaceAllString(rt, id)
			if code, _, _ := cr.visit(t, path); code == http.StatusOK {
				break
			}
		}
	}
}

// mustReachEveryPage fails for a GET route rendered nowhere that is not excused.
func (cr *crawler) mustReachEveryPage(t *testing.T) {
	for rt := range cr.routes {
		if len(cr.byRt[rt]) == 0 && xssExcuse(rt) == "" {
			t.Errorf("GET %s was never rendered: give the crawler a record to reach it, or excuse it in xssUnreachable", rt)
		}
	}
}

// xssExcuse returns why the route is not rendered, or "".
func xssExcuse(rt string) string {
	if strings.HasPrefix(rt, "/api/v1/") {
		return xssUnreachable["/api/v1/*"]
	}
	return xssUnreachable[rt]
}

// renderList is every page to render: each reached URL, each list page with every
// filter set to a payload (reflected input), and a not-found path carrying one.
func (cr *crawler) renderList() []string {
	var out []string
	for rt, urls := range cr.byRt {
		if xssExcuse(rt) == "" {
			out = append(out, urls...)
		}
	}
	for rt := range cr.routes {
		if strings.ContainsAny(rt, ":*") || xssExcuse(rt) != "" {
			continue
		}
		for _, p := range []string{xssPayloads[1], xssPayloads[3], xssPayloads[11]} {
			q := url.Values{}
			for _, n := range []string{"q", "unit", "period", "account", "source", "entity", "entity_id", "id", "actor", "from", "to", "year", "status", "next", "page"} {
				q.Set(n, p)
			}
			out = append(out, rt+"?"+q.Encode())
		}
	}
	out = append(out, "/no-such-page/"+url.PathEscape(xssPayloads[1]))
	sort.Strings(out)
	out = slices.DeleteFunc(out, func(u string) bool { return strings.HasPrefix(u, "/login") })
	return out
}

// submitForms submits every POST form of every page reached, once per payload, with the
// payload in each free-text field and plausible values elsewhere.
func (cr *crawler) submitForms(t *testing.T) (accepted, refused int) {
	done := map[string]bool{}
	var pages []string
	for _, urls := range cr.byRt {
		pages = append(pages, urls...)
	}
	sort.Strings(pages)
	for _, pg := range pages {
		_, body, _ := cr.visit(t, pg)
		for _, f := range forms(body) {
			if done[f.action] || cr.skipForm(f) {
				continue
			}
			done[f.action] = true
			for i, p := range xssPayloads {
				cr.c.get(t, pg) // a fresh CSRF token
				rec := cr.c.do(t, http.MethodPost, f.action, f.fill(p, i).Encode(), csrfHeader, cr.c.csrf)
				switch {
				case rec.Code >= 500:
					t.Errorf("POST %s with payload %d: %d", f.action, i, rec.Code)
				case rec.Code >= 400:
					refused++
				default:
					accepted++
				}
			}
		}
	}
	return accepted, refused
}

// skipForm leaves alone the forms that would end the crawler's session or lock it out.
func (cr *crawler) skipForm(f pageForm) bool {
	me := "/users/" + strconv.FormatInt(cr.self, 10)
	for _, p := range []string{"/logout", "/login", "/lang", "/account/password", "/account/mfa"} {
		if strings.HasPrefix(f.action, p) {
			return true
		}
	}
	return strings.HasPrefix(f.action, me+"/") || f.action == me || f.hasPassword
}

// form is a POST form of a page.
type pageForm struct {
	action      string
	fields      []field
	hasPassword bool
}

type field struct {
	name, kind, value string
	options           []string
}

// fill returns the form's values with payload p in every free-text field.
func (f pageForm) fill(p string, i int) url.Values {
	v := url.Values{}
	for _, fl := range f.fields {
		switch {
		case fl.name == "csrf":
		case fl.kind == "hidden":
			v.Add(fl.name, fl.value)
		case fl.kind == "select":
			if len(fl.options) > 0 {
				v.Add(fl.name, fl.options[0])
			}
		case fl.kind == "checkbox" || fl.kind == "radio":
			v.Add(fl.name, orDefault(fl.value, "on"))
		case fl.kind == "email":
			v.Add(fl.name, fmt.Sprintf("xss%d@example.com", i))
		case fl.kind == "date":
			v.Add(fl.name, "2026-03-10")
		case fl.kind == "month":
			v.Add(fl.name, "2026-03")
		case fl.kind == "number":
			v.Add(fl.name, "1")
		case fl.name == "login" || fl.name == "code" || fl.name == "username":
			v.Add(fl.name, fmt.Sprintf("xss%d", i)) // identifiers have a shape; the rest is free text
		default:
			v.Add(fl.name, p)
		}
	}
	return v
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// forms parses the POST forms of a page.
func forms(body string) []pageForm {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil
	}
	var out []pageForm
	var cur *pageForm
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "form":
				if strings.EqualFold(attr(n, "method"), "post") && strings.HasPrefix(attr(n, "action"), "/") {
					out = append(out, pageForm{action: attr(n, "action")})
					cur = &out[len(out)-1]
					for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
						walk(ch)
					}
					cur = nil
					return
				}
			case "input", "textarea", "select":
				if cur != nil && attr(n, "name") != "" {
					fl := field{name: attr(n, "name"), kind: orDefault(attr(n, "type"), "text"), value: attr(n, "value")}
					if n.Data == "select" {
						fl.kind = "select"
						fl.options = options(n)
					}
					if n.Data == "textarea" {
						fl.kind = "textarea"
					}
					cur.hasPassword = cur.hasPassword || fl.kind == "password"
					cur.fields = append(cur.fields, fl)
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return out
}

func options(sel *html.Node) []string {
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "option" && attr(n, "value") != "" {
			out = append(out, attr(n, "value"))
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(sel)
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// links returns the same-site paths a page links to.
func links(body string) []string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			if h := attr(n, "href"); strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "//") {
				out = append(out, strings.SplitN(h, "#", 2)[0])
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// checkExport fails for an export cell a spreadsheet would evaluate (TESTING.md row 23,
// for every export the router serves): a formula, or text that starts like one.
func checkExport(t *testing.T, target, ct string, body []byte) {
	t.Helper()
	var cells [][]string
	if strings.Contains(ct, "csv") {
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
		r.FieldsPerRecord = -1
		cells, _ = r.ReadAll()
	} else {
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s: unreadable XLSX: %v", target, err)
			return
		}
		defer f.Close()
		for _, sh := range f.GetSheetList() {
			rows, _ := f.GetRows(sh, excelize.Options{RawCellValue: true})
			for r, row := range rows {
				for c := range row {
					ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
					if fm, _ := f.GetCellFormula(sh, ref); fm != "" {
						t.Errorf("%s: live formula %s in %s!%s", target, fm, sh, ref)
					}
					if typ, _ := f.GetCellType(sh, ref); typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
						row[c] = "" // numbers may be negative
					}
				}
			}
			cells = append(cells, rows...)
		}
	}
	for _, row := range cells {
		for _, cell := range row {
			if export.Neutralise(cell) != cell {
				t.Errorf("%s: cell %q would be evaluated", target, cell)
			}
		}
	}
}

// lastLines returns the last n lines of the server's log, for the cause of a 500.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
