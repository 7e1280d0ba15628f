package web

import (
	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
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

// csrfToken returns the request's CSRF token for forms.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}

// guard lets a request through only if its actor holds the permission. Deny by default:
// a route without a permission cannot be registered.
func (s *Server) guard(p auth.Permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if p == auth.PermPublic {
				return next(c)
			}
			a := actorOf(c)
			if a == nil {
				return apperr.New(apperr.Unauthorized, "Vui lòng đăng nhập.", "Please sign in.")
			}
			if !a.Can(p) {
				return apperr.New(apperr.Forbidden, "Bạn không có quyền thực hiện thao tác này.", "You may not do this.")
			}
			return next(c)
		}
	}
}
