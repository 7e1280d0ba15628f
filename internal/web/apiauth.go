package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
)

// authenticateToken authenticates an /api/ request by its bearer token (never by a
// cookie): the token acts as its user, with that user's current roles, and only reads if
// it is read-only. A request without a token stays anonymous (the guard answers 401); a
// bad token is refused at once.
func (s *Server) authenticateToken(c echo.Context, next echo.HandlerFunc) error {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if h == "" {
		return next(c)
	}
	plain, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || !strings.HasPrefix(plain, auth.APITokenPrefix) || len(plain) > 200 {
		s.securityLog(c, "token_refused", nil, "reason", "malformed")
		return errSignIn
	}
	u, subtrees, tok, err := s.store.TokenUser(c.Request().Context(), auth.HashAPIToken(plain))
	if err != nil {
		s.securityLog(c, "token_refused", nil, "reason", "unknown_or_expired")
		return err
	}
	actor := u.Actor(reqID(c), c.RealIP())
	actor.Subtrees, actor.ReadOnly = subtrees, tok.ReadOnly
	if tok.ReadOnly && !safeMethod(c.Request().Method) {
		s.securityLog(c, "access_denied", &actor, "reason", "read_only_token")
		return errReadOnly
	}
	c.Set(ctxActor, &actor)
	c.Set(ctxLang, u.Lang)
	return next(c)
}

// apiMe tells a token's holder who it acts as.
func (s *Server) apiMe(c echo.Context) error {
	a := mustActor(c)
	grants := a.Grants
	if grants == nil {
		grants = []auth.Grant{}
	}
	return c.JSON(http.StatusOK, map[string]any{
		"user_id": a.UserID, "login": a.Login, "unit_id": a.UnitID, "lang": a.Lang,
		"grants": grants, "read_only": a.ReadOnly,
	})
}
