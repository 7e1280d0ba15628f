package store_test

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"congquy/internal/auth"
	"congquy/internal/store"
	"congquy/internal/testdb"
)

// pgTool finds a PostgreSQL client program: on PATH, else the newest installed version.
func pgTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(found) == 0 {
		t.Skipf("%s is not installed", name)
	}
	sort.Strings(found)
	return found[len(found)-1]
}

// TESTING.md row 28: pg_dump → restore into a new database → the invariant checker and
// the chain verification pass there, checkpoints included.
func TestBackupRestore(t *testing.T) {
	st, owner := mustStore(t)
	ctx := context.Background()
	dept := mustUnit(t, st, nil, "D")
	office := mustUnit(t, st, &dept.ID, "O")
	for i := range 20 {
		mustPost(t, st, office.ID, day(2026, time.Month(1+i%3), 1+i), ln("611", int64(1000+i), 0), ln("112", 0, int64(1000+i)))
	}
	p := mustPost(t, st, dept.ID, day(2026, 3, 5), ln("211", 9_000_000, 0), ln("331", 0, 9_000_000))
	if _, err := st.ReverseEntry(ctx, auth.System("test"), p.ID, day(2026, 3, 6), "sai"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClosePeriod(ctx, auth.System("test"), office.ID, day(2026, 1, 1)); err != nil {
		t.Fatal(err)
	}
	mustCheckpoint(t, st)
	mustPost(t, st, office.ID, day(2026, 4, 1), ln("611", 5, 0), ln("112", 0, 5))
	if _, err := st.SealAll(ctx); err != nil {
		t.Fatal(err)
	}

	dump := filepath.Join(t.TempDir(), "congquy.dump")
	if out, err := exec.Command(pgTool(t, "pg_dump"), "--format=custom", "--file="+dump, "--dbname="+owner).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	restored := newEmptyDatabase(t)
	if out, err := exec.Command(pgTool(t, "pg_restore"), "--exit-on-error", "--dbname="+restored, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	st2, err := store.Open(ctx, store.AppURL(restored), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if err := st2.CheckSchema(ctx); err != nil {
		t.Fatalf("restored schema: %v", err)
	}
	mustNoViolations(t, st2)
	rep, err := st2.VerifyAudit(ctx, store.VerifyOptions{PublicKey: testKey.Public().(ed25519.PublicKey)})
	if err != nil || !rep.OK() || rep.Checkpoints != 1 {
		t.Fatalf("verify restored: %+v %v", rep, err)
	}
	var a, b int
	_ = st.DB().Get(&a, `SELECT count(*) FROM journal_lines`)
	_ = st2.DB().Get(&b, `SELECT count(*) FROM journal_lines`)
	if a != b || a == 0 {
		t.Fatalf("journal lines %d, restored %d", a, b)
	}
	// The restored database is live: postings work and the closed period stays closed.
	mustPost(t, st2, office.ID, day(2026, 4, 2), ln("611", 5, 0), ln("112", 0, 5))
	if _, err := st2.SealAll(ctx); err != nil {
		t.Fatal(err)
	}
	mustNoViolations(t, st2)
}

// newEmptyDatabase creates an empty database on the test server, dropped at the end.
func newEmptyDatabase(t *testing.T) string {
	t.Helper()
	srv := testdb.Server(t)
	admin, err := sql.Open("postgres", srv.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "congquy_restore_" + itoa(int64(len(t.Name())))
	name += "_" + filepath.Base(t.TempDir())
	name = sanitize(name)
	if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("postgres", srv.AdminURL)
		if err == nil {
			_, _ = db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
			db.Close()
		}
	})
	return srv.URLFor(name)
}

func sanitize(s string) string {
	out := []byte{}
	for i := 0; i < len(s) && len(out) < 60; i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' {
			out = append(out, c)
		}
	}
	return string(out)
}
