package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/org"
)

// actAs makes every request of the test server run as a user with the roles on unit
// (the identity area's session middleware does this in production).
func (s *testServer) actAs(t *testing.T, unit int64, login string, roles ...auth.Role) auth.Actor {
	t.Helper()
	u, err := s.store.UnitByID(context.Background(), unit)
	if err != nil {
		t.Fatal(err)
	}
	user := s.mustUser(t, login, u, roles...)
	a := user.Actor("", "")
	s.actor = &a
	s.ui = s.signedIn(t, user)
	return a
}

// mustLedgerServer is a server with a department and an office, acting as a chief
// accountant who is also an inspector of the department.
func mustLedgerServer(t *testing.T) (*testServer, org.Unit, org.Unit) {
	t.Helper()
	s := mustServer(t)
	s.Echo().Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if s.actor != nil {
				a := *s.actor
				c.Set(ctxActor, &a)
			}
			return next(c)
		}
	})
	ctx := context.Background()
	dept, err := s.store.CreateUnit(ctx, auth.System("test"), org.NewUnit{Code: "CT", Kind: org.KindDepartment, NameVI: "Cục Mẫu", NameEN: "Sample Department"})
	if err != nil {
		t.Fatal(err)
	}
	office, err := s.store.CreateUnit(ctx, auth.System("test"), org.NewUnit{ParentID: &dept.ID, Code: "KV1", Kind: org.KindOffice, NameVI: "Phòng khu vực 1", NameEN: "Region 1 office"})
	if err != nil {
		t.Fatal(err)
	}
	s.actAs(t, dept.ID, "chief", auth.RoleChiefAccountant, auth.RoleInspector)
	return s, dept, office
}

func jsonBody(v string) (*strings.Reader, string, string) {
	return strings.NewReader(v), "Content-Type", "application/json"
}

func TestClosedPeriodRefusedInAPIAndUI(t *testing.T) {
	s, _, office := mustLedgerServer(t)
	unit := strconv.FormatInt(office.ID, 10)
	post := func(date string) *httpRecorder {
		b, k, v := jsonBody(`{"unit_id": ` + unit + `, "date": "` + date + `", "memo": "Chi tiền điện",
			"lines": [{"account": "611", "debit": "1.250.000"}, {"account": "112", "credit": "1250000"}]}`)
		return s.do(t, http.MethodPost, "/api/v1/journal", b, k, v)
	}
	rec := post("2026-03-10")
	if rec.Code != http.StatusCreated {
		t.Fatalf("post: %d %s", rec.Code, rec.Body)
	}
	var p apiPosted
	_ = json.Unmarshal(rec.Body.Bytes(), &p)

	body, k, v := form("unit", unit, "period", "2026-03", "confirm", "on")
	if rec := s.do(t, http.MethodPost, "/ledger/periods/close", body, k, v); rec.Code != http.StatusSeeOther {
		t.Fatalf("close: %d %s", rec.Code, rec.Body)
	}

	// API: a clear, bilingual refusal.
	rec = post("2026-03-31")
	var e errorBody
	_ = json.Unmarshal(rec.Body.Bytes(), &e)
	if rec.Code != http.StatusUnprocessableEntity || e.Error.Code != "period_closed" || !strings.Contains(e.Error.Message, "03/2026") ||
		!strings.Contains(e.Error.Message, "Phòng khu vực 1") {
		t.Fatalf("API posting into a closed period: %d %s", rec.Code, rec.Body)
	}
	rec = s.do(t, http.MethodPost, "/api/v1/journal", strings.NewReader(`{"unit_id": `+unit+`, "date": "2026-03-31", "memo": "x",
		"lines": [{"account": "611", "debit": "5"}, {"account": "112", "credit": "5"}]}`), "Content-Type", "application/json", "Cookie", langCookie+"=en")
	if !strings.Contains(rec.Body.String(), "The accounting period 03/2026 of Region 1 office is closed") {
		t.Fatalf("English refusal: %s", rec.Body)
	}

	// UI: the reversal form dated in the closed period shows the same message.
	body, k, v = form("date", "2026-03-31", "reason", "sai", "confirm", "on")
	rec = s.do(t, http.MethodPost, "/ledger/entries/"+strconv.FormatInt(p.ID, 10)+"/reverse", body, k, v, "Accept", "text/html")
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("UI reversal into a closed period: %d", rec.Code)
	}
	mustContain(t, rec, "Kỳ kế toán tháng 03/2026 của đơn vị Phòng khu vực 1 đã khóa sổ")

	// Reversal into an open period works, once.
	body, k, v = form("date", "2026-04-01", "reason", "sai", "confirm", "on")
	if rec := s.do(t, http.MethodPost, "/ledger/entries/"+strconv.FormatInt(p.ID, 10)+"/reverse", body, k, v); rec.Code != http.StatusSeeOther {
		t.Fatalf("reverse: %d %s", rec.Code, rec.Body)
	}
	b2, k2, v2 := jsonBody(`{"date": "2026-04-02"}`)
	if rec := s.do(t, http.MethodPost, "/api/v1/journal/"+strconv.FormatInt(p.ID, 10)+"/reverse", b2, k2, v2); rec.Code != http.StatusConflict {
		t.Fatalf("second reversal: %d %s", rec.Code, rec.Body)
	}
}

func TestLedgerAndAuditPages(t *testing.T) {
	s, dept, office := mustLedgerServer(t)
	unit := strconv.FormatInt(office.ID, 10)
	b, k, v := jsonBody(`{"unit_id": ` + unit + `, "date": "2026-03-10", "memo": "Chi <b>tiền</b> điện",
		"lines": [{"account": "611", "debit": "1250000"}, {"account": "112", "credit": "1250000"}, {"account": "008", "credit": "1250000"}]}`)
	rec := s.do(t, http.MethodPost, "/api/v1/journal", b, k, v)
	if rec.Code != http.StatusCreated {
		t.Fatalf("post: %d %s", rec.Code, rec.Body)
	}
	var p apiPosted
	_ = json.Unmarshal(rec.Body.Bytes(), &p)
	id := strconv.FormatInt(p.ID, 10)
	if _, err := s.store.SealAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := strconv.FormatInt(dept.ID, 10)
	pages := map[string][]string{
		"/ledger/journal?unit=" + d + "&period=2026-03":                    {"Chi &lt;b&gt;tiền&lt;/b&gt; điện", "1.250.000 ₫", "#" + id},
		"/ledger/entries/" + id:                                            {"Bút toán #" + id, "Tiền gửi Ngân hàng, Kho bạc", "ngoài bảng", "Đảo bút toán này"},
		"/ledger/trial-balance?unit=" + d + "&period=2026-03":              {"Bảng cân đối tài khoản", "1.250.000 ₫", "Cộng"},
		"/ledger/account-ledger?unit=" + d + "&period=2026-03&account=112": {"Sổ cái tài khoản", "-1.250.000 ₫"},
		"/ledger/periods?unit=" + unit + "&year=2026":                      {"03/2026", "Đang mở", "Khóa sổ"},
		"/reference/accounts?q=112":                                        {"Tiền gửi Ngân hàng, Kho bạc", "Thông tư 24/2024/TT-BTC"},
		"/reference/accounts?q=3371":                                       {"Chưa đối chiếu"},
		"/audit?entity=journal_entry":                                      {"journal_entry " + id, "unit:" + unit},
		"/audit/history?entity=journal_entry&id=" + id:                     {"Lịch sử journal_entry " + id, "1250000"},
		"/audit/verify": {"Kiểm tra ngay"},
	}
	for path, want := range pages {
		rec := s.do(t, http.MethodGet, path, nil)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
			continue
		}
		mustContain(t, rec, want...)
	}
	// Verify now runs in the background and records its result.
	body, k2, v2 := form()
	if rec := s.do(t, http.MethodPost, "/audit/verify", body, k2, v2); rec.Code != http.StatusSeeOther {
		t.Fatalf("verify now: %d", rec.Code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		runs, err := s.store.Verifications(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) == 1 {
			if !runs[0].OK {
				t.Fatalf("verification failed: %s", runs[0].ProblemsRaw)
			}
			mustContain(t, s.do(t, http.MethodGet, "/audit/verify", nil), "Toàn vẹn")
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("verification did not finish")
}

// Pages refuse those without the permission and hide other units' records.
func TestLedgerScope(t *testing.T) {
	s, dept, office := mustLedgerServer(t)
	other, err := s.store.CreateUnit(context.Background(), auth.System("test"), org.NewUnit{Code: "X", Kind: org.KindDepartment, NameVI: "Khác", NameEN: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	b, k, v := jsonBody(`{"unit_id": ` + strconv.FormatInt(other.ID, 10) + `, "date": "2026-03-10", "memo": "x",
		"lines": [{"account": "611", "debit": "1"}, {"account": "112", "credit": "1"}]}`)
	if rec := s.do(t, http.MethodPost, "/api/v1/journal", b, k, v); rec.Code != http.StatusNotFound {
		t.Errorf("posting into another unit: %d", rec.Code)
	}
	s.actAs(t, office.ID, "officer", auth.RoleFinanceOfficer)
	b, k, v = jsonBody(`{"unit_id": ` + strconv.FormatInt(office.ID, 10) + `, "date": "2026-03-10", "memo": "x",
		"lines": [{"account": "611", "debit": "1"}, {"account": "112", "credit": "1"}]}`)
	if rec := s.do(t, http.MethodPost, "/api/v1/journal", b, k, v); rec.Code != http.StatusForbidden {
		t.Errorf("finance officer posting a manual entry: %d", rec.Code)
	}
	if rec := s.do(t, http.MethodGet, "/audit", nil); rec.Code != http.StatusForbidden {
		t.Errorf("finance officer reading the audit trail: %d", rec.Code)
	}
	if rec := s.do(t, http.MethodGet, "/ledger/trial-balance?unit="+strconv.FormatInt(dept.ID, 10), nil); rec.Code != http.StatusOK ||
		!strings.Contains(rec.Body.String(), "KV1") {
		t.Errorf("trial balance falls back to the office in scope: %d", rec.Code)
	}
}
