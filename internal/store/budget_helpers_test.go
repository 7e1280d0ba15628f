package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
	"congquy/internal/org"
	"congquy/internal/store"
)

// budgetFixture is a department with two offices, the built-in reference data, and two
// users per unit: a finance officer (drafts) and a chief accountant (approves).
type budgetFixture struct {
	st      *store.Store
	owner   string
	dept    org.Unit
	offices []org.Unit
	sys     auth.Actor // congquy itself, e.g. the loader
	maker   auth.Actor // finance officer of the department (scope: whole tree)
	checker auth.Actor // chief accountant of the department
	// office1's own officer and chief, whose scope is that office only.
	officeMaker, officeChecker auth.Actor
}

var docDay = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func mustBudgetFixture(t *testing.T) *budgetFixture {
	t.Helper()
	st, owner := mustStore(t)
	f := &budgetFixture{st: st, owner: owner, sys: auth.System("test")}
	f.dept = mustUnit(t, st, nil, "DEPT")
	f.offices = []org.Unit{mustUnit(t, st, &f.dept.ID, "OFF1"), mustUnit(t, st, &f.dept.ID, "OFF2")}
	if _, err := st.LoadBuiltinReference(context.Background(), f.sys); err != nil {
		t.Fatalf("load reference: %v", err)
	}
	f.maker = mustUser(t, owner, f.dept.ID, "maker", auth.RoleFinanceOfficer)
	f.checker = mustUser(t, owner, f.dept.ID, "checker", auth.RoleChiefAccountant)
	f.officeMaker = mustUser(t, owner, f.offices[0].ID, "off-maker", auth.RoleFinanceOfficer)
	f.officeChecker = mustUser(t, owner, f.offices[0].ID, "off-checker", auth.RoleChiefAccountant)
	return f
}

// mustUser creates a user with roles on its unit and returns its actor as a session
// would make it (grants and subtrees).
func mustUser(t *testing.T, owner string, unitID int64, login string, roles ...auth.Role) auth.Actor {
	t.Helper()
	db, err := sqlx.Open("postgres", owner)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close() // not at the test's end: the model test creates hundreds of users
	var id int64
	if err := db.Get(&id, `INSERT INTO users (unit_id, login, full_name) VALUES ($1, $2, $2) RETURNING id`, unitID, login); err != nil {
		t.Fatalf("create user %s: %v", login, err)
	}
	a := auth.Actor{UserID: id, Login: login, UnitID: unitID}
	for _, r := range roles {
		if _, err := db.Exec(`INSERT INTO user_roles (user_id, role, unit_id) VALUES ($1, $2, $3)`, id, r, unitID); err != nil {
			t.Fatalf("grant %s: %v", r, err)
		}
		a.Grants = append(a.Grants, auth.Grant{Role: r, UnitID: unitID})
	}
	// Its subtree, as the session loads it at sign-in.
	var below []int64
	if err := db.Select(&below, `SELECT descendant_id FROM unit_closure WHERE ancestor_id = $1 ORDER BY descendant_id`, unitID); err != nil {
		t.Fatal(err)
	}
	a.Subtrees = map[int64][]int64{unitID: below}
	return a
}

// mustLine opens a line of the unit on the tiểu mục (chương 014, khoản 341, nguồn 01).
func (f *budgetFixture) mustLine(t *testing.T, unitID int64, item string, parent *int64) budget.Line {
	t.Helper()
	l, err := f.st.CreateLine(context.Background(), f.sys, budget.NewLine{UnitID: unitID, FiscalYear: 2026,
		FundingType: budget.Autonomous, ParentID: parent,
		Classification: budget.Classification{Chapter: "014", Subsection: "341", Item: item, Source: "01", Level: 1}})
	if err != nil {
		t.Fatalf("open line %s: %v", item, err)
	}
	return l
}

// mustDecide drafts (as maker) and approves (as checker) a decision of the unit.
func (f *budgetFixture) mustDecide(t *testing.T, unitID int64, kind budget.DecisionKind, total int64, lines ...budget.DecisionLine) store.Decision {
	t.Helper()
	ctx := context.Background()
	d, err := f.st.DraftDecision(ctx, f.maker, budget.NewDecision{UnitID: unitID, FiscalYear: 2026, Kind: kind,
		DecisionNo: "QĐ-test", DecisionDate: docDay, Total: money.FromInt64(total), Lines: lines})
	if err != nil {
		t.Fatalf("draft %s: %v", kind, err)
	}
	d, err = f.st.ApproveDecision(ctx, f.checker, d.ID)
	if err != nil {
		t.Fatalf("approve %s: %v", kind, err)
	}
	return d
}

// mustFund gives a line an approved estimate.
func (f *budgetFixture) mustFund(t *testing.T, l budget.Line, amount int64) {
	t.Helper()
	f.mustDecide(t, l.UnitID, budget.DecisionEstimate, amount, budget.DecisionLine{LineID: l.ID, Amount: money.FromInt64(amount)})
}

// line reads a line's current figures.
func (f *budgetFixture) line(t *testing.T, id int64) budget.Line {
	t.Helper()
	l, err := f.st.Line(context.Background(), f.sys, auth.PermBudgetView, id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// voucher builds a one-line-per-amount draft of the unit.
func voucher(unitID int64, lines map[int64]int64) budget.NewVoucher {
	v := budget.NewVoucher{UnitID: unitID, FiscalYear: 2026, DocDate: docDay, Payee: "Công ty Mẫu"}
	for id, amount := range lines {
		v.Lines = append(v.Lines, budget.VoucherLine{BudgetLineID: id, Amount: money.FromInt64(amount)})
	}
	return v
}

// mustSubmitted creates and submits a voucher as the actor.
func (f *budgetFixture) mustSubmitted(t *testing.T, actor auth.Actor, v budget.NewVoucher) budget.Voucher {
	t.Helper()
	ctx := context.Background()
	d, err := f.st.CreateVoucher(ctx, actor, v)
	if err != nil {
		t.Fatalf("create voucher: %v", err)
	}
	d, err = f.st.SubmitVoucher(ctx, actor, d.ID)
	if err != nil {
		t.Fatalf("submit voucher: %v", err)
	}
	return d
}

func vnd(n int64) money.VND { return money.FromInt64(n) }
