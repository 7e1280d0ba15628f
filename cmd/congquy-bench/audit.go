package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/lib/pq"

	"congquy/internal/bench"
)

// verify measures G7: `congquy audit verify` over N sealed events ÷ COPY of the same rows
// to /dev/null through psql, interleaved, medians.
func (h *harness) verify(ctx context.Context) error {
	n := h.p.events
	db, err := sql.Open("postgres", h.dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var units []int64
	for i := range 8 {
		var id int64
		err := db.QueryRowContext(ctx, `INSERT INTO units (code, kind, name_vi, name_en) VALUES ($1, 'department', $1, $1) RETURNING id`,
			fmt.Sprintf("BENCH-AUDIT-%d", i)).Scan(&id)
		if err != nil {
			return fmt.Errorf("G7 units: %w", err)
		}
		units = append(units, id)
	}
	h.log.Info("G7: inserting audit events", "events", n)
	start := time.Now()
	if _, err := db.ExecContext(ctx, `INSERT INTO audit_events (unit_id, actor_login, action, entity, entity_id, after, request_id, ip)
		SELECT ($2::bigint[])[1 + g % 8], 'bench', 'post', 'journal_entry', g::text,
			jsonb_build_object('id', g, 'total', (g * 1000)::text, 'memo', 'Chi tiền điện tháng ' || (1 + g % 12)), 'req', '127.0.0.1'
		FROM generate_series(1, $1) g`, n, pq.Array(units)); err != nil {
		return fmt.Errorf("G7 events: %w", err)
	}
	h.rep.Notes = append(h.rep.Notes, fmt.Sprintf("G7 setup: %d audit events inserted in %.1f s", n, time.Since(start).Seconds()))
	start = time.Now()
	if err := h.congquy(ctx, "audit", "seal"); err != nil {
		return fmt.Errorf("G7 seal: %w", err)
	}
	sealSecs := time.Since(start).Seconds()
	h.rep.Notes = append(h.rep.Notes, fmt.Sprintf("sealer throughput: %d events sealed by `congquy audit seal` in %.1f s (%.0f events/s)", n, sealSecs, float64(n)/sealSecs))
	var verify, copyOut []float64
	for rep := range h.p.reps {
		h.log.Info("G7: verify and copy", "rep", rep+1)
		t0 := time.Now()
		if err := h.congquy(ctx, "audit", "verify", "--record=false"); err != nil {
			return fmt.Errorf("G7 verify: %w", err)
		}
		verify = append(verify, time.Since(t0).Seconds())
		t0 = time.Now()
		if err := psqlCopy(ctx, h.dbURL, `SELECT e.*, s.* FROM audit_events e JOIN audit_seals s ON s.event_id = e.id ORDER BY s.chain, s.seq`); err != nil {
			return fmt.Errorf("G7 copy: %w", err)
		}
		copyOut = append(copyOut, time.Since(t0).Seconds())
	}
	v, c := bench.Median(verify), bench.Median(copyOut)
	h.add(bench.Figure{ID: "G7", Name: fmt.Sprintf("audit verify over %d events ÷ COPY (same rows) TO /dev/null", n), Value: v / c, Unit: "×",
		Target: "≤ 2", Met: bench.Met(v/c <= 2), Detail: fmt.Sprintf("verify %.1f s, copy %.1f s", v, c), Command: h.cmd()})
	return nil
}

// congquy runs the measured binary against the bench database.
func (h *harness) congquy(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, h.bin, args...) // #nosec G204 -- the congquy binary the benchmark measures (-bin)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+h.dbURL, "CONGQUY_DATA_DIR="+h.dataDir, "CONGQUY_LOG_LEVEL=warn")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %w\n%s", args, err, out)
	}
	return nil
}

// psqlCopy streams the rows of query to /dev/null through psql's \copy.
func psqlCopy(ctx context.Context, url, query string) error {
	bin, err := bench.FindPGProgram("psql")
	if err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, bin, url, "-X", "-q", "-c", `\copy (`+query+`) TO '/dev/null'`).CombinedOutput() // #nosec G204 -- psql found in PostgreSQL's binary directory; the query is the harness's own
	if err != nil {
		return fmt.Errorf("psql: %w\n%s", err, out)
	}
	return nil
}
