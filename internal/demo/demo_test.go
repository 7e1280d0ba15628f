package demo

import (
	"context"
	"testing"

	"congquy/internal/store"
	"congquy/internal/testdb"
)

// The demo data loads into an empty database through the use cases, and leaves every
// invariant intact.
func TestDemoLoads(t *testing.T) {
	st, err := store.Open(context.Background(), store.AppURL(testdb.New(t)), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := Load(context.Background(), st, Seed)
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	if sum.Units != 5 || sum.Vouchers < 50 {
		t.Fatalf("summary: %+v", sum)
	}
	res, err := st.Check(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		for _, v := range r.Violations {
			t.Errorf("invariant %s: %s %s: %s", r.ID, v.Entity, v.ID, v.Detail)
		}
	}
	if _, err := Load(context.Background(), st, Seed); err == nil {
		t.Fatal("demo data loaded twice")
	}
}
