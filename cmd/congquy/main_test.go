package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"

	"congquy/internal/testdb"
)

func runCmd(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestVersionAndUsage(t *testing.T) {
	out, _, err := runCmd(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "congquy ") {
		t.Fatalf("version: %q %v", out, err)
	}
	_, errOut, err := runCmd(t, nil, "frobnicate")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: %q %v", errOut, err)
	}
	_, _, err = runCmd(t, map[string]string{"CONGQUY_LOG_LEVEL": "loud"}, "check")
	if err == nil || !strings.Contains(err.Error(), "CONGQUY_LOG_LEVEL") {
		t.Fatalf("bad configuration: %v", err)
	}
}

// migrate, demo and check work end to end against a database given by DATABASE_URL.
func TestMigrateDemoCheck(t *testing.T) {
	url := testdb.New(t)
	env := map[string]string{"DATABASE_URL": url, "CONGQUY_DATA_DIR": t.TempDir()}
	out, _, err := runCmd(t, env, "migrate", "up")
	if err != nil || !strings.Contains(out, "schema is current") {
		t.Fatalf("migrate up on a migrated database: %q %v", out, err)
	}
	out, _, err = runCmd(t, env, "migrate", "status")
	if err != nil || !strings.Contains(out, "applied") || strings.Contains(out, "pending") {
		t.Fatalf("migrate status: %q %v", out, err)
	}
	out, _, err = runCmd(t, env, "demo")
	if err != nil || !strings.Contains(out, "demo data loaded") {
		t.Fatalf("demo: %q %v", out, err)
	}
	if _, _, err = runCmd(t, env, "demo"); err == nil {
		t.Fatal("demo loaded twice")
	}
	out, _, err = runCmd(t, env, "check")
	if err != nil || !strings.Contains(out, " 0 violation(s)") {
		t.Fatalf("check: %q %v", out, err)
	}
}
