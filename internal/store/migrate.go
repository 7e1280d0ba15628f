package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/migrations"
)

// ErrSchemaBehind says the database needs `congquy migrate up` before congquy can serve.
var ErrSchemaBehind = errors.New("schema behind")

// schemaBehind explains ErrSchemaBehind to the operator.
func schemaBehind(format string, args ...any) error {
	return apperr.New(apperr.Unavailable,
		"Cơ sở dữ liệu chưa được cập nhật cấu trúc; hãy chạy: congquy migrate up",
		"The database schema is behind this version of congquy; run: congquy migrate up").
		Wrap(fmt.Errorf("%w: "+format, append([]any{ErrSchemaBehind}, args...)...))
}

// CheckSchema returns ErrSchemaBehind (wrapping the versions) unless the database is at
// the newest migration this binary knows.
func (s *Store) CheckSchema(ctx context.Context) error {
	var current sql.NullInt64
	err := s.db.GetContext(ctx, &current, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42P01" { // undefined_table: never migrated
		return schemaBehind("database has no schema, binary needs version %d", migrations.Latest())
	}
	if err != nil {
		return translate(fmt.Errorf("read schema version: %w", err))
	}
	if latest := migrations.Latest(); current.Int64 < latest {
		return schemaBehind("database at version %d, binary needs %d", current.Int64, latest)
	}
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return translate(fmt.Errorf("ping: %w", err))
	}
	return nil
}
