package store_test

import (
	"context"
	"strings"
	"testing"

	"congquy/internal/apperr"
	"congquy/internal/budget"
	"congquy/internal/store"
)

func TestBudgetLifeCycle(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	dl := f.mustLine(t, f.dept.ID, "6701", nil)
	if dl.Group != "6700" || dl.Section != "340" {
		t.Fatalf("line codes: %+v", dl.Classification)
	}
	o1 := f.mustLine(t, f.offices[0].ID, "6701", nil)
	o2 := f.mustLine(t, f.offices[1].ID, "6701", nil)
	f.mustFund(t, dl, 10_000_000)

	// An allotment whose parts do not add up is refused, naming the difference.
	_, err := f.st.DraftDecision(ctx, f.maker, budget.NewDecision{UnitID: f.dept.ID, FiscalYear: 2026, Kind: budget.DecisionAllotment,
		DecisionNo: "02/QĐ", DecisionDate: docDay, Total: vnd(6_000_000), Lines: []budget.DecisionLine{
			{LineID: dl.ID, Amount: vnd(-6_000_000)}, {LineID: o1.ID, Amount: vnd(4_000_000)}, {LineID: o2.ID, Amount: vnd(1_500_000)}}})
	if e, _ := apperr.As(err); e == nil || !strings.Contains(e.VI, "chênh lệch 500.000 ₫") {
		t.Fatalf("unbalanced allotment: %v", err)
	}
	f.mustDecide(t, f.dept.ID, budget.DecisionAllotment, 6_000_000,
		budget.DecisionLine{LineID: dl.ID, Amount: vnd(-6_000_000)}, budget.DecisionLine{LineID: o1.ID, Amount: vnd(4_000_000)},
		budget.DecisionLine{LineID: o2.ID, Amount: vnd(2_000_000)})
	if got := f.line(t, dl.ID).Available(); !got.Equal(vnd(4_000_000)) {
		t.Fatalf("department available after allotment = %s", got)
	}

	// Exact fit: a voucher of exactly what is available is approved; 1 ₫ more is refused.
	v := f.mustSubmitted(t, f.officeMaker, voucher(f.offices[0].ID, map[int64]int64{o1.ID: 4_000_001}))
	_, err = f.st.ApproveVoucher(ctx, f.officeChecker, v.ID)
	if e, _ := apperr.As(err); e == nil || e.Code != apperr.InsufficientBudget ||
		!strings.Contains(e.VI, "Dòng dự toán 6701") || !strings.Contains(e.VI, "còn 4.000.000 ₫, yêu cầu 4.000.001 ₫") {
		t.Fatalf("over-budget voucher: %v", err)
	}
	v = f.mustSubmitted(t, f.officeMaker, voucher(f.offices[0].ID, map[int64]int64{o1.ID: 4_000_000}))
	if _, err := f.st.ApproveVoucher(ctx, f.officeChecker, v.ID); err != nil {
		t.Fatalf("exact-fit voucher: %v", err)
	}
	if got := f.line(t, o1.ID); !got.Available().IsZero() || !got.Spent.Equal(vnd(4_000_000)) {
		t.Fatalf("office line after exact fit: spent %s available %s", got.Spent, got.Available())
	}

	// A decrease cannot take back what is spent; a transfer moves availability.
	_, err = f.st.DraftDecision(ctx, f.maker, budget.NewDecision{UnitID: f.offices[0].ID, FiscalYear: 2026, Kind: budget.DecisionDecrease,
		DecisionNo: "03/QĐ", DecisionDate: docDay, Total: vnd(1), Lines: []budget.DecisionLine{{LineID: o1.ID, Amount: vnd(-1)}}})
	if err != nil {
		t.Fatal(err)
	}
	d, _, _ := f.st.Decisions(ctx, f.decisionFilter())
	if _, err := f.st.ApproveDecision(ctx, f.checker, d[0].ID); !apperr.Is(err, apperr.InsufficientBudget) {
		t.Fatalf("decrease below spent: %v", err)
	}
	mustNoViolations(t, f.st)
}

func (f *budgetFixture) decisionFilter() store.DecisionFilter {
	return store.DecisionFilter{Within: []int64{f.dept.ID}, Status: "draft"}
}
