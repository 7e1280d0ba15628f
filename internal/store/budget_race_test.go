package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/internal/budget"
	"congquy/internal/money"
	"congquy/internal/store"
)

// seed returns the seed of a randomised test, printed so that a failure replays.
func seed(t *testing.T) uint64 {
	s := uint64(time.Now().UnixNano())
	if v, err := strconv.ParseUint(os.Getenv("CONGQUY_SEED"), 10, 64); err == nil {
		s = v
	}
	t.Logf("seed %d (replay: CONGQUY_SEED=%d)", s, s)
	return s
}

// wideStore opens a second store on the same database with room for many clients.
func wideStore(t *testing.T, owner string, conns int) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.AppURL(owner), store.Options{MaxConns: conns})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// mustFundedLines opens n funded lines of the first office on distinct tiểu mục.
func (f *budgetFixture) mustFundedLines(t *testing.T, n int, each int64) []budget.Line {
	t.Helper()
	items := []string{"6501", "6502", "6503", "6504", "6549", "6551", "6552", "6553", "6599", "6601",
		"6603", "6605", "6606", "6608", "6618", "6649", "6701", "6702", "6703", "6704", "6749", "6751"}
	var lines []budget.Line
	var dls []budget.DecisionLine
	for i := range n {
		l := f.mustLine(t, f.offices[0].ID, items[i], nil)
		lines = append(lines, l)
		dls = append(dls, budget.DecisionLine{LineID: l.ID, Amount: vnd(each)})
	}
	f.mustDecide(t, f.offices[0].ID, budget.DecisionEstimate, each*int64(n), dls...)
	return lines
}

// mustSubmittedBulk writes submitted single- or multi-line vouchers straight into the
// database as the owner, set-based (the setup of a race, not what is tested), and returns
// their ids in order.
func (f *budgetFixture) mustSubmittedBulk(t *testing.T, vouchers [][]budget.VoucherLine) []int64 {
	t.Helper()
	var docs, lineDocs []string
	var totals, amounts []string
	var lineNos []int64
	var lineIDs []int64
	tag := strconv.FormatInt(time.Now().UnixNano(), 36)
	for i, lines := range vouchers {
		doc := tag + "-" + strconv.Itoa(i)
		total := money.Zero
		for j, l := range lines {
			total = total.Add(l.Amount)
			lineDocs, lineNos, lineIDs, amounts = append(lineDocs, doc), append(lineNos, int64(j+1)), append(lineIDs, l.BudgetLineID), append(amounts, l.Amount.String())
		}
		docs, totals = append(docs, doc), append(totals, total.String())
	}
	db := mustOwner(t, f.owner)
	tx := db.MustBegin()
	tx.MustExec(`INSERT INTO vouchers (unit_id, fiscal_year, doc_no, doc_date, payee, total, status, drafted_by, drafted_login)
		SELECT $1, 2026, d, $2, 'Payee', t::numeric, 'draft', $3, $4 FROM unnest($5::text[], $6::text[]) AS x(d, t)`,
		f.offices[0].ID, docDay, f.officeMaker.UserID, f.officeMaker.Login, pq.Array(docs), pq.Array(totals))
	tx.MustExec(`INSERT INTO voucher_lines (voucher_id, line_no, budget_line_id, amount)
		SELECT v.id, x.n, x.l, x.a::numeric FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[]) AS x(d, n, l, a)
		JOIN vouchers v ON v.doc_no = x.d`, pq.Array(lineDocs), pq.Array(lineNos), pq.Array(lineIDs), pq.Array(amounts))
	tx.MustExec(`UPDATE vouchers SET status = 'submitted', submitted_login = $2, submitted_at = now() WHERE doc_no = ANY($1)`,
		pq.Array(docs), f.officeMaker.Login)
	var rows []struct {
		ID  int64  `db:"id"`
		Doc string `db:"doc_no"`
	}
	if err := tx.Select(&rows, `SELECT id, doc_no FROM vouchers WHERE doc_no = ANY($1)`, pq.Array(docs)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	byDoc := map[string]int64{}
	for _, r := range rows {
		byDoc[r.Doc] = r.ID
	}
	ids := make([]int64, len(docs))
	for i, d := range docs {
		ids[i] = byDoc[d]
	}
	return ids
}

// approveAll approves the vouchers with the given number of concurrent clients and
// counts the outcomes by error code ("" for approved).
func approveAll(t *testing.T, st *store.Store, f *budgetFixture, ids []int64, clients int) map[apperr.Code]int {
	t.Helper()
	var mu sync.Mutex
	outcomes := map[apperr.Code]int{}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(ids)) {
					return
				}
				_, err := st.ApproveVoucher(context.Background(), f.officeChecker, ids[i])
				code := apperr.CodeOf(err)
				if code == apperr.Internal {
					t.Errorf("voucher %d: %v", ids[i], err)
				}
				mu.Lock()
				outcomes[code]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return outcomes
}

// sumApproved returns Σ amounts of approved (posted) vouchers, Σ spent of the lines and
// Σ of the ledger's expense postings on budget lines.
func sumApproved(t *testing.T, f *budgetFixture) (accepted, spent, ledger money.VND) {
	t.Helper()
	db := mustOwner(t, f.owner)
	if err := db.Get(&ledger, `SELECT coalesce(sum(debit - credit), 0) FROM journal_lines
		WHERE budget_line_id IS NOT NULL AND account_code LIKE '611%'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&accepted, `SELECT coalesce(sum(total), 0) FROM vouchers WHERE status = 'posted'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&spent, `SELECT coalesce(sum(spent), 0) FROM budget_lines`); err != nil {
		t.Fatal(err)
	}
	return accepted, spent, ledger
}

// TESTING.md row 1: 64 concurrent approvers, 10,000 vouchers on 20 lines asking twice
// the allocation: no line overspent, Σ accepted = Σ spent, every refusal a clean
// insufficient-budget error; then the exact-fit case.
func TestConcurrentOverspend(t *testing.T) {
	f := mustBudgetFixture(t)
	rng := rand.New(rand.NewPCG(seed(t), 1))
	const nLines, nVouchers, each = 20, 10_000, 1_000_000
	if testing.Short() {
		t.Skip("long concurrency test")
	}
	lines := f.mustFundedLines(t, nLines, each)
	// Mean amount 4,000 ₫ × 10,000 = 40,000,000 ₫ asked of 20,000,000 ₫ allocated.
	var vs [][]budget.VoucherLine
	for range nVouchers {
		l := lines[rng.IntN(nLines)]
		vs = append(vs, []budget.VoucherLine{{BudgetLineID: l.ID, Amount: vnd(1 + rng.Int64N(7999))}})
	}
	ids := f.mustSubmittedBulk(t, vs)
	st := wideStore(t, f.owner, 64)
	start := time.Now()
	out := approveAll(t, st, f, ids, 64)
	t.Logf("%d approvals by 64 clients in %s", nVouchers, time.Since(start).Round(time.Millisecond))
	t.Logf("outcomes: %v", out)
	if out[""] == 0 || out[apperr.InsufficientBudget] == 0 || out[""]+out[apperr.InsufficientBudget] != nVouchers {
		t.Fatalf("outcomes %v: want only approvals and insufficient-budget refusals, both present", out)
	}
	accepted, spent, ledger := sumApproved(t, f)
	t.Logf("Σ accepted %s = Σ spent %s = Σ ledger %s", accepted, spent, ledger)
	if !accepted.Equal(spent) || !spent.Equal(ledger) {
		t.Fatalf("Σ accepted %s, Σ spent %s, Σ ledger %s: not equal", accepted, spent, ledger)
	}
	overspent := 0
	for _, l := range lines {
		if got := f.line(t, l.ID); got.Available().IsNegative() || got.Spent.GreaterThan(vnd(each)) {
			overspent++
		}
	}
	t.Logf("lines overspent: %d of %d", overspent, nLines)
	if overspent != 0 {
		t.Fatalf("%d lines overspent", overspent)
	}
	mustNoViolations(t, f.st)

	// Exact fit: N vouchers summing exactly to a fresh line's allocation are all accepted,
	// concurrently; one more of 1 ₫ is refused.
	exact := f.mustLine(t, f.offices[0].ID, "6754", nil)
	f.mustFund(t, exact, 1_000_000)
	parts, _ := vnd(1_000_000).SplitEqual(97)
	vs = vs[:0]
	for _, p := range parts {
		vs = append(vs, []budget.VoucherLine{{BudgetLineID: exact.ID, Amount: p}})
	}
	out = approveAll(t, st, f, f.mustSubmittedBulk(t, vs), 64)
	t.Logf("exact fit: %d of %d vouchers summing to the allocation accepted", out[""], len(parts))
	if out[""] != len(parts) {
		t.Fatalf("exact fit: %v, want %d approvals", out, len(parts))
	}
	out = approveAll(t, st, f, f.mustSubmittedBulk(t, [][]budget.VoucherLine{{{BudgetLineID: exact.ID, Amount: vnd(1)}}}), 1)
	if out[apperr.InsufficientBudget] != 1 {
		t.Fatalf("1 ₫ over the exact fit: %v", out)
	}
	if got := f.line(t, exact.ID); !got.Available().IsZero() {
		t.Fatalf("exact line available %s", got.Available())
	}
	mustNoViolations(t, f.st)
}

// TESTING.md row 2: the same harness against a deliberately naive read-then-insert
// (in test code, on a table without the CHECK) finds overspending — proof that the
// harness can see it.
func TestNaiveSpendingOverspends(t *testing.T) {
	_, owner := mustStore(t)
	db := mustOwner(t, owner)
	db.MustExec(`CREATE TABLE naive_spend (line int NOT NULL, amount numeric(20,0) NOT NULL)`)
	const limit, clients, tries = 100_000, 32, 50
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range tries {
				// Read the sum, decide, then insert: the race this design forbids.
				var used int64
				if err := db.Get(&used, `SELECT coalesce(sum(amount), 0)::bigint FROM naive_spend`); err != nil {
					t.Error(err)
					return
				}
				if used+1000 <= limit {
					time.Sleep(50 * time.Microsecond)
					db.MustExec(`INSERT INTO naive_spend VALUES (1, 1000)`)
				}
			}
		}()
	}
	wg.Wait()
	var used int64
	if err := db.Get(&used, `SELECT sum(amount)::bigint FROM naive_spend`); err != nil {
		t.Fatal(err)
	}
	t.Logf("naive spending: %d of a %d limit", used, limit)
	if used <= limit {
		t.Fatalf("the naive harness did not overspend (%d ≤ %d): the race is not exercised", used, limit)
	}
}

// TESTING.md row 3: 32 writers move budget between lines while readers sum the totals:
// every read sees the same total; no line ever has negative availability.
func TestTransfersConserveTotal(t *testing.T) {
	f := mustBudgetFixture(t)
	rng := rand.New(rand.NewPCG(seed(t), 3))
	const nLines, each = 10, 1_000_000
	lines := f.mustFundedLines(t, nLines, each)
	st := wideStore(t, f.owner, 48)
	ctx, cancel := context.WithCancel(context.Background())
	var reads, badReads atomic.Int64
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for ctx.Err() == nil {
				got, _, err := st.Lines(context.Background(), store.LineFilter{Within: []int64{f.dept.ID}, FiscalYear: 2026})
				if err != nil {
					t.Error(err)
					return
				}
				total := money.Zero
				for _, l := range got {
					total = total.Add(l.Estimate())
					if l.Available().IsNegative() {
						badReads.Add(1)
					}
				}
				if !total.Equal(vnd(nLines * each)) {
					badReads.Add(1)
				}
				reads.Add(1)
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	var writers sync.WaitGroup
	var moved, refused atomic.Int64
	for w := range 32 {
		r := rand.New(rand.NewPCG(rng.Uint64(), uint64(w)))
		writers.Add(1)
		go func() {
			defer writers.Done()
			for range 15 {
				a, b := lines[r.IntN(nLines)], lines[r.IntN(nLines)]
				if a.ID == b.ID {
					continue
				}
				x := vnd(1 + r.Int64N(300_000))
				d, err := st.DraftDecision(context.Background(), f.maker, budget.NewDecision{UnitID: f.offices[0].ID, FiscalYear: 2026,
					Kind: budget.DecisionTransfer, DecisionNo: "ĐC", DecisionDate: docDay, Total: x,
					Lines: []budget.DecisionLine{{LineID: a.ID, Amount: x.Neg()}, {LineID: b.ID, Amount: x}}})
				if err != nil {
					t.Error(err)
					return
				}
				_, err = st.ApproveDecision(context.Background(), f.checker, d.ID)
				switch apperr.CodeOf(err) {
				case "":
					moved.Add(1)
				case apperr.InsufficientBudget:
					refused.Add(1)
				default:
					t.Errorf("transfer: %v", err)
				}
			}
		}()
	}
	writers.Wait()
	cancel()
	readers.Wait()
	t.Logf("%d transfers, %d refused, %d reads: %d saw a wrong total or a negative availability", moved.Load(), refused.Load(), reads.Load(), badReads.Load())
	if badReads.Load() != 0 || moved.Load() == 0 || reads.Load() == 0 {
		t.Fatalf("%d reads saw a wrong total or a negative availability; %d transfers, %d reads", badReads.Load(), moved.Load(), reads.Load())
	}
	mustNoViolations(t, f.st)
}

// TESTING.md row 5: vouchers over 2–5 lines, some short of funds, approved by 32
// clients: a voucher moves all its lines or none; no deadlock surfaces.
func TestMultiLineVouchersAreAtomic(t *testing.T) {
	f := mustBudgetFixture(t)
	rng := rand.New(rand.NewPCG(seed(t), 5))
	lines := f.mustFundedLines(t, 8, 200_000)
	var vs [][]budget.VoucherLine
	for range 600 {
		perm := rng.Perm(len(lines))[:2+rng.IntN(4)]
		var v []budget.VoucherLine
		for _, i := range perm {
			v = append(v, budget.VoucherLine{BudgetLineID: lines[i].ID, Amount: vnd(1 + rng.Int64N(2000))})
		}
		vs = append(vs, v)
	}
	ids := f.mustSubmittedBulk(t, vs)
	out := approveAll(t, wideStore(t, f.owner, 32), f, ids, 32)
	t.Logf("outcomes: %v", out)
	if out[apperr.Conflict] != 0 || out[""]+out[apperr.InsufficientBudget] != len(ids) || out[apperr.InsufficientBudget] == 0 {
		t.Fatalf("outcomes %v: want approvals and clean refusals only, some of each", out)
	}
	// A refused voucher left nothing behind: spent equals the approved vouchers' lines
	// exactly (budget.line_spent), and refused ones are still submitted.
	db := mustOwner(t, f.owner)
	var partial int
	if err := db.Get(&partial, `SELECT count(*) FROM vouchers WHERE status NOT IN ('posted', 'submitted')`); err != nil {
		t.Fatal(err)
	}
	t.Logf("multi-line vouchers: %d in an unexpected state, %d internal errors (deadlocks would be these)", partial, out[apperr.Internal])
	if partial != 0 {
		t.Fatalf("%d vouchers in an unexpected state", partial)
	}
	mustNoViolations(t, f.st)
}

var _ = sqlx.DOLLAR
var _ = fmt.Sprint
