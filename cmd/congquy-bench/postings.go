package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"congquy/internal/bench"
	"congquy/internal/store"
)

// postings measures the raw-SQL posting at every client count with the commit-rate
// probe beside each pass, interleaved with congquy's own posting over HTTP: approving a
// submitted voucher with the chief accountant's token, which posts it to the ledger
// (G1, G2); at 16 clients also against a second server with audit sealing off (G3), and
// the server's peak RSS (G8). Afterwards the invariant checker and audit verification
// must find nothing.
func (h *harness) postings(ctx context.Context) error {
	st, fx := h.st, h.fx
	// Two servers on the same database: one seals the audit trail as `serve` does, the
	// other does not (G3). Only one runs at a time, so that no sealer works during a
	// sealing-off pass.
	on, err := bench.StartServer(ctx, h.bin, h.dbURL, "CONGQUY_DATA_DIR="+h.dataDir)
	if err != nil {
		return err
	}
	defer func() { on.Stop() }()
	apiOn := bench.NewAPIClient(on.URL, 128)

	raw, rawLat, probe := map[int][]float64{}, map[int][]float64{}, map[int][]float64{}
	rate, p50, p99 := map[int][]float64{}, map[int][]float64{}, map[int][]float64{}
	var offRate, onRate16, rss []float64
	lag16 := bench.Histogram{}
	errs := map[int]int{}
	for rep := range h.p.reps {
		for _, c := range h.p.clients {
			h.log.Info("raw posting", "rep", rep+1, "clients", c)
			r, err := bench.Pgbench(ctx, h.dbURL, bench.RawPostingScript, c, h.p.pass)
			if err != nil {
				return err
			}
			raw[c], rawLat[c] = append(raw[c], r.TPS), append(rawLat[c], r.LatencyAvgM)
			pr, err := bench.Pgbench(ctx, h.dbURL, bench.ProbeScript, 1, h.p.probe)
			if err != nil {
				return err
			}
			probe[c] = append(probe[c], pr.TPS)

			before, err := sealLag(on)
			if err != nil {
				return err
			}
			res, err := h.approveRun(ctx, st, fx, apiOn, on, c, c == 16)
			if err != nil {
				return err
			}
			if c == 16 {
				time.Sleep(time.Second) // the sealer's last ticks of this pass
				after, err := sealLag(on)
				if err != nil {
					return err
				}
				for le, n := range after.Since(before) {
					lag16[le] += n
				}
			}
			h.log.Info("HTTP posting", "rep", rep+1, "clients", c, "per_s", int(res.PerSec), "p50", res.P50, "p99", res.P99, "errors", res.Errors)
			rate[c], p50[c], p99[c] = append(rate[c], res.PerSec), append(p50[c], ms(res.P50)), append(p99[c], ms(res.P99))
			errs[c] += res.Errors
			if c == 16 {
				onRate16 = append(onRate16, res.PerSec)
				if peak, err := on.PeakRSS(); err == nil {
					rss = append(rss, float64(peak)/(1<<20))
				}
				resOff, err := h.sealingOffRun(ctx, st, fx, on, c)
				if err != nil {
					return err
				}
				offRate = append(offRate, resOff.PerSec)
				errs[-1] += resOff.Errors
			}
		}
	}
	for _, c := range h.p.clients {
		h.rep.Baseline = append(h.rep.Baseline, bench.BaselineRow{
			Clients: c, RawTPS: bench.Median(raw[c]), RawLatencyM: bench.Median(rawLat[c]), ProbeTPS: bench.Median(probe[c]),
		})
	}
	for _, c := range h.p.clients {
		ratio := bench.Median(rate[c]) / bench.Median(raw[c])
		f := bench.Figure{ID: "G1", Name: fmt.Sprintf("HTTP posting ÷ raw posting, %d clients", c), Value: ratio, Unit: "×", Target: target(c),
			Detail: fmt.Sprintf("%.0f/s vs %.0f/s, %d errors, %s", bench.Median(rate[c]), bench.Median(raw[c]), errs[c], errorKinds(apiOn)), Command: h.cmd()}
		switch c {
		case 16:
			f.Met = bench.Met(ratio >= 0.6)
		case 64:
			f.Met = bench.Met(ratio >= 0.5 && errs[c] == 0)
		}
		h.add(f)
	}
	g2a := bench.Median(p50[1]) - bench.Median(rawLat[1])
	h.add(bench.Figure{ID: "G2", Name: "p50 at 1 client − raw average", Value: g2a, Unit: "ms", Target: "≤ 0.5 ms", Met: bench.Met(g2a <= 0.5),
		Detail: fmt.Sprintf("p50 %.2f ms, raw %.2f ms", bench.Median(p50[1]), bench.Median(rawLat[1])), Command: h.cmd()})
	g2b := bench.Median(p99[16]) / bench.Median(rawLat[16])
	h.add(bench.Figure{ID: "G2", Name: "p99 at 16 clients ÷ raw average", Value: g2b, Unit: "×", Target: "≤ 4", Met: bench.Met(g2b <= 4),
		Detail: fmt.Sprintf("p99 %.1f ms, raw %.1f ms", bench.Median(p99[16]), bench.Median(rawLat[16])), Command: h.cmd()})
	g3 := bench.Median(onRate16) / bench.Median(offRate)
	h.add(bench.Figure{ID: "G3", Name: "posting with audit sealing on ÷ off, 16 clients", Value: g3, Unit: "×", Target: "≥ 0.9", Met: bench.Met(g3 >= 0.9),
		Detail: fmt.Sprintf("%.0f/s vs %.0f/s", bench.Median(onRate16), bench.Median(offRate)), Command: h.cmd()})
	lag, n := lag16.Quantile(0.99)
	h.add(bench.Figure{ID: "G3", Name: "sealer lag p99 under the 16-client load (histogram bucket bound)", Value: lag, Unit: "s", Target: "≤ 2 s", Met: bench.Met(lag <= 2),
		Detail: fmt.Sprintf("%d events sealed during the 16-client passes", n), Command: h.cmd()})
	peak := 0.0
	for _, r := range rss {
		peak = max(peak, r)
	}
	h.add(bench.Figure{ID: "G8", Name: "server peak RSS under the 16-client load", Value: peak, Unit: "MB", Target: "≤ 150 MB", Met: bench.Met(peak <= 150), Command: h.cmd()})
	return h.afterLoad(ctx)
}

// sealingOffRun stops the sealing server, approves a pool through a server with sealing
// off, then starts the sealing server again (same address).
func (h *harness) sealingOffRun(ctx context.Context, st *store.Store, fx *bench.Fixture, on *bench.Server, c int) (bench.LoadResult, error) {
	on.Stop()
	off, err := bench.StartServer(ctx, h.bin, h.dbURL, "CONGQUY_DATA_DIR="+h.dataDir, "CONGQUY_AUDIT_SEAL_INTERVAL=off")
	if err != nil {
		return bench.LoadResult{}, err
	}
	res, err := h.approveRun(ctx, st, fx, bench.NewAPIClient(off.URL, 128), off, c, false)
	off.Stop()
	if err != nil {
		return res, err
	}
	// Seal the pass's backlog now, so that the restarted server's lag counts only its own.
	if err := h.congquy(ctx, "audit", "seal"); err != nil {
		return res, err
	}
	return res, on.Restart(ctx)
}

// approveRun submits a fresh pool of vouchers (not timed) and approves them over HTTP
// with c clients (timed). With resetRSS the server's peak RSS counts from this run.
func (h *harness) approveRun(ctx context.Context, st *store.Store, fx *bench.Fixture, api *bench.APIClient, srv *bench.Server, c int, resetRSS bool) (bench.LoadResult, error) {
	n := h.p.approvals[c]
	pool, err := fx.Submitted(ctx, st, n, 16)
	if err != nil {
		return bench.LoadResult{}, fmt.Errorf("submit vouchers: %w", err)
	}
	if resetRSS {
		_ = srv.ResetPeakRSS()
	}
	return bench.LoadN(ctx, c, len(pool), func(ctx context.Context, i int) error { return api.Approve(ctx, pool[i]) }), nil
}

// afterLoad seals what is left and runs the invariant checker and audit verification on
// the bench database: a load that broke an invariant is a failure, whatever its speed.
func (h *harness) afterLoad(ctx context.Context) error {
	if err := h.congquy(ctx, "audit", "seal"); err != nil {
		return err
	}
	checkErr := h.congquy(ctx, "check")
	verifyErr := h.congquy(ctx, "audit", "verify", "--record=false")
	ok := checkErr == nil && verifyErr == nil
	detail := "congquy check: 0 violations; audit verify: OK"
	if !ok {
		detail = fmt.Sprintf("check: %v; verify: %v", checkErr, verifyErr)
	}
	h.add(bench.Figure{ID: "INV", Name: "after the posting loads: invariant checker and audit verification", Value: failures(ok), Unit: "failed checks",
		Target: "0 violations", Met: bench.Met(ok), Detail: detail, Command: h.cmd()})
	return nil
}

// failures is 0 when the checks passed, 1 when one of them failed (the detail says which).
func failures(ok bool) float64 {
	if ok {
		return 0
	}
	return 1
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// errorKinds summarises the errors the API client saw, for the report.
func errorKinds(c *bench.APIClient) string {
	e := c.Errors()
	if len(e) == 0 {
		return "no error kinds"
	}
	var parts []string
	for k, n := range e {
		parts = append(parts, fmt.Sprintf("%d× %s", n, k))
	}
	sort.Strings(parts)
	if len(parts) > 3 {
		parts = parts[:3]
	}
	return strings.Join(parts, "; ")
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

// sealLag reads the server's sealer-lag histogram.
func sealLag(s *bench.Server) (bench.Histogram, error) {
	lines, err := s.Metric("congquy_audit_seal_lag_seconds_bucket")
	return bench.ParseHistogram(lines), err
}
