package web

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/store"
)

// securityLog writes one security event (TESTING.md row 26): what happened, who (user id,
// login, unit), when (UTC), the request id and the client address. Every text field is
// cleaned of CR, LF and other control characters, so a login typed as
// "x\r\n{\"event\":…}" cannot forge a line. Never pass passwords, codes, secrets or tokens.
// kv are pairs of a name and a value.
func (s *Server) securityLog(c echo.Context, event string, a *auth.Actor, kv ...any) {
	attrs := []slog.Attr{
		slog.String("event", event),
		slog.String("at", s.now().UTC().Format(time.RFC3339Nano)),
		slog.String("request_id", reqID(c)),
		slog.String("ip", clean(c.RealIP())),
		slog.String("method", c.Request().Method),
		slog.String("path", clean(c.Request().URL.Path)),
	}
	if a != nil {
		attrs = append(attrs, slog.Int64("user_id", a.UserID), slog.String("login", clean(a.Login)), slog.Int64("unit_id", a.UnitID))
	}
	for i := 0; i+1 < len(kv); i += 2 {
		attrs = append(attrs, slog.String(clean(fmt.Sprint(kv[i])), clean(fmt.Sprint(kv[i+1]))))
	}
	level := slog.LevelInfo
	switch event {
	case "login_failed", "login_throttled", "access_denied", "csrf_refused", "token_refused", "mfa_failed":
		level = slog.LevelWarn
	}
	s.log.LogAttrs(c.Request().Context(), level, "security", attrs...)
}

// auditRefusal records a security event that changed no record (an authorization
// failure, a sign-out) in the audit trail, in its own transaction; a failure to record it
// is logged, not shown.
func (s *Server) auditRefusal(c echo.Context, a auth.Actor, ev store.SecurityEvent) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), 5*time.Second)
	defer cancel()
	if err := s.store.RecordSecurityEvent(ctx, a, ev); err != nil {
		s.log.Error("audit security event", "request_id", reqID(c), "event", ev.Action, "error", clean(err.Error()))
	}
}

// msg translates a message id into the request's language, for flash messages.
func (s *Server) msg(c echo.Context, id string, kv ...any) string {
	return page{Lang: langOf(c), cat: s.cat}.T(id, kv...)
}
