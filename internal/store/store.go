// Package store is the only package that speaks SQL. Each exported method is one use
// case that owns one transaction; writes record their audit event in that transaction.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"congquy/internal/auth"
)

// AppRole is the database role the application serves as; it owns nothing and holds only
// the privileges the migrations grant it.
const AppRole = "congquy_app"

// Store is congquy's data access: a pool connected as the application role.
type Store struct {
	db  *sqlx.DB
	log *slog.Logger
	now func() time.Time

	sealObserver func(lag time.Duration) // told the lag of every sealed event (ObserveSeals)

	stmts sync.Map // sqlText → *sqlx.Stmt: the hot paths' prepared statements (tx.prepared)
}

// Options configure Open.
type Options struct {
	MaxConns int              // pool size; 0 means 32
	Logger   *slog.Logger     // nil means slog.Default()
	Now      func() time.Time // nil means time.Now; tests use a fake clock
}

// Open connects to url as the application role. If url connects as the owner, the role
// is set at connection start (AppURL does that); production should give the application
// its own login, a member of congquy_app.
func Open(ctx context.Context, url string, o Options) (*Store, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if o.MaxConns == 0 {
		o.MaxConns = 32
	}
	db.SetMaxOpenConns(o.MaxConns)
	db.SetMaxIdleConns(o.MaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{db: db, log: o.Logger, now: o.Now}, nil
}

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the pool for the invariant checker and tests in other packages.
func (s *Store) DB() *sqlx.DB { return s.db }

// AppURL returns ownerURL changed so that its sessions act as the application role, and
// with binary parameters (one round trip per statement instead of two).
func AppURL(ownerURL string) string {
	opt := "-c role=" + AppRole
	if strings.HasPrefix(ownerURL, "postgres://") || strings.HasPrefix(ownerURL, "postgresql://") {
		u, err := url.Parse(ownerURL)
		if err != nil {
			return ownerURL
		}
		q := u.Query()
		q.Set("options", opt)
		if q.Get("binary_parameters") == "" {
			q.Set("binary_parameters", "yes")
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	return ownerURL + " options='" + opt + "' binary_parameters=yes"
}

// tx is one use case's write transaction and the actor it runs for.
type tx struct {
	*sqlx.Tx
	s       *Store
	actor   auth.Actor
	events  int
	first   event      // the first audit event, for the idempotency key
	idem    *idemState // the API key this transaction claimed, if any
	result  any        // the use case's result, for the idempotent reply (tx.reply)
	replied bool       // the reply was stored with the key
	// replyStatus and replyBody are the reply stored.
	replyStatus int
	replyBody   []byte
	idemDone    bool // the key's row was finished (with the last audit event)
	// claimLater: the key in idem is claimed by the use case's first statement
	// (writeClaimFirst), and claimed says that statement ran.
	claimLater, claimed bool
}

// write runs fn in one transaction on behalf of actor and commits it. It refuses to
// commit a transaction that recorded no audit event: no change goes unaudited.
func (s *Store) write(ctx context.Context, actor auth.Actor, fn func(*tx) error) error {
	return s.writeTx(ctx, actor, false, fn)
}

// writeClaimFirst is write for a use case whose first statement claims the context's
// idempotency key itself (lockVoucher does, for the approval: one round trip fewer on the
// hot path). write refuses to commit if fn did not claim it.
func (s *Store) writeClaimFirst(ctx context.Context, actor auth.Actor, fn func(*tx) error) error {
	return s.writeTx(ctx, actor, true, fn)
}

func (s *Store) writeTx(ctx context.Context, actor auth.Actor, claimLater bool, fn func(*tx) error) error {
	sqltx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return translate(fmt.Errorf("begin: %w", err))
	}
	defer sqltx.Rollback() //nolint:errcheck // a no-op after Commit
	t := &tx{Tx: sqltx, s: s, actor: actor}
	if st, ok := ctx.Value(idemKey{}).(*idemState); ok && claimLater {
		t.idem, t.claimLater = st, true
	} else if err := t.claimIdempotency(ctx); err != nil {
		return translate(err)
	}
	if err := fn(t); err != nil {
		return translate(err)
	}
	if t.claimLater && !t.claimed {
		return fmt.Errorf("store: the use case did not claim its idempotency key")
	}
	if t.events == 0 {
		return fmt.Errorf("store: refusing to commit a change without an audit event")
	}
	if err := t.finishIdempotency(ctx); err != nil {
		return translate(err)
	}
	if err := sqltx.Commit(); err != nil {
		return translate(fmt.Errorf("commit: %w", err))
	}
	if t.idem != nil && t.replied {
		t.idem.replied, t.idem.status, t.idem.body = true, t.replyStatus, t.replyBody
	}
	return nil
}

// read runs fn in a read-only transaction that sees one snapshot.
func (s *Store) read(ctx context.Context, fn func(*sqlx.Tx) error) error {
	sqltx, err := s.db.BeginTxx(ctx, &sqlTxReadOnly)
	if err != nil {
		return translate(fmt.Errorf("begin: %w", err))
	}
	defer sqltx.Rollback() //nolint:errcheck // read-only
	if err := fn(sqltx); err != nil {
		return translate(err)
	}
	return nil
}

// prepared returns q as a statement of this transaction, prepared once per connection of
// the pool: PostgreSQL then neither parses nor plans it again, which is most of the
// database's work for the short statements of a posting (DESIGN.md §11). ok is false the
// first time q is met: it is then prepared in the background (on a connection of its own,
// which a transaction holding one must not wait for: that deadlocks a busy pool), and the
// caller runs it unprepared. For the hot paths; q is constant text (sqlText).
func (t *tx) prepared(ctx context.Context, q sqlText) (*sqlx.Stmt, bool) {
	v, loaded := t.s.stmts.LoadOrStore(q, nil)
	if !loaded {
		go t.s.prepare(q) // #nosec G118 -- preparing a statement for the pool outlives the request that first used it, by design
	}
	st, ok := v.(*sqlx.Stmt)
	if !ok || st == nil {
		return nil, false
	}
	return t.StmtxContext(ctx, st), true
}

// prepare prepares q on the pool and keeps it for tx.prepared; on failure it forgets q,
// so that a later use tries again.
func (s *Store) prepare(q sqlText) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := s.db.PreparexContext(ctx, string(q))
	if err != nil {
		s.stmts.Delete(q)
		return
	}
	s.stmts.Store(q, st)
}

// getP runs a statement that returns one row into dest outside a transaction (one
// statement sees one snapshot), prepared once it can be, as tx.getP.
func (s *Store) getP(ctx context.Context, dest any, q sqlText, args ...any) error {
	v, loaded := s.stmts.LoadOrStore(q, nil)
	if !loaded {
		go s.prepare(q) // #nosec G118 -- preparing a statement for the pool outlives the request that first used it, by design
	}
	if st, ok := v.(*sqlx.Stmt); ok && st != nil {
		return st.GetContext(ctx, dest, args...)
	}
	return s.db.GetContext(ctx, dest, string(q), args...)
}

// execP runs a statement that returns no rows, prepared once it can be.
func (t *tx) execP(ctx context.Context, q sqlText, args ...any) (sql.Result, error) {
	if st, ok := t.prepared(ctx, q); ok {
		return st.ExecContext(ctx, args...)
	}
	return t.ExecContext(ctx, string(q), args...)
}

// getP runs a statement that returns one row into dest, prepared once it can be.
func (t *tx) getP(ctx context.Context, dest any, q sqlText, args ...any) error {
	if st, ok := t.prepared(ctx, q); ok {
		return st.GetContext(ctx, dest, args...)
	}
	return t.GetContext(ctx, dest, string(q), args...)
}

// selectP runs a statement that returns rows into dest, prepared once it can be.
func (t *tx) selectP(ctx context.Context, dest any, q sqlText, args ...any) error {
	if st, ok := t.prepared(ctx, q); ok {
		return st.SelectContext(ctx, dest, args...)
	}
	return t.SelectContext(ctx, dest, string(q), args...)
}
