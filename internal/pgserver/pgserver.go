// Package pgserver decides which PostgreSQL server congquy uses and, when no
// server is at hand, runs a private one from the locally installed PostgreSQL
// binaries, so that `make run` and `make test` work on a fresh machine
// (DESIGN.md §10).
//
// The order is: DATABASE_URL if set; else a server on the local default port
// if one answers; else a private cluster under ./.data/pg, started as a
// non-root OS user when this process runs as root.
package pgserver

import (
	"context"
	"errors"
	"log/slog"
	"sync"
)

// Options says where to look for a database server and how to run a private one.
type Options struct {
	// DatabaseURL, usually from DATABASE_URL, names the server and database
	// to use as is; when set, nothing else is tried.
	DatabaseURL string
	// DataDir is the directory of the private cluster; default ".data/pg".
	DataDir string
	// Database is the database to use, created if missing; default "congquy".
	// It is ignored when DatabaseURL is set, since the URL names its database.
	Database string
	// Ephemeral trades crash safety for speed (fsync, synchronous_commit and
	// full_page_writes off) when this process starts the private cluster; for tests.
	Ephemeral bool
	// SkipLocal skips the server on the local default port and goes straight
	// to the private cluster (tests, or to keep congquy's data apart).
	SkipLocal bool
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
}

// Server is the database server chosen by Start.
type Server struct {
	// URL connects as the owner to the database congquy uses.
	URL string
	// AdminURL connects to the "postgres" maintenance database of the same
	// server, from which databases are created and dropped.
	AdminURL string
	// Private is true when the server is the private cluster under DataDir.
	Private bool

	cluster   *cluster // nil unless Private
	ephemeral bool     // the private cluster was started with Options.Ephemeral
	mu        sync.Mutex
	stopped   bool
}

// Start picks the database server as DESIGN.md §10 says, starting the private
// cluster if it comes to that, and makes sure the database exists.
// The caller must call Stop when done.
func Start(ctx context.Context, o Options) (*Server, error) {
	o = o.withDefaults()
	if o.DatabaseURL != "" {
		return useURL(ctx, o)
	}
	if !o.SkipLocal {
		s, err := useLocal(ctx, o)
		if s != nil || err != nil {
			return s, err
		}
	}
	return startPrivate(ctx, o)
}

// Stop stops the private cluster if no other process uses it any more,
// whichever process started it. It does nothing for other servers, and
// nothing the second time.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cluster == nil || s.stopped {
		return nil
	}
	s.stopped = true
	return s.cluster.release()
}

// URLFor returns the URL of database db on the same server, as the same user;
// tests use it for the databases they create.
func (s *Server) URLFor(db string) string {
	return withDatabase(s.URL, db)
}

// withDefaults fills in the documented defaults.
func (o Options) withDefaults() Options {
	if o.DataDir == "" {
		o.DataDir = ".data/pg"
	}
	if o.Database == "" {
		o.Database = "congquy"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// errNoBinaries is the one error a newcomer without PostgreSQL sees.
var errNoBinaries = errors.New("no PostgreSQL server found: DATABASE_URL is not set, " +
	"no usable server answers on the local default port, and no PostgreSQL binaries " +
	"(initdb, pg_ctl, postgres) are on PATH, under `pg_config --bindir` or in " +
	"/usr/lib/postgresql/*/bin; install Debian's postgresql package " +
	"(apt-get install -y postgresql) or set DATABASE_URL")
