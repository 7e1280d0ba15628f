package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
	"congquy/internal/org"
)

// modelLine is the in-memory model of one budget line.
type modelLine struct {
	id                                              int64
	allocated, adjusted, withheld, committed, spent int64
}

func (m modelLine) available() int64 {
	return m.allocated + m.adjusted - m.withheld - m.committed - m.spent
}

// modelVoucher is the model of one posted voucher.
type modelVoucher struct {
	id, line   int64
	amount     int64
	commitment *modelCommitment
	month      int
	reversed   bool
}

// modelCommitment is the model of one approved commitment.
type modelCommitment struct {
	id, line                   int64
	amount, consumed, released int64
	open                       bool
}

// budgetModel drives the store and the model side by side.
type budgetModel struct {
	f           *budgetFixture
	unit        org.Unit
	maker       auth.Actor
	checker     auth.Actor
	lines       []modelLine
	commitments []*modelCommitment
	vouchers    []*modelVoucher
	closed      map[int]bool // months of 2026 closed in the ledger
}

// modelMonths are the months the model dates its documents in.
const modelMonths = 6

func monthDay(m int) time.Time { return time.Date(2026, time.Month(m), 10, 0, 0, 0, 0, time.UTC) }

// TESTING.md row 7: random sequences of allocate / adjust / transfer / withhold / commit
// / release / spend (approve and post) / reject / reverse / close a month, against an
// in-memory model: every accept or refuse (insufficient budget, closed period) and every
// running total agree, and the invariants — the ledger included — hold.
func TestBudgetAgainstModel(t *testing.T) {
	f := mustBudgetFixture(t)
	ctx := context.Background()
	run := 0
	rapid.Check(t, func(rt *rapid.T) {
		run++
		unit, err := f.st.CreateUnit(ctx, f.sys, org.NewUnit{ParentID: &f.dept.ID, Code: fmt.Sprintf("M%d", run), Kind: org.KindOffice, NameVI: "Mô hình", NameEN: "Model"})
		if err != nil {
			rt.Fatal(err)
		}
		m := &budgetModel{f: f, unit: unit, closed: map[int]bool{},
			maker:   mustUser(t, f.owner, unit.ID, fmt.Sprintf("m%d-maker", run), auth.RoleFinanceOfficer),
			checker: mustUser(t, f.owner, unit.ID, fmt.Sprintf("m%d-checker", run), auth.RoleChiefAccountant)}
		for _, item := range []string{"6501", "6502", "6551"} {
			l := f.mustLine(t, unit.ID, item, nil)
			m.lines = append(m.lines, modelLine{id: l.ID})
		}
		rt.Repeat(map[string]func(*rapid.T){
			"allocate": func(rt *rapid.T) {
				m.decide(rt, budget.DecisionEstimate, m.pick(rt), rapid.Int64Range(1, 5000).Draw(rt, "x"))
			},
			"increase": func(rt *rapid.T) {
				m.decide(rt, budget.DecisionIncrease, m.pick(rt), rapid.Int64Range(1, 2000).Draw(rt, "x"))
			},
			"decrease": func(rt *rapid.T) {
				m.decide(rt, budget.DecisionDecrease, m.pick(rt), rapid.Int64Range(1, 3000).Draw(rt, "x"))
			},
			"withhold": func(rt *rapid.T) {
				m.decide(rt, budget.DecisionWithhold, m.pick(rt), rapid.Int64Range(1, 1000).Draw(rt, "x"))
			},
			"release": func(rt *rapid.T) {
				m.decide(rt, budget.DecisionRelease, m.pick(rt), rapid.Int64Range(1, 1000).Draw(rt, "x"))
			},
			"transfer":           func(rt *rapid.T) { m.transfer(rt) },
			"commit":             func(rt *rapid.T) { m.commit(rt) },
			"release_commitment": func(rt *rapid.T) { m.releaseCommitment(rt) },
			"spend":              func(rt *rapid.T) { m.spend(rt) },
			"reject":             func(rt *rapid.T) { m.reject(rt) },
			"reverse":            func(rt *rapid.T) { m.reverse(rt) },
			"close":              func(rt *rapid.T) { m.close(rt) },
			"":                   func(rt *rapid.T) { m.compare(rt) },
		})
		res, err := f.st.Check(ctx, nil)
		if err != nil {
			rt.Fatal(err)
		}
		for _, r := range res {
			if len(r.Violations) > 0 {
				rt.Fatalf("invariant %s: %+v", r.ID, r.Violations)
			}
		}
	})
}

func (m *budgetModel) pick(rt *rapid.T) int {
	return rapid.IntRange(0, len(m.lines)-1).Draw(rt, "line")
}

// expectIn checks the outcome of a posting dated in month: refused for lack of budget
// (ok false) before anything else, else refused because the month is closed, else
// accepted. It reports whether the store accepted.
func (m *budgetModel) expectIn(rt *rapid.T, what string, ok bool, month int, err error) bool {
	if !ok || !m.closed[month] {
		expect(rt, what, ok, err)
		return ok
	}
	if !apperr.Is(err, apperr.PeriodClosed) {
		rt.Fatalf("%s dated in closed month %d: %v, want period_closed", what, month, err)
	}
	return false
}

// expect checks that the store accepted exactly when the model says it must.
func expect(rt *rapid.T, what string, ok bool, err error) {
	switch {
	case ok && err != nil:
		rt.Fatalf("%s refused, the model accepts: %v", what, err)
	case !ok && err == nil:
		rt.Fatalf("%s accepted, the model refuses", what)
	case !ok && !apperr.Is(err, apperr.InsufficientBudget) && !apperr.Is(err, apperr.Invalid):
		rt.Fatalf("%s refused with an unexpected error: %v", what, err)
	}
}

// decide drafts and approves a one-line decision of the kind on line i.
func (m *budgetModel) decide(rt *rapid.T, kind budget.DecisionKind, i int, x int64) {
	l := &m.lines[i]
	amount := x
	ok := true
	switch kind {
	case budget.DecisionDecrease:
		amount, ok = -x, l.available() >= x
	case budget.DecisionWithhold:
		ok = l.available() >= x
	case budget.DecisionRelease:
		amount, ok = -x, l.withheld >= x
	}
	month := rapid.IntRange(1, modelMonths).Draw(rt, "month")
	err := m.approve(budget.NewDecision{Kind: kind, Total: money.FromInt64(x), DecisionDate: monthDay(month),
		Lines: []budget.DecisionLine{{LineID: l.id, Amount: money.FromInt64(amount)}}})
	if !m.expectIn(rt, string(kind), ok, month, err) {
		return
	}
	switch kind.Column() {
	case budget.ColAllocated:
		l.allocated += amount
	case budget.ColWithheld:
		l.withheld += amount
	default:
		l.adjusted += amount
	}
}

func (m *budgetModel) approve(d budget.NewDecision) error {
	ctx := context.Background()
	d.UnitID, d.FiscalYear, d.DecisionNo = m.unit.ID, 2026, "M"
	dd, err := m.f.st.DraftDecision(ctx, m.maker, d)
	if err != nil {
		return err
	}
	_, err = m.f.st.ApproveDecision(ctx, m.checker, dd.ID)
	return err
}

func (m *budgetModel) transfer(rt *rapid.T) {
	a, b := m.pick(rt), m.pick(rt)
	if a == b {
		return
	}
	x := rapid.Int64Range(1, 3000).Draw(rt, "x")
	ok := m.lines[a].available() >= x
	month := rapid.IntRange(1, modelMonths).Draw(rt, "month")
	err := m.approve(budget.NewDecision{Kind: budget.DecisionTransfer, Total: money.FromInt64(x), DecisionDate: monthDay(month), Lines: []budget.DecisionLine{
		{LineID: m.lines[a].id, Amount: money.FromInt64(-x)}, {LineID: m.lines[b].id, Amount: money.FromInt64(x)}}})
	if m.expectIn(rt, "transfer", ok, month, err) {
		m.lines[a].adjusted -= x
		m.lines[b].adjusted += x
	}
}

func (m *budgetModel) commit(rt *rapid.T) {
	ctx := context.Background()
	i := m.pick(rt)
	x := rapid.Int64Range(1, 3000).Draw(rt, "x")
	c, err := m.f.st.DraftCommitment(ctx, m.maker, budget.NewCommitment{UnitID: m.unit.ID, BudgetLineID: m.lines[i].id,
		ContractNo: "HĐ", ContractDate: docDay, Supplier: "S", Amount: money.FromInt64(x)})
	if err != nil {
		rt.Fatal(err)
	}
	ok := m.lines[i].available() >= x
	_, err = m.f.st.ApproveCommitment(ctx, m.checker, c.ID)
	expect(rt, "commit", ok, err)
	if ok {
		m.lines[i].committed += x
		m.commitments = append(m.commitments, &modelCommitment{id: c.ID, line: int64(i), amount: x, open: true})
	}
}

func (m *budgetModel) releaseCommitment(rt *rapid.T) {
	if len(m.commitments) == 0 {
		return
	}
	c := m.commitments[rapid.IntRange(0, len(m.commitments)-1).Draw(rt, "commitment")]
	_, err := m.f.st.ReleaseCommitment(context.Background(), m.maker, c.id)
	if !c.open {
		if !apperr.Is(err, apperr.Conflict) {
			rt.Fatalf("releasing a closed commitment: %v", err)
		}
		return
	}
	if err != nil {
		rt.Fatal(err)
	}
	rest := c.amount - c.consumed - c.released
	c.released, c.open = c.released+rest, false
	m.lines[c.line].committed -= rest
}

// spend submits and approves a one-line voucher, sometimes paying a commitment.
func (m *budgetModel) spend(rt *rapid.T) {
	ctx := context.Background()
	i := m.pick(rt)
	x := rapid.Int64Range(1, 3000).Draw(rt, "x")
	var c *modelCommitment
	if len(m.commitments) > 0 && rapid.Bool().Draw(rt, "on commitment") {
		c = m.commitments[rapid.IntRange(0, len(m.commitments)-1).Draw(rt, "commitment")]
		if !c.open {
			return
		}
		i = int(c.line)
	}
	nv := voucher(m.unit.ID, map[int64]int64{m.lines[i].id: x})
	ok := m.lines[i].available() >= x
	if c != nil {
		nv.Lines[0].CommitmentID = &c.id
		ok = c.amount-c.consumed-c.released >= x
	}
	month := rapid.IntRange(1, modelMonths).Draw(rt, "month")
	nv.DocDate = monthDay(month)
	v, err := m.f.st.CreateVoucher(ctx, m.maker, nv)
	if err != nil {
		rt.Fatal(err)
	}
	if _, err := m.f.st.SubmitVoucher(ctx, m.maker, v.ID); err != nil {
		rt.Fatal(err)
	}
	_, err = m.f.st.ApproveVoucher(ctx, m.checker, v.ID)
	if !m.expectIn(rt, "spend", ok, month, err) {
		return
	}
	m.vouchers = append(m.vouchers, &modelVoucher{id: v.ID, line: int64(i), amount: x, commitment: c, month: month})
	m.lines[i].spent += x
	if c != nil {
		c.consumed += x
		m.lines[i].committed -= x
	}
}

// reject submits a voucher and rejects it: nothing moves.
func (m *budgetModel) reject(rt *rapid.T) {
	ctx := context.Background()
	i := m.pick(rt)
	v, err := m.f.st.CreateVoucher(ctx, m.maker, voucher(m.unit.ID, map[int64]int64{m.lines[i].id: rapid.Int64Range(1, 1e9).Draw(rt, "x")}))
	if err != nil {
		rt.Fatal(err)
	}
	if _, err := m.f.st.SubmitVoucher(ctx, m.maker, v.ID); err != nil {
		rt.Fatal(err)
	}
	if _, err := m.f.st.RejectVoucher(ctx, m.checker, v.ID, "sai chứng từ"); err != nil {
		rt.Fatal(err)
	}
}

// reverse reverses a posted voucher, dated in its month or later: the line gets back
// exactly what it spent (a commitment's part is released); refused in a closed month.
func (m *budgetModel) reverse(rt *rapid.T) {
	if len(m.vouchers) == 0 {
		return
	}
	v := m.vouchers[rapid.IntRange(0, len(m.vouchers)-1).Draw(rt, "voucher")]
	month := rapid.IntRange(v.month, modelMonths).Draw(rt, "month")
	_, err := m.f.st.ReverseVoucher(context.Background(), m.checker, v.id, monthDay(month), "Sai số tiền")
	if v.reversed {
		if !apperr.Is(err, apperr.Conflict) {
			rt.Fatalf("reversing a reversed voucher: %v", err)
		}
		return
	}
	if !m.expectIn(rt, "reverse", true, month, err) {
		return
	}
	v.reversed = true
	m.lines[v.line].spent -= v.amount
	if c := v.commitment; c != nil {
		c.consumed -= v.amount
		c.released += v.amount
	}
}

// close closes a month of the unit's ledger: postings dated in it are refused from now on.
func (m *budgetModel) close(rt *rapid.T) {
	month := rapid.IntRange(1, modelMonths).Draw(rt, "month")
	_, err := m.f.st.ClosePeriod(context.Background(), m.checker, m.unit.ID, monthDay(month))
	if m.closed[month] {
		if !apperr.Is(err, apperr.Conflict) {
			rt.Fatalf("closing a closed month: %v", err)
		}
		return
	}
	if err != nil {
		rt.Fatal(err)
	}
	m.closed[month] = true
}

// compare checks every line's running totals against the model.
func (m *budgetModel) compare(rt *rapid.T) {
	for _, want := range m.lines {
		got, err := m.f.st.Line(context.Background(), m.f.sys, auth.PermBudgetView, want.id)
		if err != nil {
			rt.Fatal(err)
		}
		g := [5]money.VND{got.Allocated, got.Adjusted, got.Withheld, got.Committed, got.Spent}
		w := [5]int64{want.allocated, want.adjusted, want.withheld, want.committed, want.spent}
		for k := range g {
			if !g[k].Equal(money.FromInt64(w[k])) {
				rt.Fatalf("line %d diverges from the model: store %v, model %v", want.id, g, w)
			}
		}
	}
}
