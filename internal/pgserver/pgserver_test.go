package pgserver

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestWithDatabase(t *testing.T) {
	tests := []struct{ dsn, db, want string }{
		{"postgres://u:p@h:5/a?sslmode=disable", "b", "postgres://u:p@h:5/b?sslmode=disable"},
		{"postgresql://h/a", "postgres", "postgresql://h/postgres"},
		{"postgres://h", "x", "postgres://h/x"},
		{"host=h dbname=a", "b", "host=h dbname=a dbname='b'"},
		{"host=h", "o'k", `host=h dbname='o\'k'`},
	}
	for _, tt := range tests {
		if got := withDatabase(tt.dsn, tt.db); got != tt.want {
			t.Errorf("withDatabase(%q, %q) = %q, want %q", tt.dsn, tt.db, got, tt.want)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		sign int
	}{
		{"9.6", "15", -1}, {"15", "9.6", 1}, {"16", "16", 0}, {"10", "9", 1}, {"15.2", "15.10", -1},
	}
	for _, tt := range tests {
		got := compareVersions(tt.a, tt.b)
		if (got > 0) != (tt.sign > 0) || (got < 0) != (tt.sign < 0) {
			t.Errorf("compareVersions(%q, %q) = %d, want sign %d", tt.a, tt.b, got, tt.sign)
		}
	}
}

// TestPrivateCluster starts a private cluster, keeps data across a restart,
// and checks it runs as a non-root user when the test runs as root.
func TestPrivateCluster(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(mustTempDir(t), "pg")
	o := Options{DataDir: dir, SkipLocal: true, Ephemeral: true, Logger: testLogger(t)}

	s := mustStart(t, o)
	if !s.Private {
		t.Fatalf("Private = false, want true")
	}
	if got := mustQueryInt(t, s.URL, "SELECT 1"); got != 1 {
		t.Fatalf("SELECT 1 = %d", got)
	}
	if os.Geteuid() == 0 {
		if uid := processUID(t, dir); uid == 0 {
			t.Errorf("postmaster runs as root")
		}
	}
	mustExec(t, s.URL, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")
	mustStop(t, s)
	mustStop(t, s) // idempotent
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("postmaster.pid still there after Stop: %v", err)
	}

	mustWriteStalePid(t, dir)
	o.Ephemeral = false
	s = mustStart(t, o)
	if got := mustQueryInt(t, s.URL, "SELECT x FROM kept"); got != 42 {
		t.Fatalf("after restart, kept.x = %d, want 42", got)
	}
	if err := ensureDatabase(ctx, s.AdminURL, "other"); err != nil {
		t.Fatal(err)
	}
	if got := mustQueryInt(t, s.URLFor("other"), "SELECT 2"); got != 2 {
		t.Fatalf("URLFor: SELECT 2 = %d", got)
	}
	mustStop(t, s)
}

// TestPrivateClusterShared checks that the last user, not the first, stops
// a cluster two users share.
func TestPrivateClusterShared(t *testing.T) {
	dir := filepath.Join(mustTempDir(t), "pg")
	o := Options{DataDir: dir, SkipLocal: true, Ephemeral: true, Logger: testLogger(t)}
	servers := mustStartAll(t, o, 2)
	a, b := servers[0], servers[1]
	if a.URL != b.URL {
		t.Fatalf("two servers: %s and %s", a.URL, b.URL)
	}
	mustStop(t, a)
	if got := mustQueryInt(t, b.URL, "SELECT 1"); got != 1 {
		t.Fatalf("SELECT 1 = %d", got)
	}
	mustStop(t, b)
	if err := ping(context.Background(), b.URL); err == nil {
		t.Fatalf("server still answers after the last Stop")
	}
}

// TestLocalServer needs a server on the local default port, as on the
// development machine; several processes may create the database at once.
func TestLocalServer(t *testing.T) {
	db := fmt.Sprintf("pgserver_test_%d", os.Getpid())
	o := Options{DataDir: filepath.Join(t.TempDir(), "pg"), Database: db, Logger: testLogger(t)}
	s, err := useLocal(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if s == nil {
		t.Skip("no PostgreSQL on the local default port")
	}
	t.Cleanup(func() { mustExec(t, s.AdminURL, "DROP DATABASE IF EXISTS "+db) })
	mustExec(t, s.AdminURL, "DROP DATABASE "+db)

	for _, s := range mustStartAll(t, o, 4) {
		if s.Private {
			t.Errorf("Private = true, want the local server")
		}
	}
	if got := mustQueryInt(t, s.URL, "SELECT 1"); got != 1 {
		t.Fatalf("SELECT 1 = %d", got)
	}
}

// TestDatabaseURL checks that a missing database named by DATABASE_URL is created.
func TestDatabaseURL(t *testing.T) {
	db := fmt.Sprintf("pgserver_url_%d", os.Getpid())
	local, err := useLocal(context.Background(), Options{Database: "postgres"}.withDefaults())
	if err != nil || local == nil {
		t.Skip("no PostgreSQL on the local default port")
	}
	t.Cleanup(func() { mustExec(t, local.AdminURL, "DROP DATABASE IF EXISTS "+db) })

	s := mustStart(t, Options{DatabaseURL: local.URLFor(db), Logger: testLogger(t)})
	if s.Private || s.URL != local.URLFor(db) || s.AdminURL != local.URLFor("postgres") {
		t.Fatalf("got %+v", s)
	}
	if got := mustQueryInt(t, s.URL, "SELECT 1"); got != 1 {
		t.Fatalf("SELECT 1 = %d", got)
	}
}

func TestVersionMismatch(t *testing.T) {
	requireBinaries(t)
	dir := filepath.Join(mustTempDir(t), "pg")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "PG_VERSION"), []byte("9.6\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{DataDir: dir, SkipLocal: true})
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL 9.6") {
		t.Fatalf("err = %v, want a version mismatch", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		t.Fatalf("cluster touched: %v", err)
	}
}

func TestUnreachableDataDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root hands the cluster to another user")
	}
	requireBinaries(t)
	locked := filepath.Join(mustTempDir(t), "locked")
	if err := os.Mkdir(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{DataDir: filepath.Join(locked, "pg"), SkipLocal: true})
	if err == nil || !strings.Contains(err.Error(), "cannot enter "+locked) {
		t.Fatalf("err = %v, want cannot enter %s", err, locked)
	}
}

// mustTempDir returns a temporary directory the server user can reach:
// t.TempDir makes its directories mode 0700.
func mustTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mustStart starts a server, skipping the test when PostgreSQL is not
// installed, and stops it at the end of the test.
func mustStart(t *testing.T, o Options) *Server {
	t.Helper()
	if o.DatabaseURL == "" {
		requireBinaries(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mustStop(t, s) })
	return s
}

// mustStartAll starts n servers at once, as n processes may.
func mustStartAll(t *testing.T, o Options, n int) []*Server {
	t.Helper()
	requireBinaries(t)
	servers, errs := make([]*Server, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { servers[i], errs[i] = Start(context.Background(), o) })
	}
	wg.Wait()
	for i, s := range servers {
		if s != nil {
			t.Cleanup(func() { mustStop(t, s) })
		}
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
	}
	return servers
}

// requireBinaries skips the test when PostgreSQL is not installed.
func requireBinaries(t *testing.T) {
	t.Helper()
	if _, err := findBinaries(context.Background(), ""); err != nil {
		t.Skip(err)
	}
}

func mustStop(t *testing.T, s *Server) {
	t.Helper()
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
}

func mustExec(t *testing.T, url, query string) {
	t.Helper()
	db := mustOpen(t, url)
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func mustQueryInt(t *testing.T, url, query string) int {
	t.Helper()
	var n int
	if err := mustOpen(t, url).QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func mustOpen(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// mustWriteStalePid leaves a postmaster.pid behind as a crash would, naming
// a process that has exited.
func mustWriteStalePid(t *testing.T, dataDir string) {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dataDir, "postmaster.pid")
	content := fmt.Sprintf("%d\n%s\n1700000000\n5432\n%s\n127.0.0.1\n  0  0\nready   \n", cmd.Process.Pid, dataDir, dataDir)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if err := os.Chown(path, int(st.Uid), int(st.Gid)); err != nil {
		t.Fatal(err)
	}
}

// processUID returns the OS user the cluster's postmaster runs as.
func processUID(t *testing.T, dataDir string) uint32 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	fi, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	if err != nil {
		t.Skip("no /proc:", err)
	}
	return fi.Sys().(*syscall.Stat_t).Uid
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}
