package config

import (
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestDefaults(t *testing.T) {
	c := Load(env(nil))
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if c.Addr != ":8080" || c.BaseURL != "http://localhost:8080" || c.LogLevel != "info" {
		t.Fatalf("defaults = %+v", c)
	}
	if c.SigningKeyFile != ".data/keys/audit-ed25519.key" || c.SessionKeyFile != ".data/keys/session.key" {
		t.Fatalf("key files = %q, %q", c.SigningKeyFile, c.SessionKeyFile)
	}
	if len(c.TrustedProxies) != 0 || len(c.MetricsAllow) == 0 {
		t.Fatalf("proxies %v metrics %v", c.TrustedProxies, c.MetricsAllow)
	}
	if !c.Secure() {
		t.Fatal("localhost should count as secure")
	}
}

func TestValidateNamesEveryBadVariable(t *testing.T) {
	c := Load(env(map[string]string{
		"CONGQUY_ADDR":             "8080",
		"CONGQUY_BASE_URL":         "localhost",
		"CONGQUY_LOG_LEVEL":        "loud",
		"CONGQUY_TRUSTED_PROXIES":  "10.0.0.0/8, not-an-ip",
		"CONGQUY_SHUTDOWN_TIMEOUT": "soon",
		"DATABASE_URL":             "mysql-ish",
	}))
	err := c.Validate()
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"CONGQUY_ADDR", "CONGQUY_BASE_URL", "CONGQUY_LOG_LEVEL", "CONGQUY_TRUSTED_PROXIES", "CONGQUY_SHUTDOWN_TIMEOUT", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestValues(t *testing.T) {
	c := Load(env(map[string]string{
		"CONGQUY_TRUSTED_PROXIES":  "10.1.2.3, 192.168.0.0/16",
		"CONGQUY_SHUTDOWN_TIMEOUT": "5s",
		"CONGQUY_BASE_URL":         "https://congquy.example.gov.vn",
		"DATABASE_URL":             "postgres://u@h/db",
	}))
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[0].String() != "10.1.2.3/32" {
		t.Fatalf("proxies = %v", c.TrustedProxies)
	}
	if c.ShutdownTimeout != 5*time.Second || !c.Secure() {
		t.Fatalf("config = %+v", c)
	}
}
