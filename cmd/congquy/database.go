package main

import (
	"context"
	"fmt"
	"path/filepath"

	"congquy/internal/pgserver"
	"congquy/internal/store"
)

// database finds or starts the database server (DESIGN.md §10). The caller stops it.
func (e *env) database(ctx context.Context) (*pgserver.Server, error) {
	srv, err := pgserver.Start(ctx, pgserver.Options{
		DatabaseURL: e.cfg.DatabaseURL,
		DataDir:     filepath.Join(e.cfg.DataDir, "pg"),
		Logger:      e.log,
	})
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	return srv, nil
}

// openStore connects to the database as the application role.
func (e *env) openStore(ctx context.Context, srv *pgserver.Server) (*store.Store, error) {
	url := e.cfg.AppDatabaseURL
	if url == "" {
		url = store.AppURL(srv.URL)
	}
	return store.Open(ctx, url, store.Options{Logger: e.log})
}
