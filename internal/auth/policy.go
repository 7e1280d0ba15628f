package auth

import "time"

// LoginThrottle limits failed sign-ins in a sliding window, per account and per client
// address. There is no permanent lockout: once the window has passed since the failures,
// attempts are accepted again (TESTING.md row 19).
type LoginThrottle struct {
	PerAccount int
	PerAddress int
	Window     time.Duration
}

// DefaultLoginThrottle allows 5 failures per account and 30 per address in 15 minutes.
var DefaultLoginThrottle = LoginThrottle{PerAccount: 5, PerAddress: 30, Window: 15 * time.Minute}

// Blocked reports whether a further attempt must wait, given the failures counted in the
// window for the account and for the address.
func (l LoginThrottle) Blocked(accountFailures, addressFailures int) bool {
	return accountFailures >= l.PerAccount || addressFailures >= l.PerAddress
}

// SessionPolicy bounds a signed-in session: Idle since the last request, Max since
// sign-in, whatever the activity.
type SessionPolicy struct {
	Idle time.Duration
	Max  time.Duration
}

// Expired reports whether a session opened at start and last used at seen has ended at now.
func (p SessionPolicy) Expired(start, seen, now time.Time) bool {
	return now.Sub(seen) >= p.Idle || now.Sub(start) >= p.Max
}
