package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"congquy/internal/apperr"
	"congquy/internal/budget"
)

// TESTING.md row 13: approving one's own draft, approving another unit's voucher, and
// approving and rejecting at once: 0 improper approvals, 0 double final states.
func TestMakerChecker(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	lines := f.mustFundedLines(t, 2, 10_000_000)
	other := f.mustLine(t, f.offices[1].ID, "6501", nil)
	f.mustFund(t, other, 1_000_000)

	// Own draft: refused by the store, and by the database if the store were wrong.
	officer := mustUser(t, f.owner, f.offices[0].ID, "both-roles", "finance_officer", "chief_accountant")
	v := f.mustSubmitted(t, officer, voucher(f.offices[0].ID, map[int64]int64{lines[0].ID: 1000}))
	if _, err := f.st.ApproveVoucher(ctx, officer, v.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("approving one's own voucher: %v", err)
	}
	if _, err := f.st.RejectVoucher(ctx, officer, v.ID, "x"); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("rejecting one's own voucher: %v", err)
	}
	d, err := f.st.DraftDecision(ctx, f.maker, budget.NewDecision{UnitID: f.dept.ID, FiscalYear: 2026, Kind: budget.DecisionEstimate,
		DecisionNo: "1", DecisionDate: docDay, Total: vnd(5), Lines: []budget.DecisionLine{{LineID: f.mustLine(t, f.dept.ID, "6501", nil).ID, Amount: vnd(5)}}})
	if err != nil {
		t.Fatal(err)
	}
	chief := mustUser(t, f.owner, f.dept.ID, "maker-too", "chief_accountant")
	if _, err := f.st.ApproveDecision(ctx, f.maker, d.ID); !apperr.Is(err, apperr.NotFound) && !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("a finance officer approving: %v", err)
	}
	db := mustOwner(t, f.owner)
	draft, err := f.st.CreateVoucher(ctx, officer, voucher(f.offices[0].ID, map[int64]int64{lines[0].ID: 1000}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.st.DB().ExecContext(ctx, `UPDATE vouchers SET approved_by = drafted_by, approved_login = drafted_login,
		decided_at = now() WHERE id = $1`, draft.ID)
	if err == nil || !strings.Contains(err.Error(), "vouchers_maker_checker") {
		t.Fatalf("the database let a drafter approve: %v", err)
	}

	// Another unit's voucher: office 1's chief sees office 2's voucher as not found.
	ov := f.mustSubmitted(t, f.maker, voucher(f.offices[1].ID, map[int64]int64{other.ID: 1000}))
	if _, err := f.st.ApproveVoucher(ctx, f.officeChecker, ov.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("approving another unit's voucher: %v", err)
	}
	if _, err := f.st.ApproveDecision(ctx, chief, d.ID); err != nil {
		t.Fatalf("a chief of the unit approving another's draft: %v", err)
	}

	// Approve and reject at once, 40 times: exactly one wins each time.
	var ids []int64
	for range 40 {
		ids = append(ids, f.mustSubmitted(t, f.officeMaker, voucher(f.offices[0].ID, map[int64]int64{lines[1].ID: 100})).ID)
	}
	var wg sync.WaitGroup
	wins := make([]int, len(ids))
	var mu sync.Mutex
	for i, id := range ids {
		for _, approve := range []bool{true, false} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if approve {
					_, err = f.st.ApproveVoucher(ctx, f.officeChecker, id)
				} else {
					_, err = f.st.RejectVoucher(ctx, f.checker, id, "trùng chứng từ")
				}
				if err == nil {
					mu.Lock()
					wins[i]++
					mu.Unlock()
				} else if !apperr.Is(err, apperr.Conflict) {
					t.Errorf("voucher %d: %v", id, err)
				}
			}()
		}
	}
	wg.Wait()
	double := 0
	for i, w := range wins {
		if w != 1 {
			double++
			t.Errorf("voucher %d reached %d final states", ids[i], w)
		}
	}
	var improper int
	if err := db.Get(&improper, `SELECT count(*) FROM vouchers WHERE approved_login = drafted_login OR approved_by = drafted_by`); err != nil {
		t.Fatal(err)
	}
	t.Logf("maker-checker: own draft and another unit's voucher refused; %d approve-and-reject races: %d improper approvals, %d double final states",
		len(ids), improper, double)
	if improper != 0 {
		t.Fatalf("%d improper approvals", improper)
	}
	mustNoViolations(t, f.st)
}

// A budget on a parent unit caps its offices' spending when an office line is linked to
// it (parent-constraint mode): both lines are consumed, and the parent refuses first.
func TestParentLineConstrainsOffices(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	parent := f.mustLine(t, f.dept.ID, "6702", nil)
	f.mustFund(t, parent, 1_000_000)
	o1 := f.mustLine(t, f.offices[0].ID, "6702", &parent.ID)
	o2 := f.mustLine(t, f.offices[1].ID, "6702", &parent.ID)
	f.mustFund(t, o1, 800_000)
	f.mustFund(t, o2, 800_000)

	v := f.mustSubmitted(t, f.officeMaker, voucher(f.offices[0].ID, map[int64]int64{o1.ID: 700_000}))
	if _, err := f.st.ApproveVoucher(ctx, f.officeChecker, v.ID); err != nil {
		t.Fatal(err)
	}
	// Office 2 has 800,000 of its own, but the department's cap has only 300,000 left.
	v = f.mustSubmitted(t, f.maker, voucher(f.offices[1].ID, map[int64]int64{o2.ID: 300_001}))
	_, err := f.st.ApproveVoucher(ctx, f.checker, v.ID)
	if e, _ := apperr.As(err); e == nil || e.Code != apperr.InsufficientBudget || !strings.Contains(e.VI, "còn 300.000 ₫, yêu cầu 300.001 ₫") {
		t.Fatalf("over the parent's cap: %v", err)
	}
	v = f.mustSubmitted(t, f.maker, voucher(f.offices[1].ID, map[int64]int64{o2.ID: 300_000}))
	if _, err := f.st.ApproveVoucher(ctx, f.checker, v.ID); err != nil {
		t.Fatalf("at the parent's cap: %v", err)
	}
	if p := f.line(t, parent.ID); !p.SubConsumed.Equal(vnd(1_000_000)) || !p.Available().IsZero() {
		t.Fatalf("parent line: sub_consumed %s available %s", p.SubConsumed, p.Available())
	}
	// A line may only be capped by a line of a parent unit.
	if _, err := f.st.CreateLine(ctx, f.sys, budget.NewLine{UnitID: f.offices[0].ID, FiscalYear: 2026, FundingType: budget.NonAutonomous,
		ParentID: &o2.ID, Classification: budget.Classification{Chapter: "014", Subsection: "341", Item: "6702", Source: "01", Level: 1}}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("capped by a sibling's line: %v", err)
	}
	mustNoViolations(t, f.st)
}

// Commitments count against the line; payments consume them; release gives back the rest.
func TestCommitmentLifeCycle(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	l := f.mustFundedLines(t, 1, 1_000_000)[0]
	both := mustUser(t, f.owner, f.offices[0].ID, "both", "finance_officer", "chief_accountant")
	c, err := f.st.DraftCommitment(ctx, both, budget.NewCommitment{UnitID: l.UnitID, BudgetLineID: l.ID,
		ContractNo: "HĐ-01", ContractDate: docDay, Supplier: "Công ty Sửa chữa Mẫu", Amount: vnd(600_000)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ApproveCommitment(ctx, both, c.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("approving own commitment: %v", err)
	}
	if _, err := f.st.ApproveCommitment(ctx, f.officeChecker, c.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.line(t, l.ID); !got.Committed.Equal(vnd(600_000)) || !got.Available().Equal(vnd(400_000)) {
		t.Fatalf("after commitment: %+v", got)
	}
	// A plain voucher cannot use what is committed.
	v := f.mustSubmitted(t, f.officeMaker, voucher(l.UnitID, map[int64]int64{l.ID: 400_001}))
	if _, err := f.st.ApproveVoucher(ctx, f.officeChecker, v.ID); !apperr.Is(err, apperr.InsufficientBudget) {
		t.Fatalf("spending committed money: %v", err)
	}
	// A payment on the commitment consumes it: committed falls, spent rises.
	pay := voucher(l.UnitID, map[int64]int64{l.ID: 250_000})
	pay.Lines[0].CommitmentID = &c.ID
	v = f.mustSubmitted(t, f.officeMaker, pay)
	if _, err := f.st.ApproveVoucher(ctx, f.officeChecker, v.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.line(t, l.ID); !got.Committed.Equal(vnd(350_000)) || !got.Spent.Equal(vnd(250_000)) || !got.Available().Equal(vnd(400_000)) {
		t.Fatalf("after payment: %+v", got)
	}
	c, err = f.st.ReleaseCommitment(ctx, f.officeMaker, c.ID)
	if err != nil || c.Status != budget.StatusClosed || !c.Released.Equal(vnd(350_000)) {
		t.Fatalf("release: %+v %v", c, err)
	}
	if got := f.line(t, l.ID); !got.Committed.IsZero() || !got.Available().Equal(vnd(750_000)) {
		t.Fatalf("after release: %+v", got)
	}
	mustNoViolations(t, f.st)
}

// Norms are evaluated at submit: a warn needs a justification, a block refuses.
func TestNormsAtSubmit(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	lodging := f.mustLine(t, f.offices[0].ID, "6703", nil)
	car := f.mustLine(t, f.offices[0].ID, "9052", nil)
	f.mustFund(t, lodging, 10_000_000)
	f.mustFund(t, car, 2_000_000_000)

	nv := voucher(lodging.UnitID, map[int64]int64{lodging.ID: 1_000_000})
	nv.Lines[0].ExpenseKind, nv.Lines[0].PlaceClass, nv.Lines[0].Days, nv.Lines[0].Persons = "lodging_lump_sum", "city_class1", 2, 1
	v, err := f.st.CreateVoucher(ctx, f.officeMaker, nv)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.st.SubmitVoucher(ctx, f.officeMaker, v.ID)
	if e, _ := apperr.As(err); e == nil || !strings.Contains(e.VI, "900.000 ₫") || !strings.Contains(e.VI, "giải trình") {
		t.Fatalf("warned without justification: %v", err)
	}
	nv.Lines[0].Justification = "Hội nghị kéo dài, giá phòng tại địa phương cao hơn mức khoán."
	if _, err := f.st.UpdateVoucher(ctx, f.officeMaker, v.ID, nv); err != nil {
		t.Fatal(err)
	}
	v, err = f.st.SubmitVoucher(ctx, f.officeMaker, v.ID)
	if err != nil || len(v.NormResults) != 1 || v.NormResults[0].Outcome != budget.Warned {
		t.Fatalf("warned with justification: %+v %v", v.NormResults, err)
	}
	// The inspector's re-evaluation gives the same verdict.
	res, err := f.st.EvaluateVoucher(ctx, f.checker, v.ID)
	if err != nil || len(res) != 1 || res[0].Outcome != budget.Warned {
		t.Fatalf("re-evaluation: %+v %v", res, err)
	}

	cv := voucher(car.UnitID, map[int64]int64{car.ID: 950_000_001})
	cv.Lines[0].ExpenseKind, cv.Lines[0].ItemKind, cv.Lines[0].Quantity = "car_purchase", "car_general", decimal.NewFromInt(1)
	c, err := f.st.CreateVoucher(ctx, f.officeMaker, cv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SubmitVoucher(ctx, f.officeMaker, c.ID); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("car over the price cap: %v", err)
	}
	cv.Lines[0].Amount = vnd(950_000_000)
	if _, err := f.st.UpdateVoucher(ctx, f.officeMaker, c.ID, cv); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SubmitVoucher(ctx, f.officeMaker, c.ID); err != nil {
		t.Fatalf("car at the cap: %v", err)
	}
	// Submitted vouchers cannot be edited, by the store or by SQL.
	if _, err := f.st.UpdateVoucher(ctx, f.officeMaker, c.ID, cv); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("editing a submitted voucher: %v", err)
	}
	if _, err := f.st.DB().ExecContext(ctx, `UPDATE voucher_lines SET amount = 1 WHERE voucher_id = $1`, c.ID); err == nil {
		t.Fatal("the application role changed a submitted voucher's line")
	}
	mustNoViolations(t, f.st)
}

// Approving posts a voucher; a posted voucher can only be reversed (the reversal columns
// move, nothing else), and a reversed one never changes.
func TestPostedVoucherIsFrozen(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	l := f.mustFundedLines(t, 1, 1_000)[0]
	v := f.mustSubmitted(t, f.officeMaker, voucher(l.UnitID, map[int64]int64{l.ID: 1_000}))
	v, err := f.st.ApproveVoucher(ctx, f.officeChecker, v.ID)
	if err != nil || v.Status != budget.StatusPosted || v.EntryID == nil {
		t.Fatalf("approve: %+v %v", v, err)
	}
	frozen := func(state string) {
		t.Helper()
		for _, stmt := range []string{
			`UPDATE vouchers SET payee = 'X' WHERE id = $1`,
			`UPDATE vouchers SET status = 'draft' WHERE id = $1`,
			`UPDATE vouchers SET posted_at = now() WHERE id = $1`,
			`UPDATE vouchers SET status = 'reversed', reverse_reason = 'x', reversed_login = 'x', reversed_at = now(), reversal_entry_id = entry_id, payee = 'X' WHERE id = $1`,
			`DELETE FROM voucher_lines WHERE voucher_id = $1`,
			`DELETE FROM vouchers WHERE id = $1`,
		} {
			if _, err := f.st.DB().ExecContext(ctx, stmt, v.ID); err == nil {
				t.Errorf("%s succeeded on a %s voucher", stmt, state)
			}
		}
	}
	frozen("posted")
	if _, err := f.st.ReverseVoucher(ctx, f.officeChecker, v.ID, docDay, "Nhầm người thụ hưởng"); err != nil {
		t.Fatal(err)
	}
	frozen("reversed")
	db := mustOwner(t, f.owner) // the owner too: the trigger holds for everyone
	if _, err := db.Exec(`UPDATE vouchers SET reverse_reason = 'khác' WHERE id = $1`, v.ID); err == nil {
		t.Error("a reversed voucher changed")
	}
	mustNoViolations(t, f.st)
}
