package store_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"congquy/internal/auth"
	"congquy/internal/ledger"
	"congquy/internal/store"
)

// TestPostingLockCost measures what the period check's FOR SHARE lock costs: the same
// postings (16 clients, one unit and month, so every posting shares the period row) with
// the trigger as shipped, and with its lock removed. Run with CONGQUY_BENCH=1; it reports
// figures and the ratio, and asserts nothing about time.
func TestPostingLockCost(t *testing.T) {
	if os.Getenv("CONGQUY_BENCH") == "" {
		t.Skip("a measurement: run with CONGQUY_BENCH=1")
	}
	const clients, perClient = 16, 250
	run := func(st *store.Store, unit int64) float64 {
		var wg sync.WaitGroup
		start := time.Now()
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perClient {
					_, err := st.PostManualEntry(context.Background(), auth.System("bench"), ledger.Entry{UnitID: unit,
						Date: day(2026, 3, 1+(c+i)%28), Memo: "bench", Lines: []ledger.Line{ln("611", 1000, 0), ln("112", 0, 1000)}})
					if err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		return float64(clients*perClient) / time.Since(start).Seconds()
	}
	for round := range 2 {
		withLock, _ := mustStore(t)
		u := mustUnit(t, withLock, nil, "A")
		a := run(withLock, u.ID)

		noLock, owner2 := mustStore(t)
		u2 := mustUnit(t, noLock, nil, "A")
		db := mustOwner(t, owner2)
		var src string
		if err := db.Get(&src, `SELECT pg_get_functiondef('journal_entries_before_insert'::regproc)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(strings.ReplaceAll(src, "FOR SHARE", "")); err != nil {
			t.Fatal(err)
		}
		b := run(noLock, u2.ID)
		t.Logf("round %d: %d postings by %d clients: with FOR SHARE %.0f/s, without %.0f/s, ratio %.2f", round+1, clients*perClient, clients, a, b, a/b)
	}
}
