package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/skip2/go-qrcode"

	"congquy/internal/apperr"
	"congquy/internal/auth"
)

// mfaData is the second-factor page: either the enrolment (QR code, secret, code field)
// or, once enrolled, its state and the recovery codes' renewal.
type mfaData struct {
	Enabled      bool
	MustEnrol    bool
	Deadline     string
	RecoveryLeft int
	Secret       string
	QR           template.URL // data:image/png;base64,… (the CSP allows img data:)
	Issued       int64
	MAC          string
	Codes        []string // recovery codes, shown once after enrolment or renewal
	Error        *apperr.Error
}

// enrolLifetime bounds how long an enrolment form stays valid.
const enrolLifetime = 15 * time.Minute

// mfaPage shows the enrolment form (a fresh secret on every visit: nothing is stored
// until a code proves the authenticator has it) or the state of the second factor.
func (s *Server) mfaPage(c echo.Context) error {
	return s.showMFA(c, http.StatusOK, nil)
}

func (s *Server) showMFA(c echo.Context, status int, e *apperr.Error) error {
	ctx := c.Request().Context()
	a := mustActor(c)
	u, _, err := s.store.SessionUser(ctx, a.UserID)
	if err != nil {
		return err
	}
	p := s.newPage(c, "", nil)
	d := mfaData{Enabled: u.MFAEnabled(), MustEnrol: u.MustEnrolMFA(s.id.mfaGrace, s.now()),
		Deadline: p.DateTime(u.MFADeadline(s.id.mfaGrace, s.now())), Error: e}
	if d.Enabled {
		if d.RecoveryLeft, err = s.store.RecoveryCodesLeft(ctx, a.UserID); err != nil {
			return err
		}
	} else {
		key, err := auth.NewTOTPKey(s.id.issuer, a.Login)
		if err != nil {
			return fmt.Errorf("new TOTP key: %w", err)
		}
		png, err := qrcode.Encode(key.URL(), qrcode.Medium, 240)
		if err != nil {
			return fmt.Errorf("QR code: %w", err)
		}
		d.Secret, d.Issued = key.Secret(), s.now().Unix()
		d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)) //nolint:gosec // built here from our own PNG
		d.MAC = s.enrolMAC(a.UserID, d.Secret, d.Issued)
	}
	return s.render(c, status, "account/mfa", "", s.newPage(c, "mfa.title", d))
}

// enrolMAC binds an enrolment form's secret to the user and the time it was issued, so
// that the secret posted back is one this server made for this user, recently.
func (s *Server) enrolMAC(uid int64, secret string, issued int64) string {
	m := hmac.New(sha256.New, s.id.key)
	fmt.Fprintf(m, "congquy-totp-enrol\x00%d\x00%s\x00%d", uid, secret, issued)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// mfaEnrol confirms an authenticator with a code from it, then shows the recovery codes
// once.
func (s *Server) mfaEnrol(c echo.Context) error {
	a := mustActor(c)
	secret, mac := c.FormValue("secret"), c.FormValue("mac")
	issued, _ := strconv.ParseInt(c.FormValue("issued"), 10, 64)
	age := s.now().Sub(time.Unix(issued, 0))
	if !hmac.Equal([]byte(mac), []byte(s.enrolMAC(a.UserID, secret, issued))) || age < -time.Minute || age > enrolLifetime {
		return s.showMFA(c, http.StatusUnprocessableEntity, apperr.New(apperr.Invalid,
			"Biểu mẫu đăng ký đã hết hạn; hãy quét mã QR mới.", "The enrolment form has expired; scan the new QR code."))
	}
	step, ok := auth.MatchTOTP(secret, c.FormValue("code"), s.now(), 0)
	if !ok {
		s.securityLog(c, "mfa_failed", &a, "stage", "enrol")
		return s.showMFA(c, http.StatusUnprocessableEntity, apperr.New(apperr.Invalid,
			"Mã không đúng. Hãy kiểm tra giờ trên điện thoại và nhập mã đang hiển thị.",
			"The code is wrong. Check the phone's clock and enter the code shown now.").OnField("code"))
	}
	codes, hashes := auth.NewRecoveryCodes()
	if err := s.store.EnableTOTP(c.Request().Context(), a, secret, step, hashes); err != nil {
		return err
	}
	s.securityLog(c, "mfa_enrol", &a)
	return s.render(c, http.StatusOK, "account/recovery", "", s.newPage(c, "mfa.recovery_title", mfaData{Enabled: true, Codes: codes}))
}

// mfaRecovery issues new recovery codes (the old ones stop working) after a fresh code
// from the authenticator.
func (s *Server) mfaRecovery(c echo.Context) error {
	ctx := c.Request().Context()
	a := mustActor(c)
	cred, err := s.store.CredentialsByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	if cred.TOTPSecret == "" {
		return redirect(c, "/account/mfa")
	}
	step, ok := auth.MatchTOTP(cred.TOTPSecret, c.FormValue("code"), s.now(), cred.TOTPLastStep)
	codes, hashes := auth.NewRecoveryCodes()
	if ok {
		err = s.store.RegenerateRecoveryCodes(ctx, a, step, hashes)
	}
	if !ok || apperr.Is(err, apperr.Invalid) {
		s.securityLog(c, "mfa_failed", &a, "stage", "recovery_codes")
		return s.showMFA(c, http.StatusUnprocessableEntity, apperr.New(apperr.Invalid,
			"Mã không đúng hoặc đã được dùng.", "The code is wrong or has been used already.").OnField("code"))
	}
	if err != nil {
		return err
	}
	s.securityLog(c, "mfa_recovery_regenerate", &a)
	return s.render(c, http.StatusOK, "account/recovery", "", s.newPage(c, "mfa.recovery_title", mfaData{Enabled: true, Codes: codes}))
}
