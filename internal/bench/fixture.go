package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
	"congquy/internal/org"
	"congquy/internal/store"
)

// Fiscal year and amounts of the posting benchmark's fixture.
const (
	fixtureYear   = 2026
	postingAmount = 125_000               // one voucher, as in RawPostingScript
	lineEstimate  = 1_000_000_000_000_000 // far more than any run spends
	fixtureDocDay = 5                     // vouchers are dated the 5th of the current month
)

// fixtureItems are the tiểu mục of the built-in reference set the fixture opens lines on,
// each with both funding types.
var fixtureItems = []string{"6001", "6501", "6502", "6551", "6601", "6701", "6702", "6703", "6907", "7006", "9052"}

// FixtureUnit is one unit of the posting benchmark: its finance officer (who drafts and
// submits vouchers) and chief accountant (who approves, which posts), their API tokens,
// and its budget lines.
type FixtureUnit struct {
	Unit                     org.Unit
	Maker, Checker           auth.Actor
	MakerToken, CheckerToken string
	Lines                    []int64
}

// Fixture is the organisation the posting benchmark posts into, built through congquy's
// own use cases, so that every invariant holds before the load starts.
type Fixture struct {
	Units []FixtureUnit
	Lines int
}

// NewFixture makes units with about lines budget lines in all, each line with an approved
// estimate, and a finance officer and a chief accountant per unit with API tokens.
func NewFixture(ctx context.Context, st *store.Store, lines int, progress func(string)) (*Fixture, error) {
	sys := auth.System("bench")
	if _, err := st.LoadBuiltinReference(ctx, sys); err != nil {
		return nil, err
	}
	perUnit := 2 * len(fixtureItems)
	units := (lines + perUnit - 1) / perUnit
	fx := &Fixture{}
	for i := range units {
		u, err := st.CreateUnit(ctx, sys, org.NewUnit{Code: fmt.Sprintf("BENCH-%03d", i), Kind: org.KindDepartment,
			NameVI: fmt.Sprintf("Đơn vị đo hiệu năng %d", i), NameEN: fmt.Sprintf("Benchmark unit %d", i)})
		if err != nil {
			return nil, err
		}
		fu, err := fixtureUnit(ctx, st, u)
		if err != nil {
			return nil, fmt.Errorf("fixture unit %s: %w", u.Code, err)
		}
		fx.Units = append(fx.Units, fu)
		fx.Lines += len(fu.Lines)
		if progress != nil && (i+1)%10 == 0 {
			progress(fmt.Sprintf("fixture: %d of %d units", i+1, units))
		}
	}
	return fx, nil
}

func fixtureUnit(ctx context.Context, st *store.Store, u org.Unit) (FixtureUnit, error) {
	fu := FixtureUnit{Unit: u}
	var err error
	if fu.Maker, fu.MakerToken, err = fixtureUser(ctx, st, u, "ketoan", auth.RoleFinanceOfficer); err != nil {
		return fu, err
	}
	if fu.Checker, fu.CheckerToken, err = fixtureUser(ctx, st, u, "ktt", auth.RoleChiefAccountant); err != nil {
		return fu, err
	}
	est := budget.NewDecision{UnitID: u.ID, FiscalYear: fixtureYear, Kind: budget.DecisionEstimate,
		DecisionNo: "BENCH-01", DecisionDate: time.Date(fixtureYear, 1, 5, 0, 0, 0, 0, time.UTC), Note: "benchmark"}
	for _, item := range fixtureItems {
		for _, ft := range []budget.FundingType{budget.Autonomous, budget.NonAutonomous} {
			line, err := st.CreateLine(ctx, fu.Maker, budget.NewLine{UnitID: u.ID, FiscalYear: fixtureYear, FundingType: ft, Note: "benchmark",
				Classification: budget.Classification{Chapter: "014", Subsection: "341", Item: item, Source: "01", Level: 1}})
			if err != nil {
				return fu, err
			}
			fu.Lines = append(fu.Lines, line.ID)
			est.Lines = append(est.Lines, budget.DecisionLine{LineID: line.ID, Amount: money.FromInt64(lineEstimate)})
			est.Total = est.Total.Add(money.FromInt64(lineEstimate))
		}
	}
	d, err := st.DraftDecision(ctx, fu.Maker, est)
	if err != nil {
		return fu, err
	}
	_, err = st.ApproveDecision(ctx, fu.Checker, d.ID)
	return fu, err
}

// fixtureUser creates a user with one role on the unit and an API token, and returns its
// actor as a session would build it.
func fixtureUser(ctx context.Context, st *store.Store, u org.Unit, prefix string, role auth.Role) (auth.Actor, string, error) {
	usr, err := st.CreateUser(ctx, auth.System("bench"), auth.UserForm{
		Login: fmt.Sprintf("%s.%d", prefix, u.ID), FullName: prefix + " " + u.Code, UnitID: u.ID, Roles: []auth.Role{role}, Chosen: true}, "")
	if err != nil {
		return auth.Actor{}, "", err
	}
	su, subtrees, err := st.SessionUser(ctx, usr.ID)
	if err != nil {
		return auth.Actor{}, "", err
	}
	a := su.Actor("", "")
	a.Subtrees = subtrees
	plain, hash, prefixShown := auth.NewAPIToken()
	if _, err := st.CreateAPIToken(ctx, a, store.NewAPIToken{Name: "benchmark", Days: 30}, hash, prefixShown); err != nil {
		return auth.Actor{}, "", err
	}
	return a, plain, nil
}

// Pending is a submitted voucher waiting for its approval, and the token that approves it.
type Pending struct {
	ID    int64
	Token string
}

// Submitted drafts and submits n one-line vouchers of postingAmount on lines chosen
// round-robin over every line of every unit (as the raw script picks one of 1,000 lines),
// with workers in parallel, and returns them shuffled across units.
func (fx *Fixture) Submitted(ctx context.Context, st *store.Store, n, workers int) ([]Pending, error) {
	type slot struct{ unit, line int }
	var slots []slot
	for u, fu := range fx.Units {
		for l := range fu.Lines {
			slots = append(slots, slot{u, l})
		}
	}
	now := time.Now()
	doc := time.Date(now.Year(), now.Month(), fixtureDocDay, 0, 0, 0, 0, time.UTC)
	out := make([]Pending, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				sl := slots[(i*7919)%len(slots)]
				fu := fx.Units[sl.unit]
				v, err := st.CreateSubmittedVoucher(ctx, fu.Maker, budget.NewVoucher{UnitID: fu.Unit.ID, FiscalYear: fixtureYear,
					DocDate: doc, Payee: "Công ty đo hiệu năng", Description: "benchmark",
					Lines: []budget.VoucherLine{{BudgetLineID: fu.Lines[sl.line], Amount: money.FromInt64(postingAmount), Description: "benchmark"}}})
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				out[i] = Pending{ID: v.ID, Token: fu.CheckerToken}
			}
		}()
	}
	wg.Wait()
	return out, firstErr
}
