package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"congquy/internal/budget"
	"congquy/internal/money"
)

// TestAPIApproveCost measures the approve-and-post path over the JSON API in process (no
// network): n POST /api/v1/vouchers/{id}/approve by the chief accountant's
// token, on vouchers drafted and submitted beforehand. It runs only when
// CONGQUY_APPROVE_N is set (e.g. 2000), from CONGQUY_APPROVE_CLIENTS goroutines (default
// 1); with -cpuprofile it shows where the server's time goes. The load figures of issue 6 are measured by make bench, not here.
func TestAPIApproveCost(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CONGQUY_APPROVE_N"))
	if n <= 0 {
		t.Skip("set CONGQUY_APPROVE_N to measure the approve path")
	}
	bs := mustBudgetServer(t)
	ctx := context.Background()
	lines := make([]budget.Line, 10)
	for i := range lines {
		lines[i] = bs.fundedLine(t, bs.dept, []string{"6001", "6501", "6502", "6551", "6601", "6701", "6702", "6703", "6907", "7006"}[i], 1_000_000_000)
	}
	officer := bs.actor(t, loginOfficer)
	ids := make([]int64, n)
	for i := range n {
		v, err := bs.store.CreateSubmittedVoucher(ctx, officer, budget.NewVoucher{UnitID: bs.dept, FiscalYear: 2026,
			DocDate: time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), Payee: "Bench",
			Lines: []budget.VoucherLine{{BudgetLineID: lines[i%len(lines)].ID, Amount: money.FromInt64(1000)}}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = v.ID
	}
	tok := bs.token(t, loginChief)
	clients, _ := strconv.Atoi(os.Getenv("CONGQUY_APPROVE_CLIENTS"))
	clients = max(clients, 1)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				r := bs.do(t, http.MethodPost, fmt.Sprintf("/api/v1/vouchers/%d/approve", ids[i]), nil,
					"Authorization", "Bearer "+tok, "Idempotency-Key", fmt.Sprintf("bench-%08d", i))
				if r.Code != http.StatusOK {
					t.Errorf("approve: %d %s", r.Code, r.Body)
					return
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	t.Logf("%d approvals over the API in process, %d clients: %.0f/s, %s each", n, clients, float64(n)/el.Seconds(), (el / time.Duration(n)).Round(time.Microsecond))
}
