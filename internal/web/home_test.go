package web

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/jmoiron/sqlx"

	"congquy/internal/auth"
	"congquy/internal/money"
	"congquy/internal/store"
)

// The overview shows each user the budget of its own scope and the work waiting for it,
// with the same figures as the budget lines and vouchers it sums.
func TestDashboardFiguresAreTheScopes(t *testing.T) {
	b := mustBudgetServer(t)
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()
	cases := []struct {
		login, unit string
		approver    bool
	}{
		{loginChief, "CT-THADS", true},
		{loginKV1, "CT-THADS-KV1", false},
	}
	for _, c := range cases {
		var want struct {
			Estimate  money.VND `db:"estimate"`
			Spent     money.VND `db:"spent"`
			Submitted int       `db:"submitted"`
		}
		err := db.Get(&want, `
			WITH s AS (SELECT descendant_id AS id FROM unit_closure WHERE ancestor_id = (SELECT id FROM units WHERE code = $1))
			SELECT (SELECT coalesce(sum(allocated + adjusted - withheld), 0) FROM budget_lines WHERE fiscal_year = 2026 AND unit_id IN (SELECT id FROM s)) AS estimate,
				(SELECT coalesce(sum(spent), 0) FROM budget_lines WHERE fiscal_year = 2026 AND unit_id IN (SELECT id FROM s)) AS spent,
				(SELECT count(*) FROM vouchers WHERE status = 'submitted' AND fiscal_year = 2026 AND unit_id IN (SELECT id FROM s)) AS submitted`, c.unit)
		if err != nil {
			t.Fatal(err)
		}
		if want.Estimate.Sign() == 0 || want.Spent.Sign() == 0 {
			t.Fatalf("%s: the demo data has no budget to show", c.unit)
		}
		for _, lang := range []string{"vi"} {
			rec := b.as(t, c.login, http.MethodGet, "/?year=2026")
			if rec.Code != http.StatusOK {
				t.Fatalf("/ as %s: %d", c.login, rec.Code)
			}
			body := rec.Body.String()
			for id, v := range map[string]money.VND{"home-estimate": want.Estimate, "home-spent": want.Spent} {
				m := regexp.MustCompile(`id="` + id + `">([^<]*)<`).FindStringSubmatch(body)
				if m == nil {
					t.Errorf("%s as %s: no %s", lang, c.login, id)
					continue
				}
				if m[1] != v.Format(lang) {
					t.Errorf("%s as %s: %s shows %q, the lines sum to %s", lang, c.login, id, m[1], v)
				}
			}
			m := regexp.MustCompile(`id="home-to-approve">([^<]*)<`).FindStringSubmatch(body)
			switch {
			case c.approver && (m == nil || m[1] != itoa64(int64(want.Submitted))):
				t.Errorf("%s: vouchers to approve %v, want %d", c.login, m, want.Submitted)
			case !c.approver && m != nil:
				t.Errorf("%s is offered approvals it may not make", c.login)
			}
		}
	}
	// An inspector sees the last verification of the audit trail.
	rep, err := b.store.VerifyAudit(context.Background(), store.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.RecordVerification(context.Background(), auth.System("test"), rep); err != nil {
		t.Fatal(err)
	}
	rec := b.as(t, loginInspector, http.MethodGet, "/?year=2026")
	if rec.Code != http.StatusOK {
		t.Fatalf("/ as the inspector: %d\n%s", rec.Code, lastLines(b.logs.String(), 2))
	}
	mustContain(t, rec, `id="home-verification"`, "Toàn vẹn")
}
