package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/ledger"
	"congquy/internal/money"
)

// ledgerLine is one journal line as the tests read it.
type ledgerLine struct {
	Account string    `db:"account_code"`
	Debit   money.VND `db:"debit"`
	Credit  money.VND `db:"credit"`
	Line    *int64    `db:"budget_line_id"`
}

func (f *budgetFixture) entryLines(t *testing.T, entryID int64) []ledgerLine {
	t.Helper()
	var out []ledgerLine
	if err := f.st.DB().Select(&out, `SELECT account_code, debit, credit, budget_line_id FROM journal_lines
		WHERE entry_id = $1 ORDER BY line_no`, entryID); err != nil {
		t.Fatal(err)
	}
	return out
}

// Approving a voucher posts it: one entry, Nợ 6111 / Có 511 and Có 00821 per budget line,
// every line naming its budget line; the audit event names the entry. Reversing it gives
// the line back exactly what it spent, posts the mirror entry and marks it reversed, once.
func TestVoucherPostsAndReverses(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	lines := f.mustFundedLines(t, 2, 10_000_000)
	before := f.line(t, lines[0].ID)
	v := f.mustSubmitted(t, f.officeMaker, voucher(f.offices[0].ID, map[int64]int64{lines[0].ID: 1_250_000, lines[1].ID: 750_000}))
	v, err := f.st.ApproveVoucher(ctx, f.officeChecker, v.ID)
	if err != nil || v.Status != budget.StatusPosted || v.EntryID == nil {
		t.Fatalf("approve: %+v %v", v, err)
	}
	got := f.entryLines(t, *v.EntryID)
	want := []ledgerLine{
		{"6111", vnd(1_250_000), money.Zero, &lines[0].ID}, {"511", money.Zero, vnd(1_250_000), &lines[0].ID}, {"00821", money.Zero, vnd(1_250_000), &lines[0].ID},
		{"6111", vnd(750_000), money.Zero, &lines[1].ID}, {"511", money.Zero, vnd(750_000), &lines[1].ID}, {"00821", money.Zero, vnd(750_000), &lines[1].ID},
	}
	if len(got) != len(want) {
		t.Fatalf("entry lines %+v", got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Account != w.Account || !g.Debit.Equal(w.Debit) || !g.Credit.Equal(w.Credit) || g.Line == nil || *g.Line != *w.Line {
			t.Errorf("entry line %d = %+v, want %+v", i+1, g, w)
		}
	}
	var audited int
	if err := f.st.DB().Get(&audited, `SELECT count(*) FROM audit_events WHERE entity = 'voucher' AND entity_id = $1::text
		AND action = 'approve' AND (after->>'entry_id')::bigint = $2`, v.ID, *v.EntryID); err != nil || audited != 1 {
		t.Fatalf("approval audit events naming the entry: %d %v", audited, err)
	}

	// The ledger's own reversal refuses the voucher's entry; a manual entry cannot name a
	// budget line.
	if _, err := f.st.ReverseEntry(ctx, f.officeChecker, *v.EntryID, docDay, "x"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("reversing a voucher's entry in the ledger: %v", err)
	}
	p, err := f.st.PostManualEntry(ctx, f.officeChecker, ledger.Entry{UnitID: f.offices[0].ID, Date: docDay, Memo: "thử",
		Lines: []ledger.Line{{Account: "6111", Debit: vnd(5), BudgetLineID: lines[0].ID}, {Account: "1121", Credit: vnd(5), BudgetLineID: lines[0].ID}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range f.entryLines(t, p.ID) {
		if l.Line != nil {
			t.Fatalf("a manual entry named budget line %d", *l.Line)
		}
	}

	// Reversal: the drafter may not; the approver may, with a reason; once.
	if _, err := f.st.ReverseVoucher(ctx, f.officeMaker, v.ID, docDay, "Nhầm"); !apperr.Is(err, apperr.Forbidden) && !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("the drafter reversing: %v", err)
	}
	if _, err := f.st.ReverseVoucher(ctx, f.officeChecker, v.ID, docDay, "  "); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("reversal without a reason: %v", err)
	}
	if _, err := f.st.ReverseVoucher(ctx, f.officeChecker, v.ID, docDay.AddDate(0, 0, -1), "Nhầm"); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("reversal dated before the voucher: %v", err)
	}
	r, err := f.st.ReverseVoucher(ctx, f.officeChecker, v.ID, docDay.AddDate(0, 0, 3), "Nhầm người thụ hưởng")
	if err != nil || r.Status != budget.StatusReversed || r.ReversalEntryID == nil {
		t.Fatalf("reverse: %+v %v", r, err)
	}
	after := f.line(t, lines[0].ID)
	if !after.Available().Equal(before.Available()) || !after.Spent.IsZero() {
		t.Fatalf("availability after the reversal %s (spent %s), before the voucher %s", after.Available(), after.Spent, before.Available())
	}
	for i, l := range f.entryLines(t, *r.ReversalEntryID) {
		if w := want[i]; l.Account != w.Account || !l.Debit.Equal(w.Credit) || !l.Credit.Equal(w.Debit) {
			t.Errorf("reversal line %d = %+v, mirror of %+v", i+1, l, w)
		}
	}
	if _, err := f.st.ReverseVoucher(ctx, f.officeChecker, v.ID, docDay, "lần nữa"); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("reversing twice: %v", err)
	}
	mustNoViolations(t, f.st)
}

// A commitment-backed payment, reversed: the line's availability comes back exactly; the
// commitment keeps what it paid down, the undone part released.
func TestReverseCommitmentPayment(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	l := f.mustFundedLines(t, 1, 1_000_000)[0]
	c, err := f.st.DraftCommitment(ctx, f.officeMaker, budget.NewCommitment{UnitID: l.UnitID, BudgetLineID: l.ID, ContractNo: "HĐ-1",
		ContractDate: docDay, Supplier: "Công ty Mẫu", Amount: vnd(600_000)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ApproveCommitment(ctx, f.officeChecker, c.ID); err != nil {
		t.Fatal(err)
	}
	nv := voucher(l.UnitID, map[int64]int64{l.ID: 400_000})
	nv.Lines[0].CommitmentID = &c.ID
	v := f.mustSubmitted(t, f.officeMaker, nv)
	if _, err := f.st.ApproveVoucher(ctx, f.officeChecker, v.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.line(t, l.ID); !got.Available().Equal(vnd(400_000)) || !got.Committed.Equal(vnd(200_000)) {
		t.Fatalf("after the payment: available %s committed %s", got.Available(), got.Committed)
	}
	if _, err := f.st.ReverseVoucher(ctx, f.officeChecker, v.ID, docDay, "Hóa đơn sai"); err != nil {
		t.Fatal(err)
	}
	if got := f.line(t, l.ID); !got.Available().Equal(vnd(800_000)) || !got.Committed.Equal(vnd(200_000)) || !got.Spent.IsZero() {
		t.Fatalf("after the reversal: available %s committed %s spent %s", got.Available(), got.Committed, got.Spent)
	}
	mustNoViolations(t, f.st)
}

// A closed month refuses the approval cleanly (period_closed) and nothing changes: the
// voucher stays submitted, the line unspent, no entry, no audit event. Decisions too.
func TestClosedPeriodRefusesApproval(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	l := f.mustFundedLines(t, 1, 1_000_000)[0]
	v := f.mustSubmitted(t, f.officeMaker, voucher(l.UnitID, map[int64]int64{l.ID: 1_000}))
	if _, err := f.st.ClosePeriod(ctx, f.officeChecker, l.UnitID, docDay); err != nil {
		t.Fatal(err)
	}
	count := func() (n [3]int) {
		for i, q := range []string{`SELECT count(*) FROM journal_entries`, `SELECT count(*) FROM audit_events`,
			`SELECT count(*) FROM vouchers WHERE status = 'submitted'`} {
			if err := f.st.DB().Get(&n[i], q); err != nil {
				t.Fatal(err)
			}
		}
		return n
	}
	was := count()
	_, err := f.st.ApproveVoucher(ctx, f.officeChecker, v.ID)
	if e, ok := apperr.As(err); !ok || e.Code != apperr.PeriodClosed {
		t.Fatalf("approval in a closed month: %v", err)
	}
	if now := count(); now != was || !f.line(t, l.ID).Spent.IsZero() {
		t.Fatalf("the refused approval changed something: %v → %v", was, now)
	}
	d, err := f.st.DraftDecision(ctx, f.maker, budget.NewDecision{UnitID: l.UnitID, FiscalYear: 2026, Kind: budget.DecisionIncrease,
		DecisionNo: "QĐ-BS", DecisionDate: docDay, Total: vnd(5), Lines: []budget.DecisionLine{{LineID: l.ID, Amount: vnd(5)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ApproveDecision(ctx, f.checker, d.ID); !apperr.Is(err, apperr.PeriodClosed) {
		t.Fatalf("decision in a closed month: %v", err)
	}
	mustNoViolations(t, f.st)
}

// TESTING.md row 12 with vouchers: 64 approvers post vouchers dated in March while March
// closes; every approval either committed before the close or was refused after it: 0
// postings accepted into the closed period; refused vouchers stay submitted, unspent.
func TestVoucherPeriodCloseRace(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	lines := f.mustFundedLines(t, 8, 1_000_000_000)
	var vs [][]budget.VoucherLine
	for i := range 4000 {
		vs = append(vs, []budget.VoucherLine{{BudgetLineID: lines[i%len(lines)].ID, Amount: vnd(int64(1 + i%997))}})
	}
	ids := f.mustSubmittedBulk(t, vs)
	st := wideStore(t, f.owner, 64)
	var next, accepted, refused atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(ids)) {
					return
				}
				_, err := st.ApproveVoucher(ctx, f.officeChecker, ids[i])
				switch {
				case err == nil:
					accepted.Add(1)
				case apperr.Is(err, apperr.PeriodClosed):
					refused.Add(1)
				default:
					t.Errorf("approve %d: %v", ids[i], err)
					return
				}
			}
		}()
	}
	for next.Load() < 300 {
		time.Sleep(time.Millisecond)
	}
	closing := time.Now()
	if _, err := st.ClosePeriod(ctx, f.officeChecker, f.offices[0].ID, docDay); err != nil {
		t.Fatal(err)
	}
	t.Logf("the close waited %s for the postings in flight (approvals started by then: %d)", time.Since(closing).Round(time.Millisecond), next.Load())
	atClose := countEntries(t, f.st, f.offices[0].ID, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	wg.Wait()
	afterAll := countEntries(t, f.st, f.offices[0].ID, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	var posted, submitted int64
	if err := f.st.DB().Get(&posted, `SELECT count(*) FROM vouchers WHERE status = 'posted'`); err != nil {
		t.Fatal(err)
	}
	if err := f.st.DB().Get(&submitted, `SELECT count(*) FROM vouchers WHERE status = 'submitted'`); err != nil {
		t.Fatal(err)
	}
	t.Logf("period-close race: %d approvals posted before the close, %d refused after it, %d postings accepted into the closed period",
		accepted.Load(), refused.Load(), afterAll-atClose)
	if afterAll != atClose || refused.Load() == 0 || accepted.Load() == 0 {
		t.Fatalf("entries at the close %d, after %d; accepted %d refused %d", atClose, afterAll, accepted.Load(), refused.Load())
	}
	// atClose counts the fixture's funding decision entry (one per unit) as well.
	if posted != accepted.Load() || submitted != refused.Load() || int64(afterAll) != accepted.Load()+1 {
		t.Fatalf("posted %d submitted %d entries %d; accepted %d refused %d", posted, submitted, afterAll, accepted.Load(), refused.Load())
	}
	mustNoViolations(t, f.st)
}

var _ = auth.PermSpendView
