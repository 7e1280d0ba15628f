// Command congquy-bench measures congquy against the raw-SQL bound on the same database
// server in one run and writes docs/benchmarks.md and docs/benchmarks.json. `make bench`
// runs the quick profile; `make bench FULL=1` the full scale. It removes the databases it
// makes. See issue 6 and DESIGN.md §11 for what is measured and why only ratios count.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/lib/pq"

	"congquy/internal/bench"
	"congquy/internal/pgserver"
	"congquy/internal/store"
	"congquy/migrations"
)

// profile sets the sizes and durations of a run.
type profile struct {
	name     string
	pass     time.Duration // one measured pass of a load
	probe    time.Duration // one commit-rate probe
	clients  []int
	reps     int
	journal  int // journal lines for the large G4 point
	events   int // audit events for G7
	assets   int // assets for G6
	readers  int // concurrent readers for page timings
	pageLoad time.Duration
	// approvals is how many vouchers one HTTP pass approves, by client count.
	approvals map[int]int
}

var profiles = map[bool]profile{
	false: {name: "quick", pass: 5 * time.Second, probe: 2 * time.Second, clients: []int{1, 4, 16, 64}, reps: 3,
		journal: 1_000_000, events: 200_000, assets: 100_000, readers: 16, pageLoad: 4 * time.Second,
		approvals: map[int]int{1: 300, 4: 1000, 16: 2000, 64: 2000}},
	true: {name: "full", pass: 15 * time.Second, probe: 3 * time.Second, clients: []int{1, 4, 16, 64}, reps: 3,
		journal: 10_000_000, events: 1_000_000, assets: 1_000_000, readers: 16, pageLoad: 10 * time.Second,
		approvals: map[int]int{1: 1000, 4: 3000, 16: 6000, 64: 6000}},
}

func main() {
	full := flag.Bool("full", os.Getenv("FULL") == "1", "full scale (10M journal lines, 1M events and assets)")
	bin := flag.String("bin", "bin/congquy", "the congquy binary to measure")
	out := flag.String("out", "docs/benchmarks.md", "markdown report")
	jsonOut := flag.String("json", "docs/benchmarks.json", "machine-readable report")
	only := flag.String("only", "", "run only these groups, comma-separated (postings, reports, imports, wear, verify, pages); empty runs all. For working on one figure: write -out and -json elsewhere then")
	clients := flag.String("clients", "", "client counts of the posting loads, comma-separated (default the profile's: 1,4,16,64)")
	reps := flag.Int("reps", 0, "repetitions of each measurement (default the profile's: 3)")
	flag.Parse()
	p := profiles[*full]
	if *reps > 0 {
		p.reps = *reps
	}
	if *clients != "" {
		p.clients = nil
		for _, f := range strings.Split(*clients, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || c < 1 || p.approvals[c] == 0 {
				fmt.Fprintf(os.Stderr, "congquy-bench: -clients: %q is not one of 1, 4, 16, 64\n", f)
				os.Exit(2)
			}
			p.clients = append(p.clients, c)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, log, p, *bin, *out, *jsonOut, *only); err != nil {
		fmt.Fprintln(os.Stderr, "congquy-bench:", err)
		os.Exit(1)
	}
}

// harness is one benchmark run's state.
type harness struct {
	log     *slog.Logger
	p       profile
	bin     string
	srv     *pgserver.Server
	dbURL   string // the congquy database of this run (owner)
	dataDir string // CONGQUY_DATA_DIR of the measured binary (its keys)
	full    bool
	rep     *bench.Report
	st      *store.Store   // the application's store on the bench database
	fx      *bench.Fixture // units, users, tokens and budget lines to post into
	small   reportTimes    // G4 at the small journal
}

// cmd is the command that reproduces this run's figures.
func (h *harness) cmd() string {
	if h.full {
		return "make bench FULL=1"
	}
	return "make bench"
}

func run(ctx context.Context, log *slog.Logger, p profile, bin, out, jsonOut, only string) error {
	groups := map[string][]func(*harness) func(context.Context) error{
		"postings": {func(h *harness) func(context.Context) error { return h.postings }},
		"reports": {func(h *harness) func(context.Context) error { return h.reportsSmall },
			func(h *harness) func(context.Context) error { return h.reportsLarge }},
		"imports": {func(h *harness) func(context.Context) error { return h.imports }},
		"wear":    {func(h *harness) func(context.Context) error { return h.wear }},
		"verify":  {func(h *harness) func(context.Context) error { return h.verify }},
		"pages":   {func(h *harness) func(context.Context) error { return h.pages }},
	}
	order := []string{"reports", "postings", "imports", "wear", "verify", "pages"} // reportsSmall before the postings grow the journal
	chosen := map[string]bool{}
	for _, g := range strings.Split(only, ",") {
		if g = strings.TrimSpace(g); g == "" {
			continue
		}
		if groups[g] == nil {
			return fmt.Errorf("-only: no group %q (postings, reports, imports, wear, verify, pages)", g)
		}
		chosen[g] = true
	}
	// A private cluster unless DATABASE_URL names a server: the machine's shared server
	// may be busy with other work (and its connection limit with it).
	srv, err := pgserver.Start(ctx, pgserver.Options{DatabaseURL: os.Getenv("DATABASE_URL"), DataDir: ".data/pg-bench", SkipLocal: true, Logger: log})
	if err != nil {
		return err
	}
	defer srv.Stop()
	name := fmt.Sprintf("congquy_bench_%d", os.Getpid())
	admin, err := sql.Open("postgres", srv.AdminURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return fmt.Errorf("create bench database: %w", err)
	}
	defer func() {
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			log.Warn("drop bench database", "err", err)
		}
	}()
	dataDir, err := os.MkdirTemp("", "congquy-bench-data-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)
	h := &harness{log: log, p: p, bin: bin, srv: srv, dbURL: srv.URLFor(name), dataDir: dataDir, full: p.name == "full", rep: &bench.Report{
		Date: time.Now(), Commit: commit(), Machine: bench.Machine(), Profile: p.name, Reps: p.reps,
		Server: serverVersion(ctx, admin),
	}}
	if _, err := migrations.Up(ctx, h.dbURL); err != nil {
		return err
	}
	if err := h.exec(ctx, bench.RawSchema); err != nil {
		return err
	}
	defer func() {
		if h.st != nil {
			_ = h.st.Close()
		}
	}()
	steps := []func(context.Context) error{h.setup, h.reportsSmall, h.postings, h.reportsLarge, h.imports, h.wear, h.verify, h.pages}
	if len(chosen) > 0 {
		steps = []func(context.Context) error{h.setup}
		for _, g := range order {
			if !chosen[g] {
				continue
			}
			for _, f := range groups[g] {
				steps = append(steps, f(h))
			}
		}
		if chosen["reports"] && chosen["postings"] { // the full order: small reports, postings, large reports
			steps = []func(context.Context) error{h.setup, h.reportsSmall, h.postings, h.reportsLarge}
			for _, g := range order[2:] {
				if chosen[g] {
					steps = append(steps, groups[g][0](h))
				}
			}
		}
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	var md strings.Builder
	h.rep.WriteMarkdown(&md, intro)
	if err := bench.ReplaceSection(out, md.String()); err != nil {
		return err
	}
	return h.rep.WriteJSON(jsonOut)
}

func (h *harness) exec(ctx context.Context, sqlText string) error {
	db, err := sql.Open("postgres", h.dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, sqlText)
	return err
}

func (h *harness) add(f bench.Figure) { h.rep.Figures = append(h.rep.Figures, f) }

func commit() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func serverVersion(ctx context.Context, db *sql.DB) string {
	var v string
	_ = db.QueryRowContext(ctx, `SHOW server_version`).Scan(&v)
	return "PostgreSQL " + v
}

const intro = `## make bench: congquy against the raw-SQL bound

Every figure is a **ratio against a baseline measured in the same run on the same
database server** (the raw SQL of the same work through pgbench, or COPY, or /healthz),
variants interleaved, medians of the repetitions. This machine's storage drifts 2–5×
between runs (DESIGN.md §11), so absolute numbers from different runs do not compare;
ratios do. Tests never assert timings; this report is where speed is recorded.

Reproduce everything: ` + "`make bench`" + ` (quick profile, minutes) or ` + "`make bench FULL=1`" + ` (full scale).
`
