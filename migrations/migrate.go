package migrations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	_ "github.com/lib/pq" // the PostgreSQL driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migration is one schema migration and whether it is applied.
type Migration struct {
	Version int64
	Name    string
	Applied bool
}

// Up applies every pending migration as the owner of the database at ownerURL and
// returns the versions applied. Concurrent callers wait on a PostgreSQL advisory lock.
func Up(ctx context.Context, ownerURL string) ([]int64, error) {
	p, db, err := provider(ownerURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate up: %w", err)
	}
	var done []int64
	for _, r := range res {
		done = append(done, r.Source.Version)
	}
	return done, nil
}

// Status lists every migration and whether it is applied.
func Status(ctx context.Context, ownerURL string) ([]Migration, error) {
	p, db, err := provider(ownerURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]Migration, 0, len(st))
	for _, s := range st {
		out = append(out, Migration{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

func provider(ownerURL string) (*goose.Provider, *sql.DB, error) {
	db, err := sql.Open("postgres", ownerURL)
	if err != nil {
		return nil, nil, fmt.Errorf("open database: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		_ = db.Close()
		return nil, nil, fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, FS, goose.WithSessionLocker(locker),
		goose.WithGoMigrations(goMigrations...))
	if err != nil {
		_ = db.Close()
		return nil, nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, db, nil
}

// Latest is the newest migration embedded in this binary.
func Latest() int64 {
	var latest int64
	entries, _ := fs.ReadDir(FS, ".")
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(num, 10, 64); ok && err == nil && v > latest {
			latest = v
		}
	}
	return latest
}

// Fingerprint is a hash of every migration file: two databases migrated by binaries with
// the same fingerprint have the same schema. Tests key their template database on it.
func Fingerprint() string {
	h := sha256.New()
	entries, _ := fs.ReadDir(FS, ".")
	for _, e := range entries {
		b, _ := fs.ReadFile(FS, e.Name())
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(b))
		h.Write(b)
	}
	_ = fs.WalkDir(Data, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(Data, path)
			fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}
