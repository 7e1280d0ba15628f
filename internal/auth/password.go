package auth

import (
	"bufio"
	"crypto/rand"
	"embed"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"congquy/internal/apperr"
)

// Password rules (TESTING.md row 19). A passphrase is kept whole: it is normalised to
// Unicode NFC (so that "ế" typed as one code point or as e + two combining marks is the
// same password) and hashed in full by argon2id, which has no length limit; nothing is
// truncated. The upper bound only refuses absurd input before hashing.
const (
	MinPasswordRunes = 10
	MaxPasswordRunes = 512
)

// PasswordParams are the argon2id parameters of new hashes: OWASP's recommended
// m=46 MiB, t=1, p=1 (Password Storage Cheat Sheet). Stored hashes carry their own
// parameters, so raising these later does not invalidate existing passwords.
var PasswordParams = &argon2id.Params{Memory: 46 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// NormalizePassword returns the password in Unicode NFC. It never trims or truncates.
func NormalizePassword(pw string) string { return norm.NFC.String(pw) }

// ValidateNewPassword checks a password a user chooses: long enough, not absurdly long,
// not the login, not a common password.
func ValidateNewPassword(pw, login string) error {
	pw = NormalizePassword(pw)
	n := utf8.RuneCountInString(pw)
	folded := cases.Fold().String(pw)
	switch {
	case !utf8.ValidString(pw):
		return apperr.New(apperr.Invalid, "Mật khẩu chứa ký tự không hợp lệ.", "The password contains invalid characters.").OnField("password")
	case n < MinPasswordRunes:
		return apperr.Newf(apperr.Invalid, "Mật khẩu cần ít nhất %d ký tự; một câu dài dễ nhớ là tốt nhất.",
			"The password needs at least %d characters; a long sentence you remember is best.", MinPasswordRunes).OnField("password")
	case n > MaxPasswordRunes:
		return apperr.Newf(apperr.Invalid, "Mật khẩu dài tối đa %d ký tự.", "The password may have at most %d characters.", MaxPasswordRunes).OnField("password")
	case login != "" && strings.Contains(folded, cases.Fold().String(login)):
		return apperr.New(apperr.Invalid, "Mật khẩu không được chứa tên đăng nhập.", "The password must not contain the login.").OnField("password")
	case distinctRunes(pw) < 4 || IsCommonPassword(pw):
		return apperr.New(apperr.Invalid, "Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác.",
			"This password is too common and easy to guess; choose another.").OnField("password")
	}
	return nil
}

func distinctRunes(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// HashPassword returns the argon2id hash of the NFC-normalised password.
func HashPassword(pw string) (string, error) {
	return argon2id.CreateHash(NormalizePassword(pw), PasswordParams)
}

// dummyHash is compared against when a login does not exist, so that an unknown login
// costs as much time as a wrong password and timing reveals nothing.
var dummyHash = sync.OnceValue(func() string {
	h, _ := argon2id.CreateHash("congquy: no such user", PasswordParams)
	return h
})

// CheckPassword reports whether pw matches hash. An empty hash (no password set) never
// matches, but still costs one hash computation.
func CheckPassword(pw, hash string) bool {
	if hash == "" {
		hash = dummyHash()
		pw = "\x00" + pw
	}
	ok, err := argon2id.ComparePasswordAndHash(NormalizePassword(pw), hash)
	return err == nil && ok
}

// passwordAlphabet has no look-alike characters (no 0/O, 1/l/I).
const passwordAlphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// GeneratePassword returns a random temporary password of four groups of five
// characters (about 115 bits), e.g. "Kp7dQ-xr2Mv-…", for a new user or a credential reset.
func GeneratePassword() string {
	return randomGroups(passwordAlphabet, 4, 5)
}

func randomGroups(alphabet string, groups, size int) string {
	var b strings.Builder
	buf := make([]byte, groups*size)
	_, _ = rand.Read(buf)
	for i, x := range buf {
		if i > 0 && i%size == 0 {
			b.WriteByte('-')
		}
		// 256 is not a multiple of the alphabet's length; the bias is negligible for a
		// temporary password but avoided anyway by rejection.
		for int(x) >= 256-256%len(alphabet) {
			var one [1]byte
			_, _ = rand.Read(one[:])
			x = one[0]
		}
		b.WriteByte(alphabet[int(x)%len(alphabet)])
	}
	return b.String()
}

//go:embed commonpw/*.lst
var commonFiles embed.FS

var commonSet = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	entries, _ := commonFiles.ReadDir("commonpw")
	for _, e := range entries {
		f, err := commonFiles.Open("commonpw/" + e.Name())
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			set[cases.Fold().String(norm.NFC.String(line))] = true
		}
		_ = f.Close()
	}
	return set
})

// IsCommonPassword reports whether the password, compared case-insensitively after NFC,
// is on the shipped lists of common passwords (commonpw/README.md names their sources).
func IsCommonPassword(pw string) bool {
	return commonSet()[cases.Fold().String(NormalizePassword(pw))]
}
