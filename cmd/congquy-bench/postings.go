package main

import (
	"context"
	"fmt"

	"congquy/internal/bench"
)

// postings measures the raw-SQL posting at every client count with the commit-rate
// probe beside each pass, interleaved with congquy's own posting over HTTP (G1, G2, G3,
// G8) when that exists.
func (h *harness) postings(ctx context.Context) error {
	raw := map[int][]float64{}
	lat := map[int][]float64{}
	probe := map[int][]float64{}
	for rep := range h.p.reps {
		for _, c := range h.p.clients {
			h.log.Info("raw posting", "rep", rep+1, "clients", c)
			r, err := bench.Pgbench(ctx, h.dbURL, bench.RawPostingScript, c, h.p.pass)
			if err != nil {
				return err
			}
			raw[c] = append(raw[c], r.TPS)
			lat[c] = append(lat[c], r.LatencyAvgM)
			pr, err := bench.Pgbench(ctx, h.dbURL, bench.ProbeScript, 1, h.p.probe)
			if err != nil {
				return err
			}
			probe[c] = append(probe[c], pr.TPS)
		}
	}
	for _, c := range h.p.clients {
		h.rep.Baseline = append(h.rep.Baseline, bench.BaselineRow{
			Clients: c, RawTPS: bench.Median(raw[c]), RawLatencyM: bench.Median(lat[c]), ProbeTPS: bench.Median(probe[c]),
		})
	}
	missing := "the HTTP posting API for expenditure vouchers (issue 5) is not built yet"
	cmd := "make bench"
	for _, c := range h.p.clients {
		h.add(bench.Figure{ID: "G1", Name: fmt.Sprintf("HTTP posting ÷ raw posting, %d clients", c), Unit: "×",
			Target: target(c), Missing: missing, Command: cmd})
	}
	h.add(bench.Figure{ID: "G2", Name: "p50 at 1 client − raw average", Unit: "ms", Target: "≤ 0.5 ms", Missing: missing, Command: cmd})
	h.add(bench.Figure{ID: "G2", Name: "p99 at 16 clients ÷ raw average", Unit: "×", Target: "≤ 4", Missing: missing, Command: cmd})
	h.add(bench.Figure{ID: "G3", Name: "posting with audit sealing on ÷ off, 16 clients", Unit: "×", Target: "≥ 0.9", Missing: missing, Command: cmd})
	h.add(bench.Figure{ID: "G3", Name: "sealer lag p99", Unit: "s", Target: "≤ 2 s", Missing: missing, Command: cmd})
	h.add(bench.Figure{ID: "G8", Name: "server peak RSS under the 16-client load", Unit: "MB", Target: "≤ 150 MB", Missing: missing, Command: cmd})
	return nil
}

func target(clients int) string {
	switch clients {
	case 16:
		return "≥ 0.6"
	case 64:
		return "≥ 0.5, 0 errors"
	}
	return "reported"
}

// reports measures G4.
func (h *harness) reports(ctx context.Context) error {
	h.add(bench.Figure{ID: "G4", Name: "budget-vs-actual and trial balance at 10M ÷ 10k journal lines", Unit: "×", Target: "≤ 2",
		Missing: "budget-vs-actual (issue 5) and the scale generator are not built yet", Command: "make bench FULL=1"})
	h.add(bench.Figure{ID: "G4", Name: "revenue by type/period ÷ raw SUM … GROUP BY", Unit: "×", Target: "≤ 1.5",
		Missing: "the revenue module does not exist yet", Command: "make bench"})
	return nil
}

// imports measures G5.
func (h *harness) imports(ctx context.Context) error {
	h.add(bench.Figure{ID: "G5", Name: "CSV import of expenditures ÷ raw \\copy", Unit: "×", Target: "≥ 0.4",
		Missing: "the expenditure CSV import does not exist yet", Command: "make bench"})
	h.add(bench.Figure{ID: "G5", Name: "CSV import of the asset register ÷ raw \\copy", Unit: "×", Target: "≥ 0.4",
		Missing: "the asset module does not exist yet", Command: "make bench"})
	return nil
}

// wear measures G6.
func (h *harness) wear(ctx context.Context) error {
	h.add(bench.Figure{ID: "G6", Name: "annual wear run over 1,000,000 assets ÷ (COPY + the same arithmetic)", Unit: "×", Target: "≤ 2",
		Missing: "the asset module (wear runs) does not exist yet", Command: "make bench FULL=1"})
	return nil
}

// pages measures page timings under concurrent readers.
func (h *harness) pages(ctx context.Context) error {
	for _, p := range []string{"dashboard", "budget-vs-actual", "asset register (1,000,000 assets, paged)"} {
		h.add(bench.Figure{ID: "P", Name: p + " ÷ /healthz, 16 readers", Unit: "×", Target: "reported",
			Missing: "needs signed-in sessions (issue 3) and the pages", Command: "make bench"})
	}
	return nil
}
