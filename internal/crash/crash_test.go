package crash

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"congquy/internal/bench"
	"congquy/internal/pgserver"
	"congquy/internal/store"
	"congquy/migrations"
)

// plan is the size of one run.
type plan struct {
	postings, clients, kills, pgStops int
}

// The small plan runs in `make test`; CONGQUY_HEAVY=1 runs TESTING.md's figures.
var (
	smallPlan = plan{postings: 300, clients: 16, kills: 2, pgStops: 1}
	heavyPlan = plan{postings: 10_000, clients: 16, kills: 20, pgStops: 5}
)

// acked is a posting the server acknowledged: its voucher was created (201) and its
// approval, which posts it, answered 200.
type acked struct {
	voucher int64
	line    int64
	amount  int64
}

// counters of what the clients met.
type counters struct {
	transport, serverErrors, conflicts, replays, requests atomic.Int64
}

func TestCrashDurability(t *testing.T) {
	p := smallPlan
	if os.Getenv("CONGQUY_HEAVY") == "1" {
		p = heavyPlan
	}
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster and a congquy server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	dir := tempDir(t)

	// A private cluster of our own, durable (fsync on): this test stops it as a crash would.
	pg, err := pgserver.Start(ctx, pgserver.Options{DataDir: filepath.Join(dir, "pg"), SkipLocal: true, Database: "congquy_crash"})
	if err != nil {
		if strings.Contains(err.Error(), "no PostgreSQL server found") {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	defer pg.Stop()
	if _, err := migrations.Up(ctx, pg.URL); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, store.AppURL(pg.URL), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	fx, err := bench.NewFixture(ctx, st, 44, nil)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	bin := filepath.Join(dir, "congquy")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "congquy/cmd/congquy").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dataDir := filepath.Join(dir, "data")
	if err := os.Mkdir(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	var serverLog lockedBuffer
	srv, err := bench.StartServerTo(ctx, &serverLog, bin, pg.URL, "CONGQUY_DATA_DIR="+dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	base := srv.URL // the same after every restart (the port is kept)

	seed := time.Now().UnixNano()
	if s := os.Getenv("CONGQUY_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("plan %+v, seed %d", p, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	type slot struct {
		unit int
		line int64
	}
	var slots []slot
	for u, fu := range fx.Units {
		for _, l := range fu.Lines {
			slots = append(slots, slot{u, l})
		}
	}
	work := make([]slot, p.postings)
	amounts := make([]int64, p.postings)
	for i := range work {
		work[i] = slots[rng.IntN(len(slots))]
		amounts[i] = 1000 + rng.Int64N(1_000_000)
	}

	// Clients: each posting is created (submitted) with the maker's token, then approved
	// with the checker's, each step retried with its own Idempotency-Key until it is
	// acknowledged.
	var (
		cnt    counters
		done   atomic.Int64
		next   atomic.Int64
		mu     sync.Mutex
		result = make([]acked, p.postings)
		fatal  error
	)
	httpc := &http.Client{Timeout: 30 * time.Second}
	const docDate = "2026-06-05" // in the fixture's fiscal year, in a month nobody closes
	send := func(path, token, key, body string, want int) ([]byte, error) {
		for attempt := 0; ; attempt++ {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if attempt > 0 {
				time.Sleep(time.Duration(min(20*attempt, 500)) * time.Millisecond)
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Idempotency-Key", key)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			cnt.requests.Add(1)
			resp, err := httpc.Do(req)
			if err != nil {
				cnt.transport.Add(1)
				continue
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case err != nil:
				cnt.transport.Add(1)
				continue
			case resp.StatusCode >= 500:
				cnt.serverErrors.Add(1)
				continue
			case resp.StatusCode == http.StatusConflict && !strings.Contains(string(b), "different request"):
				cnt.conflicts.Add(1) // the key is in flight elsewhere (a request cut by a crash)
				continue
			case resp.StatusCode != want:
				return nil, fmt.Errorf("POST %s (key %s): %d %s", path, key, resp.StatusCode, b)
			}
			if resp.Header.Get("Idempotent-Replayed") == "true" {
				cnt.replays.Add(1)
			}
			return b, nil
		}
	}
	var wg sync.WaitGroup
	for range p.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= p.postings {
					return
				}
				w := work[i]
				fu := fx.Units[w.unit]
				body := fmt.Sprintf(`{"unit_id": %d, "fiscal_year": 2026, "doc_no": "CR-%d", "doc_date": %q, "payee": "Công ty thử sập máy",
					"submit": true, "lines": [{"budget_line_id": %d, "amount": "%d", "description": "crash"}]}`, fu.Unit.ID, i, docDate, w.line, amounts[i])
				b, err := send("/api/v1/vouchers", fu.MakerToken, fmt.Sprintf("crash-create-%06d", i), body, http.StatusCreated)
				var v struct {
					ID     int64  `json:"id"`
					Status string `json:"status"`
				}
				if err == nil {
					err = json.Unmarshal(b, &v)
				}
				if err == nil {
					b, err = send(fmt.Sprintf("/api/v1/vouchers/%d/approve", v.ID), fu.CheckerToken, fmt.Sprintf("crash-approve-%06d", i), "", http.StatusOK)
				}
				if err == nil {
					err = json.Unmarshal(b, &v)
				}
				if err == nil && v.Status != "posted" {
					err = fmt.Errorf("posting %d: approved voucher %d is %q", i, v.ID, v.Status)
				}
				mu.Lock()
				if err != nil && fatal == nil {
					fatal = err
					cancel()
				}
				result[i] = acked{voucher: v.ID, line: w.line, amount: amounts[i]}
				mu.Unlock()
				if err != nil {
					return
				}
				done.Add(1)
			}
		}()
	}

	// The crashes, spread over the run by progress: kill -9 of the server (restarted on
	// its port), and immediate stops of PostgreSQL (restarted on its port; the server
	// stays up and must reconnect).
	events := make([]string, 0, p.kills+p.pgStops)
	for range p.kills {
		events = append(events, "kill")
	}
	for i := range p.pgStops {
		at := (i*len(events))/p.pgStops + i
		events = append(events[:at], append([]string{"pg"}, events[at:]...)...)
	}
	var chaosErr error
	chaosDone := make(chan struct{})
	kills, stops := 0, 0
	go func() {
		defer close(chaosDone)
		for k, ev := range events {
			threshold := int64((k + 1) * p.postings / (len(events) + 1))
			for done.Load() < threshold {
				if ctx.Err() != nil {
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
			pause := time.Duration(rng.IntN(300)) * time.Millisecond
			var err error
			switch ev {
			case "kill":
				srv.Kill()
				kills++
				time.Sleep(pause)
				err = srv.Restart(ctx)
			case "pg":
				err = pg.StopImmediate(ctx)
				stops++
				time.Sleep(pause)
				if err == nil {
					err = pg.Restart(ctx)
				}
			}
			if err != nil {
				chaosErr = fmt.Errorf("%s #%d: %w", ev, k, err)
				cancel()
				return
			}
		}
	}()
	wg.Wait()
	<-chaosDone
	if chaosErr != nil {
		t.Fatalf("%v\nserver log tail:\n%s", chaosErr, tail(serverLog.String(), 3000))
	}
	if fatal != nil {
		t.Fatalf("%v\nserver log tail:\n%s", fatal, tail(serverLog.String(), 3000))
	}
	srv.Stop()
	t.Logf("clients: %d postings acknowledged, %d requests; retried after %d transport errors, %d server errors, %d keys in flight; %d replies replayed; %d kill -9, %d immediate PostgreSQL stops",
		done.Load(), cnt.requests.Load(), cnt.transport.Load(), cnt.serverErrors.Load(), cnt.conflicts.Load(), cnt.replays.Load(), kills, stops)

	// What the database holds.
	db, err := sql.Open("postgres", pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	type row struct {
		id, entry, entryTotal, total int64
		status                       string
	}
	byDoc := map[string][]row{}
	rows, err := db.QueryContext(ctx, `SELECT v.doc_no, v.id, v.status, coalesce(v.entry_id, 0), v.total::bigint, coalesce(e.total, 0)::bigint
		FROM vouchers v LEFT JOIN journal_entries e ON e.id = v.entry_id WHERE v.doc_no LIKE 'CR-%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var doc string
		var r row
		if err := rows.Scan(&doc, &r.id, &r.status, &r.entry, &r.total, &r.entryTotal); err != nil {
			t.Fatal(err)
		}
		byDoc[doc] = append(byDoc[doc], r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	lost, duplicated, partial := 0, 0, 0
	spentWant := map[int64]int64{}
	for i, a := range result {
		spentWant[a.line] += a.amount
		vs := byDoc[fmt.Sprintf("CR-%d", i)]
		if len(vs) > 1 {
			duplicated++
			t.Errorf("posting %d recorded %d times: %+v", i, len(vs), vs)
		}
		found := false
		for _, v := range vs {
			if v.id != a.voucher {
				continue
			}
			found = true
			if v.status != "posted" || v.entry == 0 || v.entryTotal != a.amount || v.total != a.amount {
				partial++
				t.Errorf("posting %d (voucher %d) is partial: %+v, amount %d", i, v.id, v, a.amount)
			}
		}
		if !found {
			lost++
			t.Errorf("acknowledged posting %d (voucher %d) is lost", i, a.voucher)
		}
	}
	// No entry of a voucher without its posted voucher, and every line spent exactly what
	// was acknowledged on it.
	var orphans int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM journal_entries e WHERE e.source_type = 'voucher'
		AND NOT EXISTS (SELECT 1 FROM vouchers v WHERE v.entry_id = e.id AND v.status = 'posted')`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	partial += orphans
	if orphans > 0 {
		t.Errorf("%d journal entries of vouchers without their posted voucher", orphans)
	}
	for _, fu := range fx.Units {
		for _, l := range fu.Lines {
			var spent int64
			if err := db.QueryRowContext(ctx, `SELECT spent::bigint FROM budget_lines WHERE id = $1`, l).Scan(&spent); err != nil {
				t.Fatal(err)
			}
			if spent != spentWant[l] {
				partial++
				t.Errorf("budget line %d spent %d, acknowledged %d", l, spent, spentWant[l])
			}
		}
	}

	// Every posting has exactly one approval in the audit trail: none lost with a crash,
	// none recorded twice by a retry.
	var approvals, twice int
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE n > 1) FROM (
		SELECT a.entity_id, count(*) AS n FROM audit_events a JOIN vouchers v ON a.entity_id = v.id::text
		WHERE a.entity = 'voucher' AND a.action = 'approve' AND v.doc_no LIKE 'CR-%' GROUP BY a.entity_id) x`).Scan(&approvals, &twice); err != nil {
		t.Fatal(err)
	}
	if approvals != p.postings || twice != 0 {
		t.Errorf("audit trail: %d vouchers with an approval event (want %d), %d with more than one", approvals, p.postings, twice)
	}

	// The product's own checks, as an operator would run them after a crash.
	cli := func(args ...string) string {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+pg.URL, "CONGQUY_DATA_DIR="+dataDir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("congquy %s: %v\n%s", strings.Join(args, " "), err, tail(string(out), 3000))
		}
		return string(out)
	}
	cli("audit", "seal")
	check := cli("check")
	verify := cli("audit", "verify")
	t.Logf("congquy check: %s", lastLine(check))
	t.Logf("congquy audit verify: %s", lastLine(verify))
	t.Logf("crash durability: acknowledged %d of %d; lost %d; partial %d; duplicated %d; approval events %d (repeated %d); check and chain verification above",
		done.Load(), p.postings, lost, partial, duplicated, approvals, twice)
}

// tempDir is a temporary directory the PostgreSQL server user can enter when the test
// runs as root (the cluster then runs as another user).
func tempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lockedBuffer collects the server's output across restarts.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
