package demo_test

import (
	"context"
	"testing"

	"congquy/internal/apperr"
	"congquy/internal/demo"
	"congquy/internal/store"
	"congquy/internal/testdb"
)

func mustStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.AppURL(testdb.New(t)), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// The demo data loads into an empty database, is the same every time, leaves no
// invariant broken, and is never loaded twice.
func TestDemoIsDeterministicAndLoadsOnce(t *testing.T) {
	ctx := context.Background()
	var codes [2][]string
	for i := range codes {
		st := mustStore(t)
		sum, err := demo.Load(ctx, st, demo.Seed)
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		if sum.Units < 4 || sum.Vouchers < 50 {
			t.Fatalf("demo has %d units and %d vouchers, want a department, at least three offices and a year of vouchers", sum.Units, sum.Vouchers)
		}
		units, _, err := st.ListUnits(ctx, store.UnitFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range units {
			codes[i] = append(codes[i], u.Code+"|"+u.NameVI)
		}
		if _, err := st.SealAll(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := st.Check(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if len(r.Violations) > 0 {
				t.Errorf("invariant %s: %+v", r.ID, r.Violations)
			}
		}
		if _, err := demo.Load(ctx, st, demo.Seed); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second load: err = %v, want conflict", err)
		}
	}
	if len(codes[0]) != len(codes[1]) {
		t.Fatalf("two loads differ: %v vs %v", codes[0], codes[1])
	}
	for i := range codes[0] {
		if codes[0][i] != codes[1][i] {
			t.Fatalf("two loads differ at %d: %q vs %q", i, codes[0][i], codes[1][i])
		}
	}
}
