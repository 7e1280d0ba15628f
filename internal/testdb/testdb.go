// Package testdb gives each test a fresh PostgreSQL database cloned from a template that
// was migrated once, following the same rule as the application for finding a server:
// DATABASE_URL if set, else the local server on the default port, else a private cluster
// (DESIGN.md §10). `make test` starts that cluster once for the whole run.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq" // the PostgreSQL driver

	"congquy/internal/pgserver"
	"congquy/migrations"
)

var (
	serverOnce sync.Once
	server     *pgserver.Server
	serverErr  error
	tplOnce    sync.Once
	tplErr     error
)

// New creates a fresh, migrated database for the test and returns its owner URL; the
// database is dropped when the test ends.
func New(t testing.TB) string {
	t.Helper()
	srv := mustServer(t)
	tpl := templateName()
	tplOnce.Do(func() { tplErr = ensureTemplate(srv, tpl) })
	if tplErr != nil {
		t.Fatalf("testdb: template database: %v", tplErr)
	}
	name := "congquy_t_" + randomSuffix()
	admin := mustOpen(t, srv.AdminURL)
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tpl); err != nil {
		t.Fatalf("testdb: create %s: %v", name, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("postgres", srv.AdminURL)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	return srv.URLFor(name)
}

// AdminURL returns the URL of the maintenance database of the test server, for tests that
// create databases of their own (backup and restore).
func AdminURL(t testing.TB) string {
	return mustServer(t).AdminURL
}

// Server returns the test database server.
func Server(t testing.TB) *pgserver.Server { return mustServer(t) }

func mustServer(t testing.TB) *pgserver.Server {
	t.Helper()
	serverOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		server, serverErr = pgserver.Start(ctx, pgserver.Options{
			DatabaseURL: os.Getenv("DATABASE_URL"),
			DataDir:     filepath.Join(os.TempDir(), "congquy-test-pg"),
			Ephemeral:   true,
		})
	})
	if serverErr != nil {
		t.Fatalf("testdb: %v", serverErr)
	}
	return server
}

func mustOpen(t testing.TB, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	return db
}

// templateName is keyed on the migrations, so that a changed schema gets a new template.
func templateName() string { return "congquy_tpl_" + migrations.Fingerprint() }

// ensureTemplate creates and migrates the template database once per schema, under an
// advisory lock so that parallel test processes do not race.
func ensureTemplate(srv *pgserver.Server, tpl string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := sql.Open("postgres", srv.AdminURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	h := fnv.New64a()
	_, _ = h.Write([]byte(tpl))
	key := int64(h.Sum64() >> 1)
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, key) //nolint:errcheck
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, tpl).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	build := tpl + "_build"
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+build+` WITH (FORCE)`); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+build+` TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		return err
	}
	if _, err := migrations.Up(ctx, srv.URLFor(build)); err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+build+` RENAME TO `+tpl); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `ALTER DATABASE `+tpl+` IS_TEMPLATE true`)
	return err
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
