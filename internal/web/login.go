package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/i18n"
	"congquy/internal/store"
)

// loginData is the sign-in page and the second-factor page.
type loginData struct {
	Login string
	Next  string
	Error *apperr.Error
	Ended bool // the previous session ended (timeout, or ended by an administrator)
}

// errThrottled is shown while failed attempts for the account or the address wait out
// the throttle window; it says nothing about whether the login exists.
var errThrottled = apperr.New(apperr.RateLimited,
	"Quá nhiều lần đăng nhập không thành công. Vui lòng thử lại sau ít phút.",
	"Too many failed sign-in attempts. Please try again in a few minutes.")

// loginForm shows the sign-in page; a signed-in user goes on to where it was headed.
func (s *Server) loginForm(c echo.Context) error {
	next := localPath(c.QueryParam("next"))
	if actorOf(c) != nil {
		return redirect(c, next)
	}
	_, ended := c.Get(ctxSessionEnded).(bool)
	return s.show(c, "auth/login", "login.title", loginData{Next: next, Ended: ended})
}

// login checks a login and password. Every refusal shows the same message and costs the
// same time; failures are throttled per account and per address, logged and audited.
func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	login, pw, next := c.FormValue("login"), c.FormValue("password"), localPath(c.FormValue("next"))
	anon := auth.Actor{Login: "anonymous", RequestID: reqID(c), IP: c.RealIP()}
	if err := s.throttled(c, anon, login, 0); err != nil {
		return s.loginRefused(c, login, next, err)
	}
	cred, err := s.store.Credentials(ctx, login)
	reason := ""
	switch {
	case apperr.Is(err, apperr.NotFound):
		auth.CheckPassword(pw, "") // as slow as a real check
		reason = "unknown_login"
	case err != nil:
		return err
	case len(pw) > 4*auth.MaxPasswordRunes || !auth.CheckPassword(pw, cred.PasswordHash):
		reason = "bad_password"
	case cred.Disabled():
		reason = "disabled"
	}
	if reason != "" {
		s.loginFailed(c, anon, login, cred.User, reason, true)
		return s.loginRefused(c, login, next, store.ErrBadLogin)
	}
	if cred.TOTPSecret != "" {
		if err := s.startSecondFactor(c, cred.ID); err != nil {
			return err
		}
		return redirect(c, "/login/mfa?next="+url.QueryEscape(next))
	}
	return s.finishLogin(c, cred.User, store.SecondFactor{}, next)
}

// throttled refuses an attempt when the account or the address has too many recent
// failures; the refusal is audited but does not count as a failure itself, so waiting
// always ends (no permanent lockout).
func (s *Server) throttled(c echo.Context, anon auth.Actor, login string, unitID int64) error {
	since := s.now().Add(-s.id.throttle.Window)
	acct, addr, err := s.store.LoginFailures(c.Request().Context(), login, anon.IP, since)
	if err != nil {
		return err
	}
	if !s.id.throttle.Blocked(acct, addr) {
		return nil
	}
	s.securityLog(c, "login_throttled", &auth.Actor{Login: login, UnitID: unitID}, "account_failures", acct, "address_failures", addr)
	s.recordFailure(c, anon, store.LoginFailure{Login: login, UnitID: unitID, Reason: "throttled"})
	return errThrottled
}

// loginFailed logs and records one failed attempt.
func (s *Server) loginFailed(c echo.Context, anon auth.Actor, login string, u auth.User, reason string, count bool) {
	s.securityLog(c, "login_failed", &auth.Actor{UserID: u.ID, Login: login, UnitID: u.UnitID}, "reason", reason)
	s.recordFailure(c, anon, store.LoginFailure{Login: login, UserID: u.ID, UnitID: u.UnitID, Reason: reason, Count: count})
}

func (s *Server) recordFailure(c echo.Context, anon auth.Actor, f store.LoginFailure) {
	if err := s.store.RecordLoginFailure(c.Request().Context(), anon, f); err != nil {
		s.log.Error("record login failure", "request_id", reqID(c), "error", clean(err.Error()))
	}
}

// loginRefused shows the sign-in page again with the (generic) reason.
func (s *Server) loginRefused(c echo.Context, login, next string, e error) error {
	ae, ok := apperr.As(e)
	if !ok {
		return e
	}
	status := statusOf[ae.Code]
	if len(login) > 64 {
		login = ""
	}
	return s.render(c, status, "auth/login", "", s.newPage(c, "login.title", loginData{Login: login, Next: next, Error: ae}))
}

// startSecondFactor replaces the visitor's session with one that waits for the second
// factor of the user whose password was just accepted.
func (s *Server) startSecondFactor(c echo.Context, uid int64) error {
	ctx := c.Request().Context()
	sm := s.id.sessions
	if err := sm.Clear(ctx); err != nil {
		return err
	}
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, sessPending, uid)
	sm.Put(ctx, sessPendingAt, s.now().UnixNano())
	sm.Put(ctx, sessCSRF, newToken())
	return nil
}

// pendingUser returns the user awaiting its second factor in this session, if the wait
// has not timed out.
func (s *Server) pendingUser(c echo.Context) int64 {
	ctx := c.Request().Context()
	uid := s.id.sessions.GetInt64(ctx, sessPending)
	at := time.Unix(0, s.id.sessions.GetInt64(ctx, sessPendingAt))
	if uid == 0 || s.now().Sub(at) > pendingTimeout {
		return 0
	}
	return uid
}

// mfaForm asks for the authenticator code (or a recovery code).
func (s *Server) mfaForm(c echo.Context) error {
	if s.pendingUser(c) == 0 {
		return redirect(c, "/login")
	}
	return s.show(c, "auth/mfa", "mfa.login_title", loginData{Next: localPath(c.QueryParam("next"))})
}

// mfaVerify checks the second factor. A TOTP code is accepted once only (its time step is
// stored); a recovery code once only. Failures count toward the throttle.
func (s *Server) mfaVerify(c echo.Context) error {
	ctx := c.Request().Context()
	next := localPath(c.FormValue("next"))
	uid := s.pendingUser(c)
	if uid == 0 {
		return redirect(c, "/login")
	}
	cred, err := s.store.CredentialsByID(ctx, uid)
	if err != nil {
		return err
	}
	anon := auth.Actor{Login: "anonymous", RequestID: reqID(c), IP: c.RealIP()}
	if err := s.throttled(c, anon, cred.Login, cred.UnitID); err != nil {
		return s.mfaRefused(c, next, err)
	}
	code := c.FormValue("code")
	var proof store.SecondFactor
	if auth.IsRecoveryCodeShape(code) {
		proof.Recovery = auth.HashRecoveryCode(code)
	} else if step, ok := auth.MatchTOTP(cred.TOTPSecret, code, s.now(), cred.TOTPLastStep); ok {
		proof.Step = step
	} else {
		s.loginFailed(c, anon, cred.Login, cred.User, "bad_code", true)
		return s.mfaRefused(c, next, store.ErrBadCode)
	}
	err = s.finishLogin(c, cred.User, proof, next)
	if apperr.Is(err, apperr.Invalid) {
		s.loginFailed(c, anon, cred.Login, cred.User, "bad_code", true)
		return s.mfaRefused(c, next, store.ErrBadCode)
	}
	return err
}

func (s *Server) mfaRefused(c echo.Context, next string, e error) error {
	ae, ok := apperr.As(e)
	if !ok {
		return e
	}
	return s.render(c, statusOf[ae.Code], "auth/mfa", "", s.newPage(c, "mfa.login_title", loginData{Next: next, Error: ae}))
}

// finishLogin records the sign-in (consuming the second factor) and opens the session.
func (s *Server) finishLogin(c echo.Context, u auth.User, proof store.SecondFactor, next string) error {
	actor := u.Actor(reqID(c), c.RealIP())
	u, err := s.store.CompleteLogin(c.Request().Context(), actor, proof)
	if err != nil {
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	factor := "password"
	switch {
	case proof.Step > 0:
		factor = "totp"
	case proof.Recovery != nil:
		factor = "recovery_code"
		s.securityLog(c, "mfa_recovery_used", &actor)
	}
	s.securityLog(c, "login", &actor, "factor", factor)
	c.Set(ctxLang, u.Lang)
	if !u.MFAEnabled() && !u.MustEnrolMFA(s.id.mfaGrace, s.now()) {
		setFlash(c, "warning", s.msg(c, "mfa.grace_notice", "Deadline", i18n.DateTime(langOf(c), u.MFADeadline(s.id.mfaGrace, s.now()))))
	}
	return redirect(c, next)
}

// logout ends the session.
func (s *Server) logout(c echo.Context) error {
	a := actorOf(c)
	if err := s.id.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	if a != nil {
		// In the audit trail like the sign-in it ends (DESIGN.md §7). Recorded after the
		// session is gone and on its own: signing out never fails for want of its event.
		s.securityLog(c, "logout", a)
		s.auditRefusal(c, *a, store.SecurityEvent{UnitID: a.UnitID, Action: "logout", Entity: "user", EntityID: strconv.FormatInt(a.UserID, 10)})
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}
