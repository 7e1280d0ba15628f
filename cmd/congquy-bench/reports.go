package main

import (
	"context"
	"database/sql"
	"fmt"

	"congquy/internal/auth"
	"congquy/internal/bench"
	"congquy/internal/store"
)

// readerLogin is the bench's signed-in reader: an inspector of the first fixture unit.
const readerLogin = "bench.reader"

// setup builds the posting fixture (units, users, tokens, budget lines with estimates)
// and the signed-in reader, through congquy's own use cases.
func (h *harness) setup(ctx context.Context) error {
	st, err := store.Open(ctx, store.AppURL(h.dbURL), store.Options{MaxConns: 16})
	if err != nil {
		return err
	}
	h.st = st
	h.log.Info("fixture: units, users, tokens, 1,000 budget lines with estimates")
	if h.fx, err = bench.NewFixture(ctx, st, 1000, func(m string) { h.log.Info(m) }); err != nil {
		return fmt.Errorf("fixture: %w", err)
	}
	return h.benchUser(ctx, readerLogin, auth.RoleInspector)
}

// reportPage is a page G4 times: its running totals must keep it flat as the journal grows.
type reportPage struct{ name, path string }

func (h *harness) reportPages() []reportPage {
	u := h.fx.Units[0].Unit.ID
	return []reportPage{
		{"budget-vs-actual", fmt.Sprintf("/budget/execution?unit=%d&year=2026", u)},
		{"trial balance", fmt.Sprintf("/ledger/trial-balance?unit=%d&period=2026-10", u)},
	}
}

// reportsSmall grows the journal to 10,000 lines and times the running-total reports.
func (h *harness) reportsSmall(ctx context.Context) error {
	t, err := h.timeReports(ctx, 10_000)
	h.small = t
	return err
}

// reportsLarge grows the journal to the profile's size and times the same reports (G4).
func (h *harness) reportsLarge(ctx context.Context) error {
	large, err := h.timeReports(ctx, int64(h.p.journal))
	if err != nil {
		return err
	}
	for _, p := range h.reportPages() {
		r := large.perReq[p.name] / h.small.perReq[p.name]
		h.add(bench.Figure{ID: "G4", Name: fmt.Sprintf("%s at %d ÷ at %d journal lines", p.name, large.lines, h.small.lines),
			Value: r, Unit: "×", Target: "≤ 2", Met: bench.Met(r <= 2),
			Detail: fmt.Sprintf("%.2f ms vs %.2f ms per request, 4 readers", large.perReq[p.name], h.small.perReq[p.name]), Command: h.cmd()})
	}
	h.add(bench.Figure{ID: "G4", Name: "revenue by type/period ÷ raw SUM … GROUP BY", Unit: "×", Target: "≤ 1.5",
		Missing: "the revenue module does not exist yet", Command: h.cmd()})
	return nil
}

// reportTimes are the G4 timings at one journal size.
type reportTimes struct {
	lines  int64
	perReq map[string]float64 // milliseconds per request, median of the repetitions
}

// timeReports grows the journal to target lines, then times each report page with 4
// signed-in readers.
func (h *harness) timeReports(ctx context.Context, target int64) (reportTimes, error) {
	units := make([]int64, 0, len(h.fx.Units))
	for _, u := range h.fx.Units {
		units = append(units, u.Unit.ID)
	}
	if err := bench.GrowJournal(ctx, h.dbURL, units, target, func(m string) { h.log.Info(m) }); err != nil {
		return reportTimes{}, err
	}
	db, err := sql.Open("postgres", h.dbURL)
	if err != nil {
		return reportTimes{}, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM ANALYZE journal_lines, journal_entries, account_balances`); err != nil {
		return reportTimes{}, err
	}
	rt := reportTimes{perReq: map[string]float64{}}
	if rt.lines, err = bench.JournalLines(ctx, db); err != nil {
		return rt, err
	}
	srv, err := bench.StartServer(ctx, h.bin, h.dbURL, "CONGQUY_DATA_DIR="+h.dataDir)
	if err != nil {
		return rt, err
	}
	defer srv.Stop()
	c, err := bench.SignIn(ctx, srv.URL, readerLogin, benchPassword)
	if err != nil {
		return rt, err
	}
	samples := map[string][]float64{}
	for rep := range h.p.reps {
		for _, p := range h.reportPages() {
			h.log.Info("report timing", "rep", rep+1, "page", p.name, "journal_lines", rt.lines)
			r := bench.Load(ctx, 4, h.p.pageLoad, bench.Getter(c, srv.URL, p.path))
			if r.Errors > 0 || r.Requests == 0 {
				return rt, fmt.Errorf("report %s: %d errors", p.path, r.Errors)
			}
			samples[p.name] = append(samples[p.name], 4000/r.PerSec) // ms per request per reader
		}
	}
	for k, v := range samples {
		rt.perReq[k] = bench.Median(v)
	}
	return rt, nil
}

// benchUser creates a user who can sign in, with the role on the first fixture unit.
func (h *harness) benchUser(ctx context.Context, login string, role auth.Role) error {
	hash, err := auth.HashPassword(benchPassword)
	if err != nil {
		return err
	}
	_, err = h.st.CreateUser(ctx, auth.System("bench"), auth.UserForm{Login: login, FullName: "Bench reader",
		UnitID: h.fx.Units[0].Unit.ID, Roles: []auth.Role{role}, Chosen: true}, hash)
	return err
}
