package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// Every budget page renders for the roles that may see it, in both languages, and shows
// what it is about.
func TestBudgetPagesRender(t *testing.T) {
	b := mustBudgetServer(t)
	var voucherID, decisionID int64
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()
	if err := db.Get(&voucherID, `SELECT min(id) FROM vouchers WHERE status = 'submitted'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&decisionID, `SELECT min(id) FROM budget_decisions WHERE kind = 'allotment'`); err != nil {
		t.Fatal(err)
	}
	v, d := itoa64(voucherID), itoa64(decisionID)
	pages := []struct {
		login, target string
		want          []string
	}{
		{loginAdmin, "/budget/codes", []string{"Mục lục ngân sách nhà nước", "6701", "chưa xác minh"}},
		{loginAdmin, "/budget/codes?kind=item&q=m%C3%A1y%20bay", []string{"Tiền vé máy bay"}},
		{loginAdmin, "/budget/codes/import", []string{"Nhập bộ mục lục mới"}},
		{loginOfficer, "/budget/norms", []string{"450.000 ₫", "1.000.000 ₫", "950.000.000 ₫", "40/2017/TT-BTC"}},
		{loginOfficer, "/budget/lines?year=2026", []string{"014-341-6701", "Mở dòng dự toán"}},
		{loginOfficer, "/budget/decisions?year=2026", []string{"01/QĐ-MẪU", "Đã duyệt"}},
		{loginOfficer, "/budget/decisions/new?kind=allotment&year=2026", []string{"Phân bổ cho đơn vị cấp dưới", "Chia đều"}},
		{loginChief, "/budget/decisions/" + d, []string{"CT-THADS-KV1"}},
		{loginOfficer, "/budget/commitments?year=2026", []string{"Cam kết chi"}},
		{loginOfficer, "/budget/execution?year=2026", []string{"Tình hình thực hiện dự toán", "data-chart=", "% thực hiện"}},
		{loginOfficer, "/vouchers?year=2026", []string{"Chứng từ chi", "Công ty Điện lực mẫu"}},
		{loginChief, "/vouchers/" + v, []string{"Duyệt", "Kiểm tra định mức"}},
		{loginOfficer, "/vouchers/new?year=2026", []string{"Lập chứng từ chi", "Thêm dòng"}},
		{loginInspector, "/vouchers/" + v + "/norms", []string{"kiểm tra theo định mức hiện hành"}},
	}
	for _, p := range pages {
		rec := b.as(t, p.login, http.MethodGet, p.target)
		if rec.Code != http.StatusOK {
			t.Errorf("%s as %s: status %d\n%s", p.target, p.login, rec.Code, clipBody(rec.Body.String()))
			continue
		}
		mustContain(t, rec, p.want...)
	}
	// Deny by default: no actor, or the wrong role.
	if rec := b.do(t, http.MethodGet, "/budget/lines", nil); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Errorf("anonymous /budget/lines: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := b.do(t, http.MethodGet, "/api/v1/budget-lines", nil, "Accept", "application/json"); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous /api/v1/budget-lines: %d", rec.Code)
	}
	if rec := b.as(t, loginAdmin, http.MethodGet, "/vouchers"); rec.Code != http.StatusForbidden {
		t.Errorf("admin on /vouchers: %d", rec.Code)
	}
	if rec := b.as(t, loginOfficer, http.MethodGet, "/budget/codes/import"); rec.Code != http.StatusForbidden {
		t.Errorf("finance officer importing codes: %d", rec.Code)
	}
	// An office officer sees another office's voucher as not found.
	var other int64
	if err := db.Get(&other, `SELECT min(v.id) FROM vouchers v JOIN units u ON u.id = v.unit_id WHERE u.code = 'CT-THADS-KV2'`); err != nil {
		t.Fatal(err)
	}
	if rec := b.as(t, loginKV1, http.MethodGet, "/vouchers/"+itoa64(other)); rec.Code != http.StatusNotFound {
		t.Errorf("office 1 reading office 2's voucher: %d", rec.Code)
	}
}

func clipBody(s string) string {
	if i := strings.Index(s, `<main`); i > 0 {
		s = s[i:]
	}
	if len(s) > 1500 {
		s = s[:1500]
	}
	return s
}

var _ = context.Background
