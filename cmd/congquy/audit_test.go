package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"congquy/internal/testdb"
)

// `congquy audit checkpoint` writes a signed file and `audit verify` passes; after an
// intruder cuts the chain's tail, `audit verify --checkpoint FILE` fails with exit status
// 1 and names where.
func TestAuditCommands(t *testing.T) {
	owner := testdb.New(t)
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": owner, "CONGQUY_DATA_DIR": dir,
		"CONGQUY_SIGNING_KEY_FILE": filepath.Join(dir, "keys", "audit.key"), "CONGQUY_LOG_LEVEL": "error"}
	run1 := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
		return out.String() + errOut.String(), err
	}
	if out, err := run1("demo"); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "cp.json")
	out, err := run1("audit", "checkpoint", "--out", file)
	if err != nil || !strings.Contains(out, "signed with key") {
		t.Fatalf("checkpoint: %v\n%s", err, out)
	}
	if st, err := os.Stat(env["CONGQUY_SIGNING_KEY_FILE"]); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("signing key file: %v %v", st, err)
	}
	if out, err := run1("audit", "verify", "--checkpoint", file); err != nil || !strings.Contains(out, "OK") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	if out, err := run1("check"); err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
	db, err := sql.Open("postgres", owner)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, _ := db.Begin()
	_, _ = tx.Exec(`SET LOCAL session_replication_role = replica`)
	_, _ = tx.Exec(`DELETE FROM audit_checkpoints`)
	if _, err := tx.Exec(`DELETE FROM audit_seals WHERE (chain, seq) IN (SELECT chain, max(seq) FROM audit_seals GROUP BY chain)`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	out, err = run1("audit", "verify", "--checkpoint", file, "--unsealed-after", "1h")
	var ec exitCode
	if !errors.As(err, &ec) || ec != 1 || !strings.Contains(out, "first bad event") || !strings.Contains(out, "tail was cut") {
		t.Fatalf("verify after a cut: %v\n%s", err, out)
	}
}
