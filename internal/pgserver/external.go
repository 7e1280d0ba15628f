package pgserver

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// localTimeout bounds the probe of the local default port.
const localTimeout = 2 * time.Second

// useURL uses the server named by DATABASE_URL, creating its database if it
// is missing and the server lets us.
func useURL(ctx context.Context, o Options) (*Server, error) {
	s := &Server{URL: o.DatabaseURL, AdminURL: withDatabase(o.DatabaseURL, "postgres")}
	o.Logger.Info("using PostgreSQL from DATABASE_URL", "url", redact(s.URL))
	err := ping(ctx, s.URL)
	if pq.As(err, pqerror.InvalidCatalogName) != nil {
		cfg, cerr := pq.NewConfig(s.URL)
		if cerr != nil {
			return nil, fmt.Errorf("parse DATABASE_URL: %w", cerr)
		}
		err = ensureDatabase(ctx, s.AdminURL, cfg.Database)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to DATABASE_URL: %w", err)
	}
	return s, nil
}

// useLocal uses the server on the local default port (or PGHOST/PGPORT) as
// user postgres (or PGUSER). It returns nil, nil when no usable server
// answers, so that the caller goes on to the private cluster.
func useLocal(ctx context.Context, o Options) (*Server, error) {
	host, port := envOr("PGHOST", "127.0.0.1"), envOr("PGPORT", "5432")
	user, sslmode := envOr("PGUSER", "postgres"), envOr("PGSSLMODE", "disable")
	admin := pgURL(user, host, port, "postgres", sslmode)
	pctx, cancel := context.WithTimeout(ctx, localTimeout)
	defer cancel()
	if err := ping(pctx, admin+"&connect_timeout=2"); err != nil {
		o.Logger.Info("no usable PostgreSQL on the local default port", "url", admin, "err", err)
		return nil, nil
	}
	if err := ensureDatabase(ctx, admin, o.Database); err != nil {
		return nil, fmt.Errorf("local PostgreSQL at %s: %w", admin, err)
	}
	o.Logger.Info("using local PostgreSQL", "host", host, "port", port, "database", o.Database)
	return &Server{URL: pgURL(user, host, port, o.Database, sslmode), AdminURL: admin}, nil
}

// ensureDatabase creates database name unless it exists. Another process
// creating it at the same moment is fine.
func ensureDatabase(ctx context.Context, adminURL, name string) error {
	db, err := sql.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	err = db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists)
	if err != nil || exists {
		return err
	}
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	if pq.As(err, pqerror.DuplicateDatabase, pqerror.UniqueViolation) != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// ping opens one connection to dsn and closes it.
func ping(ctx context.Context, dsn string) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.PingContext(ctx)
}

// pgURL builds a URL without password; host may be a Unix socket directory.
func pgURL(user, host, port, db, sslmode string) string {
	u := url.URL{Scheme: "postgres", User: url.User(user), Path: "/" + db}
	q := url.Values{"sslmode": {sslmode}}
	if strings.HasPrefix(host, "/") {
		q.Set("host", host)
		q.Set("port", port)
	} else {
		u.Host = net.JoinHostPort(host, port)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// withDatabase returns dsn, a URL or a key=value string, naming database db.
func withDatabase(dsn, db string) string {
	u, err := url.Parse(dsn)
	if err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path, u.RawPath = "/"+db, ""
		return u.String()
	}
	// In key=value form the last setting wins.
	return dsn + " dbname='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(db) + "'"
}

// redact hides the password of a URL for logging.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return "(key=value DSN)"
}

// envOr returns environment variable key, or def when it is empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
