package store_test

import (
	"context"
	"testing"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/org"
	"congquy/internal/store"
)

func TestUnitsTree(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	dept := mustUnit(t, st, nil, "DEPT")
	a := mustUnit(t, st, &dept.ID, "A-OFFICE")
	b := mustUnit(t, st, &dept.ID, "B-OFFICE")
	other := mustUnit(t, st, nil, "OTHER")
	if a.Depth != 1 || dept.Depth != 0 {
		t.Fatalf("depths: dept %d, office %d; want 0, 1", dept.Depth, a.Depth)
	}

	all, total, err := st.ListUnits(ctx, store.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 4 {
		t.Fatalf("total = %d, want 4", total)
	}
	got := []string{}
	for _, u := range all {
		got = append(got, u.Code)
	}
	want := []string{"DEPT", "A-OFFICE", "B-OFFICE", "OTHER"}
	if len(got) != len(want) {
		t.Fatalf("tree order = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("tree order = %v, want %v", got, want)
		}
	}

	within, total, err := st.ListUnits(ctx, store.UnitFilter{Within: []int64{dept.ID}})
	if err != nil || total != 3 || len(within) != 3 {
		t.Fatalf("within dept: %d units (total %d), err %v; want 3", len(within), total, err)
	}
	for _, u := range within {
		if u.ID == other.ID {
			t.Fatalf("unit outside the subtree listed: %s", u.Code)
		}
	}
	found, total, err := st.ListUnits(ctx, store.UnitFilter{Query: "b-off"})
	if err != nil || total != 1 || found[0].ID != b.ID {
		t.Fatalf("search b-off: %+v (total %d) err %v", found, total, err)
	}
	// LIKE wildcards in the search are literal.
	if _, total, _ := st.ListUnits(ctx, store.UnitFilter{Query: "%"}); total != 0 {
		t.Fatalf("search %%: total %d, want 0", total)
	}
	page2, total, err := st.ListUnits(ctx, store.UnitFilter{Page: store.Page{Number: 2, Size: 3}})
	if err != nil || total != 4 || len(page2) != 1 || page2[0].Code != "OTHER" {
		t.Fatalf("page 2: %+v total %d err %v", page2, total, err)
	}
	mustNoViolations(t, st)
}

func TestCreateUnitRefusesBadInput(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	dept := mustUnit(t, st, nil, "DEPT")
	missing := int64(999999)
	cases := []struct {
		name  string
		in    org.NewUnit
		code  apperr.Code
		field string
	}{
		{"bad code", org.NewUnit{Code: "a b", Kind: org.KindOffice, NameVI: "x", NameEN: "x"}, apperr.Invalid, "code"},
		{"no name", org.NewUnit{Code: "X1", Kind: org.KindOffice, NameEN: "x"}, apperr.Invalid, "name_vi"},
		{"bad kind", org.NewUnit{Code: "X1", Kind: "castle", NameVI: "x", NameEN: "x"}, apperr.Invalid, "kind"},
		{"duplicate code", org.NewUnit{Code: "dept", Kind: org.KindOffice, NameVI: "x", NameEN: "x"}, apperr.Conflict, "code"},
		{"missing parent", org.NewUnit{ParentID: &missing, Code: "X2", Kind: org.KindOffice, NameVI: "x", NameEN: "x"}, apperr.Invalid, "parent_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := st.CreateUnit(ctx, auth.System("test"), c.in)
			e, ok := apperr.As(err)
			if !ok || e.Code != c.code || e.Field != c.field {
				t.Fatalf("err = %v; want code %s on field %s", err, c.code, c.field)
			}
			if e.VI == "" || e.EN == "" {
				t.Fatalf("error lacks a message in both languages: %+v", e)
			}
		})
	}
	if _, total, _ := st.ListUnits(ctx, store.UnitFilter{}); total != 1 {
		t.Fatalf("refused input changed the data: %d units, want 1 (%s)", total, dept.Code)
	}
}

func TestUnitCreationIsAudited(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	actor := auth.System("test")
	actor.RequestID, actor.IP = "req-1", "10.0.0.9"
	u, err := st.CreateUnit(ctx, actor, org.NewUnit{Code: "AUD", Kind: org.KindDepartment, NameVI: "Kiểm", NameEN: "Audit"})
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Action, Entity, EntityID, ActorLogin, RequestID, IP string
		UnitID                                              int64
	}
	err = st.DB().QueryRowxContext(ctx, `SELECT action, entity, entity_id, actor_login, request_id, ip, unit_id
		FROM audit_events WHERE entity = 'unit' AND entity_id = $1`, u.ID).
		Scan(&ev.Action, &ev.Entity, &ev.EntityID, &ev.ActorLogin, &ev.RequestID, &ev.IP, &ev.UnitID)
	if err != nil {
		t.Fatalf("audit event: %v", err)
	}
	if ev.Action != "create" || ev.ActorLogin != "system:test" || ev.RequestID != "req-1" || ev.IP != "10.0.0.9" || ev.UnitID != u.ID {
		t.Fatalf("audit event = %+v", ev)
	}
}

func TestAppRoleCannotMoveUnits(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	a := mustUnit(t, st, nil, "A")
	b := mustUnit(t, st, nil, "B")
	if _, err := st.DB().ExecContext(ctx, `UPDATE units SET parent_id = $1 WHERE id = $2`, b.ID, a.ID); err == nil {
		t.Fatal("the application role moved a unit")
	}
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM audit_events`); err == nil {
		t.Fatal("the application role deleted audit events")
	}
}
