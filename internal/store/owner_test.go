package store_test

import (
	"testing"

	"github.com/jmoiron/sqlx"
)

// mustOwner connects as the database owner, for tests that set up what the application
// role may not do.
func mustOwner(t *testing.T, url string) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
