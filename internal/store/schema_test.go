package store_test

import (
	"context"
	"errors"
	"testing"

	"congquy/internal/store"
)

func TestCheckSchema(t *testing.T) {
	st, owner := mustStore(t)
	ctx := context.Background()
	if err := st.CheckSchema(ctx); err != nil {
		t.Fatalf("fresh database: %v", err)
	}
	// Pretend the newest migration was never applied: serving must refuse.
	db := mustOwner(t, owner)
	if _, err := db.ExecContext(ctx, `UPDATE goose_db_version SET is_applied = false
		WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaBehind) {
		t.Fatalf("schema behind: err = %v, want ErrSchemaBehind", err)
	}
}
