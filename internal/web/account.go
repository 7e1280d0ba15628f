package web

import (
	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/store"
)

// accountData is the signed-in user's own page.
type accountData struct {
	User          store.UserDetail
	MFADeadline   string
	RecoveryLeft  int
	MustEnrol     bool
	MustChangePwd bool
	Error         *apperr.Error
}

// accountPage shows who the user is, its unit and roles, its second factor and links to
// change its password and manage its API tokens.
func (s *Server) accountPage(c echo.Context) error {
	ctx := c.Request().Context()
	a := mustActor(c)
	d, err := s.store.Account(ctx, a)
	if err != nil {
		return err
	}
	left, err := s.store.RecoveryCodesLeft(ctx, a.UserID)
	if err != nil {
		return err
	}
	p := s.newPage(c, "", nil)
	return s.show(c, "account/index", "account.title", accountData{
		User: d, RecoveryLeft: left, MFADeadline: p.DateTime(d.MFADeadline(s.id.mfaGrace, s.now())),
	})
}

// passwordForm shows the form to change one's password (required after a reset).
func (s *Server) passwordForm(c echo.Context) error {
	return s.showPasswordForm(c, 200, nil)
}

func (s *Server) showPasswordForm(c echo.Context, status int, e *apperr.Error) error {
	u, _, err := s.store.SessionUser(c.Request().Context(), mustActor(c).UserID)
	if err != nil {
		return err
	}
	return s.render(c, status, "account/password", "", s.newPage(c, "password.title", accountData{MustChangePwd: u.MustChangePassword, Error: e}))
}

// changePassword changes one's own password after checking the current one. Other
// sessions of the user end; this one continues with a new session id.
func (s *Server) changePassword(c echo.Context) error {
	ctx := c.Request().Context()
	a := mustActor(c)
	cred, err := s.store.CredentialsByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	anon := auth.Actor{Login: a.Login, RequestID: a.RequestID, IP: a.IP}
	if err := s.throttled(c, anon, a.Login, a.UnitID); err != nil {
		return s.passwordRefused(c, err)
	}
	current, next, again := c.FormValue("current"), c.FormValue("password"), c.FormValue("confirm")
	if !auth.CheckPassword(current, cred.PasswordHash) {
		s.loginFailed(c, anon, a.Login, cred.User, "bad_current_password", true)
		return s.passwordRefused(c, apperr.New(apperr.Invalid, "Mật khẩu hiện tại không đúng.", "The current password is wrong.").OnField("current"))
	}
	if err := auth.ValidateNewPassword(next, a.Login); err != nil {
		return s.passwordRefused(c, err)
	}
	if auth.NormalizePassword(next) != auth.NormalizePassword(again) {
		return s.passwordRefused(c, apperr.New(apperr.Invalid, "Hai lần nhập mật khẩu mới không khớp.", "The two new passwords differ.").OnField("confirm"))
	}
	if auth.NormalizePassword(next) == auth.NormalizePassword(current) {
		return s.passwordRefused(c, apperr.New(apperr.Invalid, "Mật khẩu mới phải khác mật khẩu hiện tại.", "The new password must differ from the current one.").OnField("password"))
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	epoch, err := s.store.ChangeOwnPassword(ctx, a, hash)
	if err != nil {
		return err
	}
	u, _, err := s.store.SessionUser(ctx, a.UserID)
	if err != nil {
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	s.id.sessions.Put(ctx, sessEpoch, epoch)
	s.securityLog(c, "password_change", &a)
	setFlash(c, "success", s.msg(c, "password.changed"))
	return redirect(c, "/account")
}

func (s *Server) passwordRefused(c echo.Context, err error) error {
	ae, ok := apperr.As(err)
	if !ok {
		return err
	}
	return s.showPasswordForm(c, statusOf[ae.Code], ae)
}
