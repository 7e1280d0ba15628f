package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
)

// sendThrice sends one request three times, as a client that retries would: two at once,
// then one after the replies. It returns the three replies.
func sendThrice(send func() *httptestRecorder) [3]*httptestRecorder {
	var out [3]*httptestRecorder
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); out[i] = send() }()
	}
	wg.Wait()
	out[2] = send()
	return out
}

// TESTING.md row 4 through the HTTP API: every posting — creating and submitting a voucher
// ("submit": true) by the finance officer's token, approving (posting) it by the chief
// accountant's — sent 3×; then each key again with a changed body.
func TestAPIPostingIdempotency(t *testing.T) {
	b := mustBudgetServer(t)
	const n = 25
	line := b.fundedLine(t, b.dept, "6551", 100_000_000)
	var differing, created, posted int
	ids := make([]int64, n)
	bodies := make([]string, n)
	for i := range n {
		bodies[i] = fmt.Sprintf(`{"unit_id": %d, "fiscal_year": 2026, "doc_date": "2026-04-%02d", "payee": "Idem %02d", "submit": true,
			"lines": [{"budget_line_id": %d, "amount": "%d", "description": "Văn phòng phẩm"}]}`, b.dept, 1+i%28, i, line.ID, 100_000+i)
		replies := sendThrice(func() *httptestRecorder {
			return b.api(t, loginOfficer, http.MethodPost, "/api/v1/vouchers", fmt.Sprintf("vch-idem-%04d", i), bodies[i])
		})
		for _, r := range replies {
			if r.Code != http.StatusCreated {
				t.Fatalf("create %d: %d %s", i, r.Code, r.Body)
			}
			if r.Body.String() != replies[0].Body.String() {
				differing++
			}
		}
		var v budget.Voucher
		if err := json.Unmarshal(replies[0].Body.Bytes(), &v); err != nil || v.Status != budget.StatusSubmitted {
			t.Fatalf("created %+v %v", v, err)
		}
		ids[i] = v.ID
		approvals := sendThrice(func() *httptestRecorder {
			return b.api(t, loginChief, http.MethodPost, fmt.Sprintf("/api/v1/vouchers/%d/approve", v.ID), fmt.Sprintf("apv-idem-%04d", i), "")
		})
		for _, r := range approvals {
			if r.Code != http.StatusOK {
				t.Fatalf("approve %d: %d %s", i, r.Code, r.Body)
			}
			if r.Body.String() != approvals[0].Body.String() {
				differing++
			}
		}
		if replayed := approvals[2].Header().Get("Idempotent-Replayed"); replayed != "true" {
			t.Errorf("the third approval was not a replay")
		}
	}
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()
	if err := db.Get(&created, `SELECT count(*) FROM vouchers WHERE payee LIKE 'Idem %'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&posted, `SELECT count(*) FROM journal_entries WHERE source_type = 'voucher' AND source_id = ANY($1)`, pqStrings(ids)); err != nil {
		t.Fatal(err)
	}
	// The same keys with a changed body.
	conflicts := 0
	for i := range n {
		changed := strings.Replace(bodies[i], "Văn phòng phẩm", "Văn phòng phẩm (sửa)", 1)
		if r := b.api(t, loginOfficer, http.MethodPost, "/api/v1/vouchers", fmt.Sprintf("vch-idem-%04d", i), changed); r.Code == http.StatusConflict {
			conflicts++
		}
		if r := b.api(t, loginChief, http.MethodPost, fmt.Sprintf("/api/v1/vouchers/%d/approve", ids[i]), fmt.Sprintf("apv-idem-%04d", i), `{"reason": "x"}`); r.Code == http.StatusConflict {
			conflicts++
		}
	}
	t.Logf("idempotency over HTTP: %d postings × 3 sends (2 at once, 1 after): %d vouchers created, %d entries posted (duplicates %d); %d differing replies; changed body → 409 in %d of %d",
		2*n, created, posted, created-n+posted-n, differing, conflicts, 2*n)
	if created != n || posted != n || differing != 0 || conflicts != 2*n {
		t.Fatalf("duplicates or differing replies (created %d, posted %d, differing %d, 409s %d)", created, posted, differing, conflicts)
	}
	got, err := b.store.Line(t.Context(), auth.System("test"), auth.PermBudgetView, line.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := money.FromInt64(n*100_000 + n*(n-1)/2); !got.Spent.Equal(want) {
		t.Fatalf("spent %s, want %s", got.Spent, want)
	}
	mustNoBudgetViolations(t, b)
}

// Reversing a posted voucher, on its page (with confirmation) and through the API: the
// budget line gets back exactly what it spent.
func TestReverseVoucherHTTP(t *testing.T) {
	b := mustBudgetServer(t)
	line := b.fundedLine(t, b.dept, "6601", 5_000_000)
	post := func(amount string) int64 {
		r := b.api(t, loginOfficer, http.MethodPost, "/api/v1/vouchers", "vch-rev-"+amount, fmt.Sprintf(`{"unit_id": %d, "fiscal_year": 2026,
			"doc_date": "2026-05-04", "payee": "Bưu điện mẫu", "submit": true, "lines": [{"budget_line_id": %d, "amount": "%s"}]}`, b.dept, line.ID, amount))
		var v budget.Voucher
		if err := json.Unmarshal(r.Body.Bytes(), &v); err != nil || r.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		if r := b.as(t, loginChief, http.MethodPost, fmt.Sprintf("/vouchers/%d/approve", v.ID)); r.Code != http.StatusSeeOther {
			t.Fatalf("approve on the page: %d %s", r.Code, clipBody(r.Body.String()))
		}
		return v.ID
	}
	available := func() money.VND {
		l, err := b.store.Line(t.Context(), auth.System("test"), auth.PermBudgetView, line.ID)
		if err != nil {
			t.Fatal(err)
		}
		return l.Available()
	}
	id := post("1250000")
	if got := available(); !got.Equal(money.FromInt64(3_750_000)) {
		t.Fatalf("available after posting %s", got)
	}
	page := b.as(t, loginChief, http.MethodGet, fmt.Sprintf("/vouchers/%d", id))
	mustContain(t, page, "Đã ghi sổ", "Bút toán #", "Đảo chứng từ đã ghi sổ")
	// Without the confirmation: refused, nothing changes.
	target := fmt.Sprintf("/vouchers/%d/reverse", id)
	if r := b.as(t, loginChief, http.MethodPost, target, "date", "2026-05-10", "reason", "Trùng chứng từ"); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("reversal without confirmation: %d", r.Code)
	}
	if r := b.as(t, loginChief, http.MethodPost, target, "date", "2026-05-10", "reason", "Trùng chứng từ", "confirm", "on"); r.Code != http.StatusSeeOther {
		t.Fatalf("reversal: %d %s", r.Code, clipBody(r.Body.String()))
	}
	if got := available(); !got.Equal(money.FromInt64(5_000_000)) {
		t.Fatalf("available after the reversal %s, want all of it back", got)
	}
	mustContain(t, b.as(t, loginChief, http.MethodGet, fmt.Sprintf("/vouchers/%d", id)), "Đã đảo", "Trùng chứng từ", "Bút toán đảo")

	// Through the API; the drafter's token cannot.
	id = post("999999")
	path := fmt.Sprintf("/api/v1/vouchers/%d/reverse", id)
	if r := b.api(t, loginOfficer, http.MethodPost, path, "rev-own-0001", `{"reason": "tự đảo"}`); r.Code != http.StatusForbidden {
		t.Fatalf("the drafter reversing: %d %s", r.Code, r.Body)
	}
	r := b.api(t, loginChief, http.MethodPost, path, "rev-api-0001", `{"reason": "Sai số tiền", "date": "2026-05-20"}`)
	var v budget.Voucher
	if err := json.Unmarshal(r.Body.Bytes(), &v); err != nil || r.Code != http.StatusOK || v.Status != budget.StatusReversed || v.ReversalEntryID == nil {
		t.Fatalf("API reversal: %d %s", r.Code, r.Body)
	}
	if got := available(); !got.Equal(money.FromInt64(5_000_000)) {
		t.Fatalf("available after the API reversal %s", got)
	}
	mustNoBudgetViolations(t, b)
}

// A month closed in the ledger refuses the approval on the voucher's page, clearly, and
// nothing changes.
func TestApprovalInClosedPeriodHTTP(t *testing.T) {
	b := mustBudgetServer(t)
	line := b.fundedLine(t, b.dept, "6701", 1_000_000)
	r := b.api(t, loginOfficer, http.MethodPost, "/api/v1/vouchers", "vch-closed-01", fmt.Sprintf(`{"unit_id": %d, "fiscal_year": 2026,
		"doc_date": "2026-12-04", "payee": "Công ty Mẫu", "submit": true, "lines": [{"budget_line_id": %d, "amount": "10000"}]}`, b.dept, line.ID))
	var v budget.Voucher
	if err := json.Unmarshal(r.Body.Bytes(), &v); err != nil || r.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	if _, err := b.store.ClosePeriod(t.Context(), b.actor(t, loginChief), b.dept, v.DocDate); err != nil {
		t.Fatal(err)
	}
	page := b.as(t, loginChief, http.MethodPost, fmt.Sprintf("/vouchers/%d/approve", v.ID))
	if page.Code != http.StatusUnprocessableEntity {
		t.Fatalf("approval in a closed month: %d", page.Code)
	}
	mustContain(t, page, "khóa sổ")
	api := b.api(t, loginChief, http.MethodPost, fmt.Sprintf("/api/v1/vouchers/%d/approve", v.ID), "apv-closed-01", "")
	if api.Code != http.StatusUnprocessableEntity || !strings.Contains(api.Body.String(), "period_closed") {
		t.Fatalf("API approval in a closed month: %d %s", api.Code, api.Body)
	}
	if got, _ := b.store.VoucherByID(t.Context(), b.actor(t, loginChief), v.ID); got.Status != budget.StatusSubmitted {
		t.Fatalf("the refused voucher is %s", got.Status)
	}
	mustNoBudgetViolations(t, b)
}

// mustNoBudgetViolations runs the invariant checker (sealing the audit trail first, as
// `congquy check` expects of a quiet system).
func mustNoBudgetViolations(t *testing.T, b *budgetServer) {
	t.Helper()
	if _, err := b.store.SealAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	res, err := b.store.Check(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		for _, v := range r.Violations {
			t.Errorf("invariant %s: %s %s: %s", r.ID, v.Entity, v.ID, v.Detail)
		}
	}
}

func pqStrings(ids []int64) any {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprint(id)
	}
	return pq.Array(out)
}
