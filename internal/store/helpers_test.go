package store_test

import (
	"github.com/lib/pq"

	"context"
	"testing"

	"congquy/internal/auth"
	"congquy/internal/org"
	"congquy/internal/store"
	"congquy/internal/testdb"
)

// mustStore returns a store on a fresh database, connected as the application role.
func mustStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	owner := testdb.New(t)
	st, err := store.Open(context.Background(), store.AppURL(owner), store.Options{MaxConns: 8})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st, owner
}

// mustUnit creates a unit or fails the test.
func mustUnit(t *testing.T, st *store.Store, parent *int64, code string) org.Unit {
	t.Helper()
	kind := org.KindOffice
	if parent == nil {
		kind = org.KindDepartment
	}
	u, err := st.CreateUnit(context.Background(), auth.System("test"), org.NewUnit{
		ParentID: parent, Code: code, Kind: kind, NameVI: "Đơn vị " + code, NameEN: "Unit " + code,
	})
	if err != nil {
		t.Fatalf("create unit %s: %v", code, err)
	}
	return u
}

// mustNoViolations runs the invariant checker and fails on any violation.
func mustNoViolations(t *testing.T, st *store.Store) {
	t.Helper()
	res, err := st.Check(context.Background(), nil)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	for _, r := range res {
		for _, v := range r.Violations {
			t.Errorf("invariant %s: %s %s: %s", r.ID, v.Entity, v.ID, v.Detail)
		}
	}
}

func pqArray(ids []int64) any { return pq.Array(ids) }
