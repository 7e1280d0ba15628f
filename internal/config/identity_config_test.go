package config

import (
	"strings"
	"testing"
	"time"
)

func TestIdentitySettings(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c := Load(env(nil))
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.MFAGrace != 72*time.Hour || c.SessionIdle != 30*time.Minute || c.SessionMax != 12*time.Hour {
		t.Fatalf("defaults: grace %s idle %s max %s", c.MFAGrace, c.SessionIdle, c.SessionMax)
	}
	c = Load(env(map[string]string{"CONGQUY_MFA_GRACE": "0s", "CONGQUY_SESSION_IDLE": "15m", "CONGQUY_SESSION_MAX": "8h"}))
	if err := c.Validate(); err != nil || c.MFAGrace != 0 || c.SessionMax != 8*time.Hour {
		t.Fatalf("valid settings: %v %+v", err, c)
	}
	for name, v := range map[string]string{"CONGQUY_MFA_GRACE": "-1h", "CONGQUY_SESSION_IDLE": "10s", "CONGQUY_SESSION_MAX": "1m"} {
		c := Load(env(map[string]string{name: v}))
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: err = %v, want one naming the variable", name, v, err)
		}
	}
	c = Load(env(map[string]string{"CONGQUY_MFA_GRACE": "three days"}))
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "CONGQUY_MFA_GRACE") {
		t.Errorf("a grace that is not a duration: %v", err)
	}
}
