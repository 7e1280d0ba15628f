package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"golang.org/x/text/unicode/norm"

	"congquy/internal/apperr"
)

// TESTING.md row 19: argon2id with OWASP's parameters; long Vietnamese passphrases kept
// whole and compared in NFC; common passwords refused.
func TestPasswordHashing(t *testing.T) {
	if p := PasswordParams; p.Memory < 19*1024 || p.Iterations < 1 || p.KeyLength < 32 || p.SaltLength < 16 {
		t.Fatalf("argon2id parameters below OWASP's minimum: %+v", p)
	}
	// A 200-character Vietnamese passphrase, well past bcrypt's 72 bytes.
	phrase := ""
	for len([]rune(phrase)) < 200 {
		phrase += "Cần Thơ gạo trắng nước trong, ai đi đến đó lòng không muốn về. "
	}
	hash, err := HashPassword(phrase)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=47104,t=1,p=1$") {
		t.Fatalf("hash %q is not argon2id with the configured parameters", hash[:30])
	}
	params, _, _, err := argon2id.DecodeHash(hash)
	if err != nil || params.Memory != PasswordParams.Memory {
		t.Fatalf("decode: %+v %v", params, err)
	}
	runes := []rune(phrase)
	cases := []struct {
		name string
		pw   string
		want bool
	}{
		{"the passphrase", phrase, true},
		{"typed in decomposed form (NFD)", norm.NFD.String(phrase), true},
		{"last character changed", string(runes[:len(runes)-1]) + "!", false},
		{"cut to its first 72 bytes", phrase[:72], false},
		{"cut by one character", string(runes[:len(runes)-1]), false},
		{"without diacritics", "Can Tho gao trang nuoc trong", false},
		{"empty", "", false},
	}
	for _, c := range cases {
		if got := CheckPassword(c.pw, hash); got != c.want {
			t.Errorf("%s: match = %v, want %v", c.name, got, c.want)
		}
	}
	if CheckPassword("anything", "") {
		t.Error("an empty hash matched")
	}
}

func TestNewPasswordRules(t *testing.T) {
	cases := []struct {
		pw, login string
		ok        bool
	}{
		{"ngắn", "", false},
		{"1234567890", "", false},                  // Openwall list
		{"QWERTYUIOP", "", false},                  // Openwall list, any case
		{"matkhau123", "", false},                  // Vietnamese supplement
		{"Mật Khẩu 123", "", false},                // with diacritics, any case
		{"aaaaaaaaaaaa", "", false},                // too few distinct characters
		{"nguyenvana-2026", "nguyenvana", false},   // contains the login
		{strings.Repeat("dài ", 200), "", false},   // over the upper bound
		{"trời hôm nay nhiều mây cực", "an", true}, // a sentence
		{"Ke-toan truong 2026!", "ktt", true},
	}
	for _, c := range cases {
		err := ValidateNewPassword(c.pw, c.login)
		if (err == nil) != c.ok {
			t.Errorf("%q (login %q): err = %v, want ok %v", c.pw, c.login, err, c.ok)
		}
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.VI == "" || e.EN == "" || e.Field != "password" {
				t.Errorf("%q: error without both languages or field: %+v", c.pw, err)
			}
		}
	}
	if !IsCommonPassword("password") || IsCommonPassword("a sentence nobody else would choose") {
		t.Error("common password list not loaded")
	}
	for range 20 {
		if p := GeneratePassword(); ValidateNewPassword(p, "user") != nil || len(p) != 23 {
			t.Fatalf("generated password %q breaks the rules", p)
		}
	}
}

// TOTP codes are accepted within one step of drift and never twice.
func TestTOTP(t *testing.T) {
	key, err := NewTOTPKey("congquy", "ketoan")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 8, 0, 10, 0, time.UTC)
	code, err := TOTPCode(key.Secret(), now)
	if err != nil {
		t.Fatal(err)
	}
	step, ok := MatchTOTP(key.Secret(), code, now, 0)
	if !ok || step != TOTPStep(now) {
		t.Fatalf("fresh code refused: %v step %d", ok, step)
	}
	if _, ok := MatchTOTP(key.Secret(), code, now, step); ok {
		t.Fatal("the same code was accepted twice")
	}
	if _, ok := MatchTOTP(key.Secret(), code, now.Add(30*time.Second), 0); !ok {
		t.Fatal("code one step old refused")
	}
	if _, ok := MatchTOTP(key.Secret(), code, now.Add(90*time.Second), 0); ok {
		t.Fatal("code three steps old accepted")
	}
	later, _ := TOTPCode(key.Secret(), now.Add(30*time.Second))
	if _, ok := MatchTOTP(key.Secret(), later, now.Add(30*time.Second), step); !ok {
		t.Fatal("next step's code refused after this step was used")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := MatchTOTP(key.Secret(), bad, now, 0); ok {
			t.Errorf("code %q accepted", bad)
		}
	}
	if !strings.HasPrefix(key.URL(), "otpauth://totp/congquy:ketoan?") {
		t.Errorf("otpauth URL %q", key.URL())
	}
}

func TestRecoveryCodesAndTokens(t *testing.T) {
	codes, hashes := NewRecoveryCodes()
	if len(codes) != RecoveryCodeCount || len(hashes) != RecoveryCodeCount {
		t.Fatalf("%d codes", len(codes))
	}
	c := codes[0]
	if !IsRecoveryCodeShape(c) || string(HashRecoveryCode(strings.ToUpper(c))) != string(hashes[0]) ||
		string(HashRecoveryCode(" "+strings.ReplaceAll(c, "-", "")+" ")) != string(hashes[0]) {
		t.Fatalf("recovery code %q not recognised as typed", c)
	}
	if IsRecoveryCodeShape("123456") {
		t.Fatal("a TOTP code looks like a recovery code")
	}
	plain, hash, prefix := NewAPIToken()
	if !strings.HasPrefix(plain, APITokenPrefix) || !strings.HasPrefix(plain, prefix) || len(plain) < 40 || string(HashAPIToken(plain)) != string(hash) {
		t.Fatalf("token %q prefix %q", plain, prefix)
	}
	other, _, _ := NewAPIToken()
	if other == plain {
		t.Fatal("two tokens alike")
	}
}

func TestThrottleAndSessionPolicy(t *testing.T) {
	l := DefaultLoginThrottle
	if l.Blocked(l.PerAccount-1, l.PerAddress-1) || !l.Blocked(l.PerAccount, 0) || !l.Blocked(0, l.PerAddress) {
		t.Fatal("throttle thresholds")
	}
	p := SessionPolicy{Idle: 30 * time.Minute, Max: 12 * time.Hour}
	t0 := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	if p.Expired(t0, t0, t0.Add(29*time.Minute)) || !p.Expired(t0, t0, t0.Add(30*time.Minute)) ||
		!p.Expired(t0, t0.Add(12*time.Hour-time.Minute), t0.Add(12*time.Hour)) {
		t.Fatal("session policy")
	}
}

// Maker-checker: the author never approves its own draft; the approver needs the
// permission on a unit whose subtree holds the record.
func TestCheckMakerChecker(t *testing.T) {
	const dept, office, other = 1, 2, 3
	chief := Actor{UserID: 10, Grants: []Grant{{RoleChiefAccountant, dept}}, Subtrees: map[int64][]int64{dept: {dept, office}}}
	officer := Actor{UserID: 11, Grants: []Grant{{RoleFinanceOfficer, office}}}
	cases := []struct {
		name     string
		approver Actor
		drafter  int64
		unit     int64
		ok       bool
	}{
		{"another user's draft in the subtree", chief, 11, office, true},
		{"on the granted unit itself", chief, 11, dept, true},
		{"own draft", chief, 10, office, false},
		{"outside the subtree", chief, 11, other, false},
		{"without the permission", officer, 10, office, false},
		{"congquy itself", System("job"), 11, office, false},
	}
	for _, c := range cases {
		err := CheckMakerChecker(c.approver, c.drafter, c.unit, PermSpendApprove)
		if (err == nil) != c.ok || (err != nil && !apperr.Is(err, apperr.Forbidden)) {
			t.Errorf("%s: err = %v, want ok %v", c.name, err, c.ok)
		}
	}
}
