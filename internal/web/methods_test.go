package web

import (
	"net/http"
	"strings"
	"testing"
)

// wantHeaders are the headers every response carries, with a part of their value.
var wantHeaders = map[string]string{
	"Content-Security-Policy":   "script-src 'self'",
	"X-Content-Type-Options":    "nosniff",
	"Strict-Transport-Security": "max-age=",
	"X-Frame-Options":           "DENY",
	"Referrer-Policy":           "same-origin",
}

// TESTING.md row 21, the part the identity tests leave to a fixed list: every route of
// the router, with its own method, with HEAD, and with each method it does not serve
// (PUT, PATCH, DELETE, TRACE, and an override header), signed in and not, answers with
// every security header and no CSP that allows inline scripts; the methods it does not
// serve are refused and change nothing.
func TestHeadersAndMethodsOnEveryRoute(t *testing.T) {
	s := mustServer(t)
	u := s.everyRole(t, "tatca", "D1")
	served := map[string]bool{}
	for _, r := range s.Echo().Routes() {
		served[r.Method+" "+r.Path] = true
	}
	missing, wrongMethods, responses := 0, 0, 0
	for _, who := range []string{"signed-in", "anonymous"} {
		c := s.signedIn(t, u)
		if who == "anonymous" {
			c = s.client()
			c.get(t, "/login")
		}
		c.get(t, "/")
		before := s.snapshot(t)
		for _, r := range s.Echo().Routes() {
			target := fill(r.Path, u.ID)
			methods := []string{r.Method, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete, "TRACE"}
			for _, m := range methods {
				if m != r.Method && (served[m+" "+r.Path] || (m == http.MethodHead && served["GET "+r.Path])) {
					continue // another route serves it, or HEAD of a GET
				}
				headers := []string{}
				if m == r.Method && m == http.MethodPost {
					headers = []string{csrfHeader, "wrong"} // headers of a refusal, without writing
				}
				rec := c.do(t, m, target, "", headers...)
				responses++
				for name, want := range wantHeaders {
					if !strings.Contains(rec.Header().Get(name), want) {
						missing++
						t.Errorf("%s %s (%s): %d without %s %q", m, target, who, rec.Code, name, want)
					}
				}
				if csp := rec.Header().Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") && strings.Contains(csp, "script-src") &&
					strings.Contains(csp[strings.Index(csp, "script-src"):], "unsafe-inline") {
					t.Errorf("%s %s: CSP allows inline scripts: %q", m, target, csp)
				}
				if m != r.Method && m != http.MethodHead && rec.Code < 400 {
					wrongMethods++
					t.Errorf("%s %s (%s): %d, want a refusal", m, target, who, rec.Code)
				}
			}
			// A method override header is not honoured: a GET stays a read.
			rec := c.do(t, http.MethodGet, target, "", "X-HTTP-Method-Override", "POST", "X-Method-Override", "DELETE")
			responses++
			if rec.Code >= 500 {
				t.Errorf("GET %s with an override header: %d", target, rec.Code)
			}
		}
		for table, sum := range s.snapshot(t) {
			if before[table] != sum {
				t.Errorf("%s: refused methods changed %s", who, table)
			}
		}
	}
	t.Logf("%d responses: missing headers %d, wrong methods accepted %d", responses, missing, wrongMethods)
}

// fill puts id in every parameter of a route path, and a file name for /static/*.
func fill(path string, id int64) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = itoa64(id)
		}
	}
	return strings.Replace(strings.Join(parts, "/"), "*", "app.css", 1)
}
