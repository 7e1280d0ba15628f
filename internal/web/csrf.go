package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
)

// CSRF protection (TESTING.md row 21). A signed-in (or signing-in) session holds a
// synchronizer token; a visitor without a session gets a random __Host- cookie and the
// token is an HMAC of it under the server's key. Every state-changing request must carry
// the token, in the form field "csrf" or the header X-CSRF-Token (htmx sends it from the
// hx-headers of <body>), and must not come from another site (Sec-Fetch-Site, Origin).
// Bearer-token requests on /api/ carry no cookies and need no token.
const (
	csrfCookie = "__Host-congquy_csrf"
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// newToken returns 32 random bytes, base64url-encoded.
func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// provideCSRF makes the request's CSRF token available to pages (csrfToken), creating
// the anonymous cookie when a visitor without a session has none yet.
func (s *Server) provideCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !usesSession(c.Request().URL.Path) {
			return next(c)
		}
		c.Set(ctxCSRF, s.expectedCSRF(c, true))
		return next(c)
	}
}

// expectedCSRF returns the token a request must carry: the session's, else the HMAC of the
// anonymous cookie (set now if create and absent).
func (s *Server) expectedCSRF(c echo.Context, create bool) string {
	if t := s.id.sessions.GetString(c.Request().Context(), sessCSRF); t != "" {
		return t
	}
	var seed string
	if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 {
		seed = ck.Value
	} else if create {
		seed = newToken()
		c.SetCookie(&http.Cookie{Name: csrfCookie, Value: seed, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	} else {
		return ""
	}
	m := hmac.New(sha256.New, s.id.key)
	m.Write([]byte("congquy-csrf\x00" + seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// errCSRF refuses a write that lacks the token or comes from another site.
var errCSRF = apperr.New(apperr.Forbidden,
	"Yêu cầu bị từ chối vì không kèm mã bảo vệ hợp lệ (trang có thể đã cũ). Hãy tải lại trang và thử lại.",
	"The request was refused because it lacks a valid protection token (the page may be stale). Reload the page and try again.")

// checkCSRF guards every state-changing request of a route; safe methods pass.
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		switch req.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if !usesSession(req.URL.Path) {
			return next(c) // the API: bearer tokens, no cookies
		}
		if !s.sameOrigin(req) {
			s.securityLog(c, "csrf_refused", actorOf(c), "reason", "cross_site")
			return errCSRF
		}
		want := s.expectedCSRF(c, false)
		got := req.Header.Get(csrfHeader)
		if got == "" {
			got = c.FormValue(csrfField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			s.securityLog(c, "csrf_refused", actorOf(c), "reason", "token")
			return errCSRF
		}
		return next(c)
	}
}

// sameOrigin refuses requests a browser marks as coming from another site: Sec-Fetch-Site
// other than same-origin (or none: typed by the user), or an Origin that is not congquy's.
func (s *Server) sameOrigin(req *http.Request) bool {
	if site := req.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := req.Header.Get("Origin")
	if origin == "" {
		return true
	}
	o, err := url.Parse(origin)
	if err != nil || o.Host == "" {
		return false
	}
	if base, err := url.Parse(s.cfg.BaseURL); err == nil && strings.EqualFold(o.Scheme+"://"+o.Host, base.Scheme+"://"+base.Host) {
		return true
	}
	return strings.EqualFold(o.Host, req.Host)
}
