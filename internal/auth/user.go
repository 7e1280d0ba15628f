package auth

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"congquy/internal/apperr"
)

// User is a person who signs in to congquy (người dùng). It belongs to one unit and holds
// roles (Grants) on units within that unit's subtree.
type User struct {
	ID                 int64      `db:"id" json:"id"`
	UnitID             int64      `db:"unit_id" json:"unit_id"`
	Login              string     `db:"login" json:"login"`
	FullName           string     `db:"full_name" json:"full_name"`
	Email              string     `db:"email" json:"email"`
	Lang               string     `db:"lang" json:"lang"`
	DisabledAt         *time.Time `db:"disabled_at" json:"disabled_at,omitempty"`
	CreatedAt          time.Time  `db:"created_at" json:"created_at"`
	MustChangePassword bool       `db:"must_change_password" json:"must_change_password"`
	FirstLoginAt       *time.Time `db:"first_login_at" json:"first_login_at,omitempty"`
	LastLoginAt        *time.Time `db:"last_login_at" json:"last_login_at,omitempty"`
	TOTPEnabledAt      *time.Time `db:"totp_enabled_at" json:"totp_enabled_at,omitempty"`
	SessionEpoch       int64      `db:"session_epoch" json:"-"`
	Grants             []Grant    `db:"-" json:"grants"`
}

// Disabled reports whether the user may no longer sign in.
func (u User) Disabled() bool { return u.DisabledAt != nil }

// MFAEnabled reports whether the user has confirmed a TOTP authenticator.
func (u User) MFAEnabled() bool { return u.TOTPEnabledAt != nil }

// MFADeadline returns when the user must have a second factor: the grace after its first
// sign-in (the grace starts at the first sign-in, so a user created long ago still gets it).
func (u User) MFADeadline(grace time.Duration, now time.Time) time.Time {
	if u.FirstLoginAt == nil {
		return now.Add(grace)
	}
	return u.FirstLoginAt.Add(grace)
}

// MustEnrolMFA reports whether the user, having no second factor, is past its grace and
// may do nothing but enrol one.
func (u User) MustEnrolMFA(grace time.Duration, now time.Time) bool {
	return !u.MFAEnabled() && !now.Before(u.MFADeadline(grace, now))
}

// Actor returns the actor for a request made by this user.
func (u User) Actor(requestID, ip string) Actor {
	return Actor{UserID: u.ID, Login: u.Login, UnitID: u.UnitID, Grants: u.Grants, RequestID: requestID, IP: ip, Lang: u.Lang}
}

// Credentials is what signing in needs to know about a login.
type Credentials struct {
	User
	PasswordHash string `db:"password_hash"`
	TOTPSecret   string `db:"totp_secret"`
	TOTPLastStep int64  `db:"totp_last_step"`
}

// UserForm is what an administrator enters to create or edit a user. Fields a request
// may not choose (who created it, its status, its id) are not here: they cannot be
// mass-assigned.
type UserForm struct {
	Login    string
	FullName string
	Email    string
	UnitID   int64
	Lang     string
	Roles    []Role // roles on the user's own unit, at creation
	// Chosen says the password was chosen by its user (the demo data's printed passwords)
	// rather than being a temporary one to change at first sign-in. Forms never set it.
	Chosen bool
}

var loginShape = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// Normalize trims the fields and lower-cases the login and e-mail.
func (f *UserForm) Normalize() {
	f.Login = strings.ToLower(strings.TrimSpace(f.Login))
	f.FullName = strings.TrimSpace(f.FullName)
	f.Email = strings.ToLower(strings.TrimSpace(f.Email))
	if f.Lang != "en" {
		f.Lang = "vi"
	}
}

// Validate checks the form before it reaches the database.
func (f UserForm) Validate() error {
	switch {
	case !loginShape.MatchString(f.Login):
		return apperr.New(apperr.Invalid, "Tên đăng nhập gồm 2–64 ký tự a–z, 0–9, dấu chấm, gạch ngang, gạch dưới.",
			"A login is 2–64 characters a–z, 0–9, dot, hyphen or underscore.").OnField("login")
	case f.FullName == "" || utf8.RuneCountInString(f.FullName) > 200:
		return apperr.New(apperr.Invalid, "Họ tên dài 1–200 ký tự.", "The full name must be 1–200 characters.").OnField("full_name")
	case f.Email != "" && !validEmail(f.Email):
		return apperr.New(apperr.Invalid, "Địa chỉ thư điện tử không hợp lệ.", "The e-mail address is not valid.").OnField("email")
	case f.UnitID <= 0:
		return apperr.New(apperr.Invalid, "Hãy chọn đơn vị.", "Choose a unit.").OnField("unit_id")
	}
	for _, r := range f.Roles {
		if !ValidRole(r) {
			return apperr.New(apperr.Invalid, "Vai trò không hợp lệ.", "Unknown role.").OnField("roles")
		}
	}
	return nil
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254
}

// ValidRole reports whether r is one of congquy's roles.
func ValidRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}
