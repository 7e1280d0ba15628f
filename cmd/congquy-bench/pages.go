package main

import (
	"context"
	"fmt"
	"net/http"

	"congquy/internal/bench"
)

// benchPassword signs in the bench's reader (a throwaway database's user).
const benchPassword = "bench-reader-passphrase-2026"

// pages measures page timings under concurrent signed-in readers, each as a ratio to
// /healthz on the same server in the same run.
func (h *harness) pages(ctx context.Context) error {
	srv, err := bench.StartServer(ctx, h.bin, h.dbURL, "CONGQUY_DATA_DIR="+h.dataDir)
	if err != nil {
		return err
	}
	defer srv.Stop()
	c, err := bench.SignIn(ctx, srv.URL, readerLogin, benchPassword)
	if err != nil {
		return err
	}
	anon := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	pages := []struct{ name, path string }{
		{"dashboard", "/"},
		{"units list", "/units"},
		{"journal (paged)", "/ledger/journal"},
		{"budget-vs-actual", fmt.Sprintf("/budget/execution?unit=%d&year=2026", h.fx.Units[0].Unit.ID)},
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
	h.add(bench.Figure{ID: "P", Name: "asset register (1,000,000 assets, paged) ÷ /healthz, 16 readers", Unit: "×", Target: "reported",
		Missing: "the asset module does not exist yet", Command: h.cmd()})
	return nil
}
