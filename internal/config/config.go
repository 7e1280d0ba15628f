// Package config reads congquy's configuration from the environment and flags and
// validates it once, at start, with messages that say which variable is wrong and why.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Config is everything congquy needs to start. It is built by Load and passed down
// explicitly; nothing reads the environment after start.
type Config struct {
	// DatabaseURL is the owner connection (migrations, demo data). Empty means: use the
	// local server on the default port if one answers, else a private cluster in DataDir.
	DatabaseURL string
	// AppDatabaseURL is the connection the application serves with. Empty means: the
	// owner connection with the restricted role congquy_app set at connection start.
	AppDatabaseURL string
	// Addr is the listen address of the HTTP server.
	Addr string
	// BaseURL is the address users reach congquy at (links in exports, TOTP issuer).
	BaseURL string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// TrustedProxies are the networks whose X-Forwarded-For header is believed.
	TrustedProxies []netip.Prefix
	// MetricsAllow are the networks allowed to read /metrics.
	MetricsAllow []netip.Prefix
	// DataDir holds the private PostgreSQL cluster and, by default, the key files.
	DataDir string
	// SessionKeyFile holds the secret that signs session-independent cookies (CSRF).
	SessionKeyFile string
	// SigningKeyFile holds the Ed25519 key that signs audit checkpoints; it must live
	// outside the database.
	SigningKeyFile string
	// ShutdownTimeout bounds the graceful shutdown on SIGTERM.
	ShutdownTimeout time.Duration
	// RequestTimeout bounds one request's work.
	RequestTimeout time.Duration
	// MFAGrace is how long after their first sign-in users may work without a second
	// factor; after it they must enrol one before anything else. 0 means at once.
	MFAGrace time.Duration
	// SealInterval is how often `serve` seals new audit events into their chains; 0 means
	// this process does not seal (another instance does, or a benchmark measures the
	// posting path without it). Events wait unsealed until some sealer runs.
	SealInterval time.Duration
	// SessionIdle ends a session after this long without a request.
	SessionIdle time.Duration
	// SessionMax ends a session this long after sign-in, whatever the activity.
	SessionMax time.Duration

	rawProxies, rawMetrics, rawShutdown, rawRequest string
	rawMFAGrace, rawSessionIdle, rawSessionMax      string
	rawSealInterval                                 string
}

// Defaults for the settings that have one.
const (
	DefaultAddr    = ":8080"
	DefaultBaseURL = "http://localhost:8080"
	DefaultDataDir = ".data"
)

// Load builds a Config from getenv (os.Getenv in main, a map in tests). Flags registered
// by Flags may override it afterwards; call Validate after parsing them.
func Load(getenv func(string) string) Config {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		DatabaseURL:     get("DATABASE_URL", ""),
		AppDatabaseURL:  get("CONGQUY_APP_DATABASE_URL", ""),
		Addr:            get("CONGQUY_ADDR", DefaultAddr),
		BaseURL:         get("CONGQUY_BASE_URL", DefaultBaseURL),
		LogLevel:        get("CONGQUY_LOG_LEVEL", "info"),
		DataDir:         get("CONGQUY_DATA_DIR", DefaultDataDir),
		SessionKeyFile:  get("CONGQUY_SESSION_KEY_FILE", ""),
		SigningKeyFile:  get("CONGQUY_SIGNING_KEY_FILE", ""),
		ShutdownTimeout: 30 * time.Second,
		RequestTimeout:  60 * time.Second,
	}
	c.rawProxies = get("CONGQUY_TRUSTED_PROXIES", "")
	c.rawMetrics = get("CONGQUY_METRICS_ALLOW", "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16")
	c.rawShutdown = get("CONGQUY_SHUTDOWN_TIMEOUT", "")
	c.rawRequest = get("CONGQUY_REQUEST_TIMEOUT", "")
	c.rawMFAGrace = get("CONGQUY_MFA_GRACE", "72h")
	c.rawSealInterval = get("CONGQUY_AUDIT_SEAL_INTERVAL", "200ms")
	c.rawSessionIdle = get("CONGQUY_SESSION_IDLE", "30m")
	c.rawSessionMax = get("CONGQUY_SESSION_MAX", "12h")
	return c
}

// Flags registers the command-line overrides of the settings a person changes most.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (CONGQUY_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public base URL (CONGQUY_BASE_URL)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (CONGQUY_LOG_LEVEL)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory for the private database and keys (CONGQUY_DATA_DIR)")
	fs.StringVar(&c.rawProxies, "trusted-proxies", c.rawProxies, "comma-separated CIDRs of trusted reverse proxies (CONGQUY_TRUSTED_PROXIES)")
}

// Validate checks every setting, fills in derived defaults, and returns all problems at
// once, one per line, each naming its variable.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("CONGQUY_ADDR %q is not a listen address like :8080 or 127.0.0.1:8080: %v", c.Addr, err)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("CONGQUY_BASE_URL %q must be an absolute http(s) URL such as https://congquy.example.gov.vn", c.BaseURL)
	}
	if _, err := c.SlogLevel(); err != nil {
		bad("CONGQUY_LOG_LEVEL: %v", err)
	}
	var err error
	if c.TrustedProxies, err = parsePrefixes(c.rawProxies); err != nil {
		bad("CONGQUY_TRUSTED_PROXIES: %v", err)
	}
	if c.MetricsAllow, err = parsePrefixes(c.rawMetrics); err != nil {
		bad("CONGQUY_METRICS_ALLOW: %v", err)
	}
	if c.rawShutdown != "" {
		if c.ShutdownTimeout, err = time.ParseDuration(c.rawShutdown); err != nil || c.ShutdownTimeout <= 0 {
			bad("CONGQUY_SHUTDOWN_TIMEOUT %q must be a positive duration such as 30s", c.rawShutdown)
		}
	}
	if c.rawRequest != "" {
		if c.RequestTimeout, err = time.ParseDuration(c.rawRequest); err != nil || c.RequestTimeout <= 0 {
			bad("CONGQUY_REQUEST_TIMEOUT %q must be a positive duration such as 60s", c.rawRequest)
		}
	}
	c.validateIdentity(bad)
	for _, u := range []struct{ name, val string }{{"DATABASE_URL", c.DatabaseURL}, {"CONGQUY_APP_DATABASE_URL", c.AppDatabaseURL}} {
		if u.val != "" && !strings.HasPrefix(u.val, "postgres://") && !strings.HasPrefix(u.val, "postgresql://") && !strings.Contains(u.val, "=") {
			bad("%s must be a postgres:// URL or a key=value connection string", u.name)
		}
	}
	if c.DataDir == "" {
		bad("CONGQUY_DATA_DIR must not be empty")
	}
	if c.SessionKeyFile == "" {
		c.SessionKeyFile = filepath.Join(c.DataDir, "keys", "session.key")
	}
	if c.SigningKeyFile == "" {
		c.SigningKeyFile = filepath.Join(c.DataDir, "keys", "audit-ed25519.key")
	}
	return errors.Join(errs...)
}

// SlogLevel returns the configured log level.
func (c *Config) SlogLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return 0, fmt.Errorf("%q is not one of debug, info, warn, error", c.LogLevel)
	}
	return l, nil
}

// Secure reports whether congquy is served over HTTPS (or on localhost, which browsers
// treat as secure), so that Secure and __Host- cookies work.
func (c *Config) Secure() bool {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return false
	}
	return u.Scheme == "https" || u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1"
}

func parsePrefixes(raw string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(raw, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("%q is not an IP address or CIDR", s)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8", s)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// validateIdentity checks the second-factor grace and the session timeouts.
func (c *Config) validateIdentity(bad func(string, ...any)) {
	var err error
	switch c.rawSealInterval {
	case "off", "0":
		c.SealInterval = 0
	default:
		if c.SealInterval, err = time.ParseDuration(c.rawSealInterval); err != nil || c.SealInterval < 10*time.Millisecond || c.SealInterval > time.Hour {
			bad("CONGQUY_AUDIT_SEAL_INTERVAL %q must be a duration from 10ms to 1h, or off", c.rawSealInterval)
		}
	}
	if c.MFAGrace, err = time.ParseDuration(c.rawMFAGrace); err != nil || c.MFAGrace < 0 || c.MFAGrace > 90*24*time.Hour {
		bad("CONGQUY_MFA_GRACE %q must be a duration from 0 to 2160h (90 days), such as 72h", c.rawMFAGrace)
	}
	if c.SessionIdle, err = time.ParseDuration(c.rawSessionIdle); err != nil || c.SessionIdle < time.Minute || c.SessionIdle > 24*time.Hour {
		bad("CONGQUY_SESSION_IDLE %q must be a duration from 1m to 24h, such as 30m", c.rawSessionIdle)
	}
	if c.SessionMax, err = time.ParseDuration(c.rawSessionMax); err != nil || c.SessionMax < c.SessionIdle || c.SessionMax > 7*24*time.Hour {
		bad("CONGQUY_SESSION_MAX %q must be a duration from CONGQUY_SESSION_IDLE to 168h, such as 12h", c.rawSessionMax)
	}
}
