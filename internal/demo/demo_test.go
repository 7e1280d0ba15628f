package demo_test

import (
	"context"
	"testing"

	"congquy/internal/demo"
	"congquy/internal/store"
	"congquy/internal/testdb"
)

// The demo data loads into an empty database, breaks no invariant, and is refused the
// second time.
func TestLoadDemo(t *testing.T) {
	st, err := store.Open(context.Background(), store.AppURL(testdb.New(t)), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, demo.Seed); err != nil {
		t.Fatalf("load: %v", err)
	}
	if _, err := st.SealAll(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := st.Check(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		for _, v := range r.Violations {
			t.Errorf("%s: %s %s: %s", r.ID, v.Entity, v.ID, v.Detail)
		}
	}
	if _, err := demo.Load(ctx, st, demo.Seed); err == nil {
		t.Fatal("loaded twice")
	}
}
