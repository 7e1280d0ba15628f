// Package bench measures congquy against the raw-SQL bound on the same server in the
// same run: every figure is a ratio to a baseline measured beside it, variants
// interleaved, repeated, medians reported (the machine's storage drifts 2–5× between
// runs, so only ratios within one run mean anything). Tests never assert timings.
package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// RawSchema creates the tables of the raw-SQL baseline: 1,000 budget lines, and the
// expenditure and audit rows one posting inserts.
const RawSchema = `
DROP SCHEMA IF EXISTS raw CASCADE;
CREATE SCHEMA raw;
CREATE TABLE raw.lines (id int PRIMARY KEY, allocated numeric(20,0) NOT NULL, spent numeric(20,0) NOT NULL,
    CHECK (allocated - spent >= 0));
INSERT INTO raw.lines SELECT g, 1000000000000000, 0 FROM generate_series(1, 1000) g;
CREATE TABLE raw.expenditures (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, line_id int NOT NULL,
    amount numeric(20,0) NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE TABLE raw.audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, entity text NOT NULL,
    entity_id bigint NOT NULL, payload jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE TABLE raw.probe (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
`

// RawPostingScript is the raw SQL of one posting (DESIGN.md §11): lock one of 1,000
// budget lines, update it, insert the expenditure row, insert an audit row.
const RawPostingScript = `\set line random(1, 1000)
BEGIN;
SELECT allocated - spent FROM raw.lines WHERE id = :line FOR UPDATE;
UPDATE raw.lines SET spent = spent + 125000 WHERE id = :line;
INSERT INTO raw.expenditures (line_id, amount) VALUES (:line, 125000);
INSERT INTO raw.audit (entity, entity_id, payload) VALUES ('expenditure', :line, '{"amount":"125000"}');
END;
`

// ProbeScript is the commit-rate probe: one single-row autocommit INSERT.
const ProbeScript = "INSERT INTO raw.probe DEFAULT VALUES;\n"

// PgbenchResult is one pgbench run.
type PgbenchResult struct {
	Clients     int
	TPS         float64
	LatencyAvgM float64 // milliseconds
	Failed      int
}

// Pgbench runs a custom script against url with the given clients for d.
func Pgbench(ctx context.Context, url, script string, clients int, d time.Duration) (PgbenchResult, error) {
	bin, err := findPgbench()
	if err != nil {
		return PgbenchResult{}, err
	}
	dir, err := os.MkdirTemp("", "congquy-bench-")
	if err != nil {
		return PgbenchResult{}, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "script.sql")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil { // #nosec G306 -- pgbench's script, no secret in it
		return PgbenchResult{}, err
	}
	threads := min(clients, 2)
	cmd := exec.CommandContext(ctx, bin, "-n", "-M", "prepared", "-f", file, // #nosec G204 -- pgbench found in PostgreSQL's binary directory, with our own script
		"-c", strconv.Itoa(clients), "-j", strconv.Itoa(threads), "-T", strconv.Itoa(int(d.Seconds())), url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return PgbenchResult{}, fmt.Errorf("pgbench: %v\n%s", err, out)
	}
	return parsePgbench(string(out), clients)
}

var (
	tpsRe     = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	latencyRe = regexp.MustCompile(`latency average = ([0-9.]+) ms`)
	failedRe  = regexp.MustCompile(`number of failed transactions: ([0-9]+)`)
)

func parsePgbench(out string, clients int) (PgbenchResult, error) {
	r := PgbenchResult{Clients: clients}
	m := tpsRe.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("pgbench: no tps in output:\n%s", out)
	}
	r.TPS, _ = strconv.ParseFloat(m[1], 64)
	if m := latencyRe.FindStringSubmatch(out); m != nil {
		r.LatencyAvgM, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := failedRe.FindStringSubmatch(out); m != nil {
		r.Failed, _ = strconv.Atoi(m[1])
	}
	return r, nil
}

// findPgbench finds pgbench.
func findPgbench() (string, error) { return FindPGProgram("pgbench") }

// FindPGProgram looks for a PostgreSQL client program on PATH, then beside the installed
// server.
func FindPGProgram(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s not found: install Debian's postgresql package (it ships %[1]s)", name)
}
