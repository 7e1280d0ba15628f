package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"

	"congquy/internal/auth"
	"congquy/internal/bench"
)

// benchPassword signs in the bench's reader (a throwaway database's user).
const benchPassword = "bench-reader-passphrase-2026"

// pages measures page timings under concurrent signed-in readers, each as a ratio to
// /healthz on the same server in the same run.
func (h *harness) pages(ctx context.Context) error {
	if err := h.benchUser(ctx, "bench.reader", auth.RoleInspector); err != nil {
		return err
	}
	srv, err := bench.StartServer(ctx, h.bin, h.dbURL, "CONGQUY_DATA_DIR="+h.dataDir)
	if err != nil {
		return err
	}
	defer srv.Stop()
	c, err := bench.SignIn(ctx, srv.URL, "bench.reader", benchPassword)
	if err != nil {
		return err
	}
	anon := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	pages := []struct{ name, path string }{
		{"dashboard", "/"},
		{"units list", "/units"},
		{"journal (paged)", "/ledger/journal"},
	}
	ratios := map[string][]float64{}
	for rep := range h.p.reps {
		for _, p := range pages {
			h.log.Info("page timing", "rep", rep+1, "page", p.name)
			base := bench.Load(ctx, h.p.readers, h.p.pageLoad, bench.Getter(anon, srv.URL, "/healthz"))
			page := bench.Load(ctx, h.p.readers, h.p.pageLoad, bench.Getter(c, srv.URL, p.path))
			if page.Errors > 0 || page.PerSec == 0 {
				return fmt.Errorf("page %s: %d errors", p.path, page.Errors)
			}
			ratios[p.name] = append(ratios[p.name], base.PerSec/page.PerSec)
		}
	}
	for _, p := range pages {
		r := bench.Median(ratios[p.name])
		h.add(bench.Figure{ID: "P", Name: fmt.Sprintf("%s (%s): time per request ÷ /healthz, %d readers", p.name, p.path, h.p.readers),
			Value: r, Unit: "×", Target: "reported", Command: h.cmd()})
	}
	for _, p := range []string{"budget-vs-actual", "asset register (1,000,000 assets, paged)"} {
		h.add(bench.Figure{ID: "P", Name: p + " ÷ /healthz, 16 readers", Unit: "×", Target: "reported",
			Missing: "the page does not exist yet", Command: h.cmd()})
	}
	return nil
}

// benchUser creates a signed-in-able user with the role on the first root unit.
func (h *harness) benchUser(ctx context.Context, login string, role auth.Role) error {
	hash, err := auth.HashPassword(benchPassword)
	if err != nil {
		return err
	}
	db, err := sql.Open("postgres", h.dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var unit int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&unit); err != nil {
		return fmt.Errorf("bench user: a root unit: %w", err)
	}
	var id int64
	if err := db.QueryRowContext(ctx, `INSERT INTO users (unit_id, login, full_name, password_hash) VALUES ($1, $2, $2, $3) RETURNING id`,
		unit, login, hash).Scan(&id); err != nil {
		return fmt.Errorf("bench user: %w", err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, unit_id) VALUES ($1, $2, $3)`, id, role, unit)
	return err
}
