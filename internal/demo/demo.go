// Package demo loads a deterministic demo data set into an empty database: a provincial
// civil judgment enforcement department (Thi hành án dân sự) with its regional offices.
// Everything it creates goes through the store's use cases, so it is audited like any
// other change. All names, addresses and figures are invented and labelled as demo data.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/store"
)

// Seed is the fixed seed of the demo data: the same seed gives the same data.
const Seed = 20261127

// Summary says what Load created, and the logins to print.
type Summary struct {
	Units    int
	Vouchers int // drafted, of which:
	Posted   int // approved and posted to the ledger
	Refused  int // refused at approval for lack of budget
	Logins   []Login
}

// Login is one demo user to print after loading.
type Login struct {
	Login    string
	Password string
	Role     auth.Role
	Unit     string
}

// loader carries the state the demo steps share.
type loader struct {
	st    *store.Store
	seed  uint64
	rng   *rand.Rand
	actor auth.Actor
	sum   Summary
	units units
}

// step is one part of the demo data; areas append theirs to steps in order.
type step struct {
	name string
	run  func(ctx context.Context, l *loader) error
}

// steps are run in order; later areas depend on earlier ones.
var steps = []step{
	{"units", loadUnits},
	{"users", loadUsers},
	{"ledger", loadLedger},
	{"budget", loadBudget},
}

// Load fills an empty database with the demo data. It refuses a database that already
// has units, so it never mixes demo data into real data.
func Load(ctx context.Context, st *store.Store, seed uint64) (Summary, error) {
	n, err := st.CountUnits(ctx)
	if err != nil {
		return Summary{}, err
	}
	if n > 0 {
		return Summary{}, apperr.New(apperr.Conflict,
			"Cơ sở dữ liệu đã có dữ liệu; chỉ nạp dữ liệu mẫu vào cơ sở dữ liệu trống.",
			"The database is not empty; demo data is loaded only into an empty database.")
	}
	l := &loader{st: st, seed: seed, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), actor: auth.System("demo")} // #nosec G404 -- demo data is deterministic from its seed by design
	for _, s := range steps {
		if err := s.run(ctx, l); err != nil {
			return l.sum, fmt.Errorf("demo %s: %w", s.name, err)
		}
	}
	return l.sum, nil
}

// demoLogins are the demo users' logins, filled by the identity step's data.
var demoLogins []Login

// Logins returns the demo logins without loading anything, for printing them again when
// the demo data is already in the database.
func Logins() Summary { return Summary{Logins: demoLogins} }
