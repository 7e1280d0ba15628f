package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
)

// identity is the web layer's sign-in state: sessions, the key that signs anonymous CSRF
// tokens and enrolment forms, and the rules for timeouts, throttling and the second factor.
type identity struct {
	sessions *scs.SessionManager
	key      []byte
	policy   auth.SessionPolicy
	throttle auth.LoginThrottle
	mfaGrace time.Duration
	issuer   string
	perms    map[string]auth.Permission // "METHOD /route" → permission, for restricted sessions
}

// sessionCookie is the session cookie: __Host- means Secure, Path=/ and no Domain, so no
// other site or subdomain can set or read it (TESTING.md row 20).
const sessionCookie = "__Host-congquy_session"

// Session keys. Times are Unix nanoseconds of the server's clock (Deps.Now), so that tests
// can move time.
const (
	sessUser       = "uid"         // the signed-in user
	sessEpoch      = "epoch"       // the user's session_epoch at sign-in
	sessStart      = "start"       // sign-in time: the absolute timeout counts from it
	sessSeen       = "seen"        // last request: the idle timeout counts from it
	sessCSRF       = "csrf"        // the synchronizer token of this session
	sessPending    = "pending_uid" // password accepted, second factor awaited
	sessPendingAt  = "pending_at"
	pendingTimeout = 5 * time.Minute
)

func newIdentity(d Deps) *identity {
	key := d.SessionKey
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	sm := scs.New()
	sm.Store = postgresstore.NewWithConfig(d.Store.DB().DB, postgresstore.Config{CleanUpInterval: 0})
	sm.Lifetime = d.Config.SessionMax // a backstop in real time; the policy below uses Deps.Now
	sm.HashTokenInStore = true
	sm.Cookie = scs.SessionCookie{Name: sessionCookie, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode, Persist: false}
	issuer := "congquy"
	if u, err := url.Parse(d.Config.BaseURL); err == nil && u.Hostname() != "" && u.Hostname() != "localhost" {
		issuer = "congquy (" + u.Hostname() + ")"
	}
	return &identity{
		sessions: sm, key: key, issuer: issuer, mfaGrace: d.Config.MFAGrace,
		policy:   auth.SessionPolicy{Idle: d.Config.SessionIdle, Max: d.Config.SessionMax},
		throttle: auth.DefaultLoginThrottle, perms: map[string]auth.Permission{},
	}
}

// usesSession reports whether a path is served with the cookie session: not the API
// (bearer tokens only, never cookies), not static files and operations endpoints.
func usesSession(path string) bool {
	for _, p := range []string{"/api/", "/static/"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	return path != "/healthz" && path != "/readyz" && path != "/metrics"
}

// loadSession loads the cookie session and saves it, if it changed, just before the
// response is written.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !usesSession(req.URL.Path) {
			return next(c)
		}
		sm := s.id.sessions
		var token string
		if ck, err := req.Cookie(sessionCookie); err == nil {
			token = ck.Value
		}
		ctx, err := sm.Load(req.Context(), token)
		if err != nil {
			return fmt.Errorf("load session: %w", err)
		}
		c.SetRequest(req.WithContext(ctx))
		c.Response().Header().Add("Vary", "Cookie")
		c.Response().Before(func() { s.saveSession(c, ctx) })
		return next(c)
	}
}

// saveSession commits a changed session and sets (or clears) its cookie.
func (s *Server) saveSession(c echo.Context, ctx context.Context) {
	sm := s.id.sessions
	switch sm.Status(ctx) {
	case scs.Modified:
		token, expiry, err := sm.Commit(ctx)
		if err != nil {
			s.log.Error("save session", "request_id", reqID(c), "error", clean(err.Error()))
			return
		}
		sm.WriteSessionCookie(ctx, c.Response(), token, expiry)
		c.Response().Header().Set("Cache-Control", "no-store")
	case scs.Destroyed:
		sm.WriteSessionCookie(ctx, c.Response(), "", time.Time{})
	}
}

// ctxSessionEnded marks a request whose session just ended by timeout or by an
// administrator, so that the sign-in page can say why.
const ctxSessionEnded = "congquy.session_ended"

// authenticate turns the session (or, on /api/, the bearer token) into the request's
// auth.Actor. A session dies when it is idle or old, or when its user was disabled or its
// roles changed (the user's session epoch moved on).
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		path := c.Request().URL.Path
		if strings.HasPrefix(path, "/api/") {
			return s.authenticateToken(c, next)
		}
		if !usesSession(path) {
			return next(c)
		}
		ctx := c.Request().Context()
		sm := s.id.sessions
		uid := sm.GetInt64(ctx, sessUser)
		if uid == 0 {
			return next(c)
		}
		now := s.now()
		start, seen := time.Unix(0, sm.GetInt64(ctx, sessStart)), time.Unix(0, sm.GetInt64(ctx, sessSeen))
		if s.id.policy.Expired(start, seen, now) {
			return s.endSession(c, next, "session_expired", uid)
		}
		u, subtrees, err := s.store.SessionUser(ctx, uid)
		if apperr.Is(err, apperr.NotFound) || (err == nil && (u.Disabled() || u.SessionEpoch != sm.GetInt64(ctx, sessEpoch))) {
			return s.endSession(c, next, "session_revoked", uid)
		}
		if err != nil {
			return err
		}
		if now.Sub(seen) >= time.Minute {
			sm.Put(ctx, sessSeen, now.UnixNano())
		}
		actor := u.Actor(reqID(c), c.RealIP())
		actor.Subtrees = subtrees
		c.Set(ctxActor, &actor)
		c.Set(ctxLang, u.Lang)
		// What a signed-in user sees is for that user only: no cache keeps it.
		c.Response().Header().Set("Cache-Control", "no-store")
		if to := s.restriction(c, u, now); to != "" {
			return redirect(c, to)
		}
		return next(c)
	}
}

// endSession destroys the request's session and serves the request as anonymous.
func (s *Server) endSession(c echo.Context, next echo.HandlerFunc, why string, uid int64) error {
	if err := s.id.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	s.securityLog(c, why, &auth.Actor{UserID: uid})
	c.Set(ctxSessionEnded, true)
	return next(c)
}

// restriction returns where a signed-in user must go first, if anywhere: to change a
// temporary password, or to enrol a second factor once the grace has passed. Only those
// pages, signing out and public routes are open meanwhile.
func (s *Server) restriction(c echo.Context, u auth.User, now time.Time) string {
	var to string
	var open []string
	switch {
	case u.MustChangePassword:
		to, open = "/account/password", []string{"GET /account/password", "POST /account/password"}
	case u.MustEnrolMFA(s.id.mfaGrace, now):
		to, open = "/account/mfa", []string{"GET /account/mfa", "POST /account/mfa"}
	default:
		return ""
	}
	key := c.Request().Method + " " + c.Path()
	if s.id.perms[key] == auth.PermPublic {
		return ""
	}
	for _, o := range open {
		if o == key {
			return ""
		}
	}
	return to
}

// redirect sends the browser elsewhere after a request: 303 for forms, HX-Redirect for htmx.
func redirect(c echo.Context, to string) error {
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// signIn starts a fresh session for the user: a new session id (the old one, and anything
// it held, is gone: no session fixation), a new CSRF token, the epoch and the clock.
func (s *Server) signIn(c echo.Context, u auth.User) error {
	ctx := c.Request().Context()
	sm := s.id.sessions
	if err := sm.Clear(ctx); err != nil {
		return err
	}
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	now := s.now().UnixNano()
	sm.Put(ctx, sessUser, u.ID)
	sm.Put(ctx, sessEpoch, u.SessionEpoch)
	sm.Put(ctx, sessStart, now)
	sm.Put(ctx, sessSeen, now)
	sm.Put(ctx, sessCSRF, newToken())
	return nil
}

// purgeLoop deletes expired sessions and old failed-login rows every ten minutes until
// ctx ends.
func (s *Server) purgeLoop(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.store.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("purge sessions", "error", clean(err.Error()))
			}
		}
	}
}
