package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"
)

// lineOf returns the id of a unit's 2026 line on the tiểu mục.
func (b *budgetServer) lineOf(t *testing.T, unitCode, item string) int64 {
	t.Helper()
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()
	var id int64
	if err := db.Get(&id, `SELECT l.id FROM budget_lines l JOIN units u ON u.id = l.unit_id
		WHERE u.code = $1 AND l.item = $2 AND l.fiscal_year = 2026`, unitCode, item); err != nil {
		t.Fatal(err)
	}
	return id
}

// api sends a JSON request with the user's API token, with an Idempotency-Key when key is
// not empty.
func (b *budgetServer) api(t *testing.T, login, method, target, key, body string) *httptestRecorder {
	t.Helper()
	h := []string{"Authorization", "Bearer " + b.token(t, login), "Content-Type", "application/json", "Accept", "application/json"}
	if key != "" {
		h = append(h, "Idempotency-Key", key)
	}
	return b.do(t, method, target, strings.NewReader(body), h...)
}

// TESTING.md row 4 through the API: a post sent 3× (2 at once, 1 after the reply) is done
// once with identical replies; the same key with a changed body is a 409.
func TestAPIIdempotency(t *testing.T) {
	b := mustBudgetServer(t)
	line := b.lineOf(t, "CT-THADS", "6551")
	body := fmt.Sprintf(`{"unit_id": %d, "fiscal_year": 2026, "doc_date": "2026-05-04", "payee": "Nhà sách Mẫu",
		"lines": [{"budget_line_id": %d, "amount": "1250000", "description": "Sổ sách", "status": "approved"}], "status": "posted"}`, b.dept, line)
	var wg sync.WaitGroup
	replies := make([]*httptestRecorder, 3)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i] = b.api(t, loginOfficer, http.MethodPost, "/api/v1/vouchers", "vch-2026-0001", body)
		}()
	}
	wg.Wait()
	replies[2] = b.api(t, loginOfficer, http.MethodPost, "/api/v1/vouchers", "vch-2026-0001", body)
	for i, r := range replies {
		if r.Code != http.StatusCreated || r.Body.String() != replies[0].Body.String() {
			t.Fatalf("reply %d: %d %s; first %s", i, r.Code, r.Body, replies[0].Body)
		}
	}
	var v struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Total  string `json:"total"`
	}
	if err := json.Unmarshal(replies[0].Body.Bytes(), &v); err != nil || v.Status != "draft" || v.Total != "1250000" {
		t.Fatalf("created voucher %+v %v (status and other forbidden fields must be ignored)", v, err)
	}
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM vouchers WHERE payee = 'Nhà sách Mẫu'`); err != nil || n != 1 {
		t.Fatalf("%d vouchers created, want 1 (%v)", n, err)
	}
	changed := strings.Replace(body, "1250000", "1250001", 1)
	if r := b.api(t, loginOfficer, http.MethodPost, "/api/v1/vouchers", "vch-2026-0001", changed); r.Code != http.StatusConflict {
		t.Fatalf("same key, changed body: %d %s", r.Code, r.Body)
	}
	if r := b.api(t, loginOfficer, http.MethodPost, "/api/v1/vouchers", "", body); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("no key: %d", r.Code)
	}
	// Submit, then approve by another user: refused when over budget, with the line named.
	id := fmt.Sprint(v.ID)
	if r := b.api(t, loginOfficer, http.MethodPost, "/api/v1/vouchers/"+id+"/submit", "sub-"+id+"-0001", ""); r.Code != http.StatusOK {
		t.Fatalf("submit: %d %s", r.Code, r.Body)
	}
	if r := b.api(t, loginOfficer, http.MethodPost, "/api/v1/vouchers/"+id+"/approve", "apv-"+id+"-0001", ""); r.Code != http.StatusForbidden && r.Code != http.StatusNotFound {
		t.Fatalf("self-approval: %d %s", r.Code, r.Body)
	}
	if r := b.api(t, loginChief, http.MethodPost, "/api/v1/vouchers/"+id+"/approve", "apv-"+id+"-0002", ""); r.Code != http.StatusOK {
		t.Fatalf("approve: %d %s", r.Code, r.Body)
	}
	r := b.api(t, loginChief, http.MethodGet, fmt.Sprintf("/api/v1/budget-lines/%d", line), "", "")
	var l struct {
		Spent     string `json:"spent"`
		Available string `json:"available"`
	}
	if err := json.Unmarshal(r.Body.Bytes(), &l); err != nil || l.Spent != "1250000" {
		t.Fatalf("line after approval: %s", r.Body)
	}
	// The OpenAPI document is served and names the endpoints.
	doc := b.do(t, http.MethodGet, "/api/v1/openapi.json", nil)
	if doc.Code != http.StatusOK || !json.Valid(doc.Body.Bytes()) || !strings.Contains(doc.Body.String(), "/api/v1/vouchers/{id}/approve") {
		t.Fatalf("openapi: %d", doc.Code)
	}
}

// A refused approval names the line, what is available and what was asked.
func TestAPIApprovalRefusedOverBudget(t *testing.T) {
	b := mustBudgetServer(t)
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()
	var id int64
	if err := db.Get(&id, `SELECT v.id FROM vouchers v WHERE v.description LIKE 'Sửa chữa trụ sở%' AND v.unit_id = $1`, b.office); err != nil {
		t.Fatal(err)
	}
	r := b.api(t, loginChief, http.MethodPost, fmt.Sprintf("/api/v1/vouchers/%d/approve", id), "apv-over-0001", "")
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), "insufficient_budget") || !strings.Contains(r.Body.String(), "Dòng dự toán 6907") {
		t.Fatalf("over-budget approval: %d %s", r.Code, r.Body)
	}
}

// Attachments through the pages: a PDF is stored with its hash; a disguised file is refused.
func TestVoucherAttachmentsHTTP(t *testing.T) {
	b := mustBudgetServer(t)
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()
	var id int64
	if err := db.Get(&id, `SELECT min(id) FROM vouchers WHERE status = 'draft' AND unit_id = $1`, b.office); err != nil {
		t.Fatal(err)
	}
	upload := func(name string, content []byte) *httptestRecorder {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(content)
		w.Close()
		return b.asRaw(t, loginOfficer, http.MethodPost, fmt.Sprintf("/vouchers/%d/attachments", id), &buf, w.FormDataContentType())
	}
	if r := upload("hoa don.pdf", []byte("%PDF-1.7\nscan")); r.Code != http.StatusSeeOther {
		t.Fatalf("upload pdf: %d %s", r.Code, clipBody(r.Body.String()))
	}
	if r := upload("anh.png", []byte("GIF89a not png")); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), "PDF, JPEG hoặc PNG") {
		t.Fatalf("disguised file: %d", r.Code)
	}
	var aid int64
	if err := db.Get(&aid, `SELECT id FROM voucher_attachments WHERE voucher_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	r := b.as(t, loginChief, http.MethodGet, fmt.Sprintf("/vouchers/%d/attachments/%d", id, aid))
	if r.Code != http.StatusOK || r.Header().Get("Content-Type") != "application/pdf" || len(r.Header().Get("X-Content-SHA256")) != 64 ||
		!strings.HasPrefix(r.Header().Get("Content-Disposition"), "attachment;") {
		t.Fatalf("download: %d %v", r.Code, r.Header())
	}
}

// The budget-vs-actual export has numbers as numbers and neutralised formula-like text.
func TestExecutionXLSX(t *testing.T) {
	b := mustBudgetServer(t)
	r := b.as(t, loginOfficer, http.MethodGet, "/budget/execution.xlsx?year=2026")
	if r.Code != http.StatusOK {
		t.Fatalf("export: %d", r.Code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Sheet1")
	if err != nil || len(rows) < 3 {
		t.Fatalf("rows: %d %v", len(rows), err)
	}
	last := rows[len(rows)-1]
	// 9,106,000,000 ₫ estimated less 7,200,000 ₫ withheld as savings.
	if last[0] != "Tổng cộng" || last[8] != "9098800000" {
		t.Fatalf("total row: %v", last)
	}
	typ, err := f.GetCellType("Sheet1", "I2")
	if err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatalf("amount cell type %v %v: numbers must stay numbers", typ, err)
	}
	for _, s := range []string{"=1+1", "+SUM(A1)", "-2", "@x", "\tx", "\rx"} {
		if got := safeCell(s); !strings.HasPrefix(got, "'") {
			t.Errorf("safeCell(%q) = %q", s, got)
		}
	}
}

// Importing a code set: preview (nothing written), refusal of a bad file naming its rows,
// then confirm — all or nothing, the set in force closed the year before.
func TestCodesImportHTTP(t *testing.T) {
	b := mustBudgetServer(t)
	post := func(csv string, extra ...string) *httptestRecorder {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		fields := append([]string{"code", "TT-MOI-2027", "name_vi", "Bộ mã thử", "name_en", "Test set", "legal_basis", "Thông tư thử", "valid_from", "2027"}, extra...)
		for i := 0; i+1 < len(fields); i += 2 {
			w.WriteField(fields[i], fields[i+1])
		}
		if csv != "" {
			fw, _ := w.CreateFormFile("file", "codes.csv")
			fw.Write([]byte(csv))
		}
		w.Close()
		return b.asRaw(t, loginAdmin, http.MethodPost, "/budget/codes/import", &buf, w.FormDataContentType())
	}
	good := "kind,code,parent,name_vi,name_en,verified,source\nsection,340,,QLNN,Administration,true,s\nsubsection,341,340,QLNN,Administration,true,s\n"
	r := post(good)
	if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), "Xác nhận nhập bộ mã") {
		t.Fatalf("preview: %d %s", r.Code, clipBody(r.Body.String()))
	}
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()
	var n int
	if db.Get(&n, `SELECT count(*) FROM budget_code_sets`); n != 1 {
		t.Fatalf("the preview wrote: %d sets", n)
	}
	bad := "kind,code,parent,name_vi,name_en,verified,source\nsection,341,,X,X,true,s\nitem,6701,6700,X,X,true,s\n"
	if r := post(bad); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), "2 lỗi") {
		t.Fatalf("bad file: %d %s", r.Code, clipBody(r.Body.String()))
	}
	content := strings.Split(strings.Split(r.Body.String(), `name="content" value="`)[1], `"`)[0]
	if r := post("", "confirm", "1", "content", content); r.Code != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", r.Code, clipBody(r.Body.String()))
	}
	var closedAt *int
	if err := db.Get(&closedAt, `SELECT valid_to FROM budget_code_sets WHERE code = 'TT324-2016'`); err != nil || closedAt == nil || *closedAt != 2026 {
		t.Fatalf("the old set was not closed at 2026: %v %v", closedAt, err)
	}
}

// Every POST of the API on budget lines and vouchers needs an Idempotency-Key: without one
// it is refused (422) before anything runs, whoever sends it.
func TestAPIPostsNeedIdempotencyKey(t *testing.T) {
	b := mustBudgetServer(t)
	checked := 0
	for _, r := range b.Echo().Routes() {
		if r.Method != http.MethodPost || !(strings.HasPrefix(r.Path, "/api/v1/vouchers") || strings.HasPrefix(r.Path, "/api/v1/budget-lines")) {
			continue
		}
		path := strings.ReplaceAll(r.Path, ":id", "1")
		for _, login := range []string{loginOfficer, loginChief} {
			rec := b.api(t, login, http.MethodPost, path, "", `{}`)
			if rec.Code == http.StatusForbidden {
				continue // the role may not use the route at all
			}
			checked++
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Idempotency-Key") {
				t.Errorf("POST %s as %s without a key: %d %s", path, login, rec.Code, rec.Body)
			}
		}
	}
	if checked < 6 {
		t.Fatalf("only %d route checks", checked)
	}
}
