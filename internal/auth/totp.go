package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP is the second factor (RFC 6238): 6 digits, 30-second steps, SHA-1, the settings
// every authenticator app understands.
const (
	TOTPPeriod = 30
	totpSkew   = 1 // accept the previous and the next step too (clock drift)
)

var totpOpts = totp.ValidateOpts{Period: TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPKey returns a fresh secret for an account, with its otpauth:// URL for the QR code.
func NewTOTPKey(issuer, account string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: TOTPPeriod, SecretSize: 20, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// TOTPStep returns the time step t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / TOTPPeriod }

// MatchTOTP checks a code against the secret at now, within one step of drift, and
// returns the step it matched. A step at or before lastStep is refused: a code that was
// used once (or an older one) can never be replayed.
func MatchTOTP(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if len(code) != 6 {
		return 0, false
	}
	now0 := TOTPStep(now)
	for step := now0 - totpSkew; step <= now0+totpSkew; step++ {
		if step <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*TOTPPeriod, 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// TOTPCode returns the code for the secret at t: for tests and for the enrolment check.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// recoveryAlphabet is Crockford-style base32 without look-alikes.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// RecoveryCodeCount is how many one-time recovery codes a user gets at enrolment.
const RecoveryCodeCount = 10

// NewRecoveryCodes returns fresh one-time recovery codes (shown to the user once) and
// their hashes (stored).
func NewRecoveryCodes() (codes []string, hashes [][]byte) {
	for range RecoveryCodeCount {
		c := randomGroups(recoveryAlphabet, 2, 5)
		codes = append(codes, c)
		hashes = append(hashes, HashRecoveryCode(c))
	}
	return codes, hashes
}

// HashRecoveryCode returns the SHA-256 of a recovery code as typed, ignoring case,
// spaces and dashes. The codes are random (about 50 bits), so a fast hash suffices.
func HashRecoveryCode(code string) []byte {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte("congquy-recovery:" + c))
	return sum[:]
}

// IsRecoveryCodeShape reports whether what the user typed looks like a recovery code
// rather than a TOTP code.
func IsRecoveryCodeShape(code string) bool {
	c := strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code))
	return len(c) == 10
}

// APITokenPrefix starts every API token, so that a leaked one is easy to recognise.
const APITokenPrefix = "cq_"

// NewAPIToken returns a fresh API token (shown to its owner once), its SHA-256 (stored)
// and a short prefix that identifies it in lists.
func NewAPIToken() (plain string, hash []byte, prefix string) {
	var b [32]byte
	_, _ = randRead(b[:])
	plain = APITokenPrefix + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
	return plain, HashAPIToken(plain), plain[:len(APITokenPrefix)+6]
}

// HashAPIToken returns the SHA-256 of an API token: a 256-bit random token needs no slow
// hash.
func HashAPIToken(plain string) []byte {
	sum := sha256.Sum256([]byte(plain))
	return sum[:]
}
