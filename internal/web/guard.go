package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/store"
)

// Context keys set by the identity middleware.
const (
	ctxActor = "congquy.actor"
	ctxCSRF  = "congquy.csrf"
)

// actorOf returns the signed-in actor, or nil.
func actorOf(c echo.Context) *auth.Actor {
	a, _ := c.Get(ctxActor).(*auth.Actor)
	return a
}

// mustActor returns the signed-in actor of a route that requires one (the guard made sure).
func mustActor(c echo.Context) auth.Actor {
	if a := actorOf(c); a != nil {
		return *a
	}
	return auth.Actor{}
}

// csrfToken returns the request's CSRF token for forms.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}

var (
	errSignIn    = apperr.New(apperr.Unauthorized, "Vui lòng đăng nhập.", "Please sign in.")
	errForbidden = apperr.New(apperr.Forbidden, "Bạn không có quyền thực hiện thao tác này.", "You may not do this.")
	errReadOnly  = apperr.New(apperr.Forbidden, "Mã truy cập này chỉ được đọc.", "This token may only read.")
)

// guard lets a request through only if its actor holds the permission. Deny by default:
// a route without a permission cannot be registered. A visitor who is not signed in is
// sent to the sign-in page (pages) or gets 401 (the API and JSON clients); a signed-in
// actor without the permission gets 403, logged and audited.
func (s *Server) guard(p auth.Permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if p == auth.PermPublic {
				return next(c)
			}
			a := actorOf(c)
			if a == nil {
				if wantsJSON(c) {
					return errSignIn
				}
				if ended, _ := c.Get(ctxSessionEnded).(bool); ended {
					setFlash(c, "info", s.msg(c, "login.session_ended"))
				}
				return redirect(c, signInURL(c))
			}
			if a.ReadOnly && !safeMethod(c.Request().Method) {
				s.securityLog(c, "access_denied", a, "reason", "read_only_token")
				return errReadOnly
			}
			if !a.Can(p) {
				s.securityLog(c, "access_denied", a, "permission", string(p))
				s.auditRefusal(c, *a, store.SecurityEvent{UnitID: a.UnitID, Action: "access_denied", Entity: "route",
					EntityID: c.Request().Method + " " + c.Path(), Detail: map[string]any{"permission": p}})
				return errForbidden
			}
			return next(c)
		}
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// signInURL is the sign-in page with the page to come back to: the current one for a
// GET, the home page after a refused form.
func signInURL(c echo.Context) string {
	next := "/"
	if c.Request().Method == http.MethodGet {
		next = c.Request().URL.RequestURI()
	}
	if next == "/" || strings.HasPrefix(next, "/login") {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(next)
}
