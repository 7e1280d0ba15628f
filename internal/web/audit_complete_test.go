package web

// Audit completeness (TESTING.md row 16): every mutating route of the router (POST, PUT,
// PATCH, DELETE; pages and /api/v1) is exercised once, successfully, and must record
// exactly one audit event per action and change what it says it changes. Then the audit
// insert is made to fail (a trigger on audit_events, installed as the owner) and every
// route is exercised again: the client gets an error with its request id and nothing
// changes. A new mutating route without a case below fails the test.
//
// Adding a mutating route: add a case to auditCases (who sends it, the table it changes,
// how to make the records it needs); if it legitimately records more than one event, say
// how many and why; if it records none, add it to auditExcused with the reason.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/ledger"
	"congquy/internal/money"
	"congquy/internal/org"
	"congquy/internal/store"
)

// auditExcused lists the mutating routes that legitimately record no audit event, with
// the reason. DESIGN.md §7: every state change and every security event is audited, so
// this list stays short.
var auditExcused = map[string]string{}

// auditCase says how to exercise one mutating route successfully.
type auditCase struct {
	changes string // a table the action must change (its state change)
	events  int    // audit events the action records; 0 means 1
	why     string // why events is not 1
	// failOpen, when set, says why the action still happens (and answers normally) when its
	// audit event cannot be recorded; the injected failure then checks only that no
	// business table changed.
	failOpen string
	// prepare makes the records the request needs (with the audit trail working) and
	// returns the request.
	prepare func(t *testing.T) func() *httptestRecorder
}

// auditFixtures makes the records the cases need.
type auditFixtures struct {
	b     *budgetServer
	line  budget.Line // a funded line of the department
	n     int         // a counter for unique names
	month int         // the next month of 2026 to close
	items map[string]bool
}

func (f *auditFixtures) next() int { f.n++; return f.n }

// user makes a user of the department with the roles, its password testPassword.
func (f *auditFixtures) user(t *testing.T, roles ...auth.Role) auth.User {
	return f.b.mustUser(t, fmt.Sprintf("audit-%d", f.next()), org.Unit{ID: f.b.dept}, roles...)
}

// voucher drafts a voucher of the department as the finance officer, submitted if asked;
// approved (posted) as the chief accountant if asked.
func (f *auditFixtures) voucher(t *testing.T, submit, approve bool) budget.Voucher {
	t.Helper()
	ctx := context.Background()
	v, err := f.b.store.CreateVoucher(ctx, f.b.actor(t, loginOfficer), budget.NewVoucher{UnitID: f.b.dept, FiscalYear: 2026,
		DocDate: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC), Payee: fmt.Sprintf("Công ty Mẫu %d", f.next()),
		Lines: []budget.VoucherLine{{BudgetLineID: f.line.ID, Amount: money.FromInt64(100_000)}}})
	if err != nil {
		t.Fatal(err)
	}
	if submit || approve {
		if v, err = f.b.store.SubmitVoucher(ctx, f.b.actor(t, loginOfficer), v.ID); err != nil {
			t.Fatal(err)
		}
	}
	if approve {
		if v, err = f.b.store.ApproveVoucher(ctx, f.b.actor(t, loginChief), v.ID); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// entry posts a manual journal entry of the department.
func (f *auditFixtures) entry(t *testing.T) int64 {
	t.Helper()
	p, err := f.b.store.PostManualEntry(context.Background(), auth.System("test"), ledger.Entry{
		UnitID: f.b.dept, Date: time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC), Memo: "audit fixture", SourceType: "manual", SourceID: strconv.Itoa(f.next()),
		Lines: []ledger.Line{{Account: "611", Debit: money.FromInt64(1000)}, {Account: "112", Credit: money.FromInt64(1000)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// closedMonth closes the next unused month of 2026 (never May, where the fixtures post).
func (f *auditFixtures) closedMonth(t *testing.T, closeIt bool) time.Time {
	t.Helper()
	f.month++
	if f.month == 5 {
		f.month++
	}
	if f.month > 12 {
		t.Fatal("out of months to close")
	}
	m := time.Date(2026, time.Month(f.month), 1, 0, 0, 0, 0, time.UTC)
	if closeIt {
		if _, err := f.b.store.ClosePeriod(context.Background(), auth.System("test"), f.b.dept, m); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func (f *auditFixtures) commitment(t *testing.T, approve bool) budget.Commitment {
	t.Helper()
	ctx := context.Background()
	c, err := f.b.store.DraftCommitment(ctx, f.b.actor(t, loginOfficer), budget.NewCommitment{UnitID: f.b.dept, BudgetLineID: f.line.ID,
		ContractNo: fmt.Sprintf("HĐ-%d", f.next()), ContractDate: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Supplier: "Công ty Mẫu", Amount: money.FromInt64(500_000)})
	if err != nil {
		t.Fatal(err)
	}
	if approve {
		if c, err = f.b.store.ApproveCommitment(ctx, f.b.actor(t, loginChief), c.ID); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func (f *auditFixtures) decision(t *testing.T) int64 {
	t.Helper()
	d, err := f.b.store.DraftDecision(context.Background(), f.b.actor(t, loginOfficer), budget.NewDecision{UnitID: f.b.dept, FiscalYear: 2026,
		Kind: budget.DecisionIncrease, DecisionNo: fmt.Sprintf("QĐ-%d", f.next()), DecisionDate: time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC),
		Total: money.FromInt64(1_000_000), Lines: []budget.DecisionLine{{LineID: f.line.ID, Amount: money.FromInt64(1_000_000)}}})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// enrolled returns a user with a second factor, its secret and a signed-in session.
func (f *auditFixtures) enrolled(t *testing.T) (auth.User, string, *client) {
	t.Helper()
	u := f.user(t, auth.RoleFinanceOfficer)
	c := f.b.signedIn(t, u)
	secret, _ := enrol(t, f.b.testServer, c)
	return u, secret, c
}

// nextCode is the TOTP code of the step after the present one: within the accepted skew,
// and later than the step the enrolment used.
func (f *auditFixtures) nextCode(t *testing.T, secret string) string {
	t.Helper()
	code, err := auth.TOTPCode(secret, f.b.now().Add(auth.TOTPPeriod*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// api sends a JSON POST as the demo user with a fresh Idempotency-Key.
func (f *auditFixtures) api(t *testing.T, login, target, body string) *httptestRecorder {
	return f.b.api(t, login, http.MethodPost, target, fmt.Sprintf("audit-key-%06d", f.next()), body)
}

// upload posts a multipart form as the demo user.
func (f *auditFixtures) upload(t *testing.T, login, target string, fields []string, file, name string, content []byte) *httptestRecorder {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = w.WriteField(fields[i], fields[i+1])
	}
	if file != "" {
		fw, _ := w.CreateFormFile(file, name)
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	return f.b.asRaw(t, login, http.MethodPost, target, &buf, w.FormDataContentType())
}

// freeItem returns a tiểu mục of the code set in force on which the department has no
// 2026 line yet, and reserves it.
func (f *auditFixtures) freeItem(t *testing.T) string {
	t.Helper()
	db := sqlx.MustOpen("postgres", f.b.owner)
	defer db.Close()
	var items []string
	if err := db.Select(&items, `SELECT DISTINCT c.code FROM budget_codes c JOIN budget_code_sets s ON s.id = c.set_id
		WHERE c.kind = 'item' AND s.valid_from <= 2026 AND coalesce(s.valid_to, 9999) >= 2026
		AND NOT EXISTS (SELECT 1 FROM budget_lines l WHERE l.unit_id = $1 AND l.fiscal_year = 2026 AND l.item = c.code)
		ORDER BY 1`, f.b.dept); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if !f.items[it] {
			f.items[it] = true
			return it
		}
	}
	t.Fatal("no free tiểu mục left")
	return ""
}

func id64(id int64) string { return strconv.FormatInt(id, 10) }

// auditCases returns a case for every mutating route, keyed "METHOD path".
func auditCases(f *auditFixtures) map[string]auditCase {
	b := f.b
	dept := id64(b.dept)
	return map[string]auditCase{
		// Pages for everyone.
		"POST /lang": {changes: "users", prepare: func(t *testing.T) func() *httptestRecorder {
			c := b.signedIn(t, f.user(t, auth.RoleInspector))
			return func() *httptestRecorder { return c.post(t, "/lang", "lang", "en", "next", "/") }
		}},

		// Identity.
		"POST /login": {changes: "sessions", prepare: func(t *testing.T) func() *httptestRecorder {
			u := f.user(t, auth.RoleInspector)
			c := b.client()
			c.get(t, "/login")
			return func() *httptestRecorder {
				return refusedSignIn(t, c, c.post(t, "/login", "login", u.Login, "password", testPassword))
			}
		}},
		"POST /login/mfa": {changes: "users", prepare: func(t *testing.T) func() *httptestRecorder {
			u, secret, _ := f.enrolled(t)
			c := b.client()
			c.get(t, "/login")
			rec := c.post(t, "/login", "login", u.Login, "password", testPassword)
			loc := rec.Header().Get("Location")
			if !strings.HasPrefix(loc, "/login/mfa") {
				t.Fatalf("sign-in of an enrolled user went to %q", loc)
			}
			c.get(t, loc)
			return func() *httptestRecorder {
				return refusedSignIn(t, c, c.post(t, "/login/mfa", "code", f.nextCode(t, secret)))
			}
		}},
		"POST /logout": {changes: "sessions",
			failOpen: "signing out must never fail: the session ends even when its event cannot be recorded (the failure is logged)",
			prepare: func(t *testing.T) func() *httptestRecorder {
				c := b.signedIn(t, f.user(t, auth.RoleInspector))
				return func() *httptestRecorder { return c.post(t, "/logout") }
			}},
		"POST /account/mfa": {changes: "users", prepare: func(t *testing.T) func() *httptestRecorder {
			c := b.signedIn(t, f.user(t, auth.RoleFinanceOfficer))
			page := c.get(t, "/account/mfa").Body.String()
			secret := inputValue(t, page, "secret")
			return func() *httptestRecorder {
				code, err := auth.TOTPCode(secret, b.now())
				if err != nil {
					t.Fatal(err)
				}
				return c.post(t, "/account/mfa", "secret", secret, "issued", inputValue(t, page, "issued"), "mac", inputValue(t, page, "mac"), "code", code)
			}
		}},
		"POST /account/mfa/recovery": {changes: "mfa_recovery_codes", prepare: func(t *testing.T) func() *httptestRecorder {
			_, secret, c := f.enrolled(t)
			return func() *httptestRecorder { return c.post(t, "/account/mfa/recovery", "code", f.nextCode(t, secret)) }
		}},
		"POST /account/password": {changes: "users", prepare: func(t *testing.T) func() *httptestRecorder {
			c := b.signedIn(t, f.user(t, auth.RoleInspector))
			next := "một câu mật khẩu mới còn dài hơn nữa"
			return func() *httptestRecorder {
				return c.post(t, "/account/password", "current", testPassword, "password", next, "confirm", next)
			}
		}},
		"POST /account/tokens": {changes: "api_tokens", prepare: func(t *testing.T) func() *httptestRecorder {
			c := b.signedIn(t, f.user(t, auth.RoleInspector))
			return func() *httptestRecorder {
				return c.post(t, "/account/tokens", "name", "máy chủ báo cáo", "days", "30")
			}
		}},
		"POST /account/tokens/:id/revoke": {changes: "api_tokens", prepare: func(t *testing.T) func() *httptestRecorder {
			u := f.user(t, auth.RoleInspector)
			_, hash, prefix := auth.NewAPIToken()
			tok, err := b.store.CreateAPIToken(context.Background(), u.Actor("", ""), store.NewAPIToken{Name: "revoke me", Days: 30}, hash, prefix)
			if err != nil {
				t.Fatal(err)
			}
			c := b.signedIn(t, u)
			return func() *httptestRecorder { return c.post(t, "/account/tokens/"+id64(tok.ID)+"/revoke") }
		}},
		"POST /users": {changes: "users", prepare: func(t *testing.T) func() *httptestRecorder {
			login := fmt.Sprintf("audit-new-%d", f.next())
			return func() *httptestRecorder {
				return b.as(t, loginAdmin, http.MethodPost, "/users", "login", login, "full_name", "Người mới", "unit_id", dept, "lang", "vi")
			}
		}},
		"POST /users/:id": {changes: "users", prepare: func(t *testing.T) func() *httptestRecorder {
			u := f.user(t, auth.RoleInspector)
			return func() *httptestRecorder {
				return b.as(t, loginAdmin, http.MethodPost, "/users/"+id64(u.ID), "login", u.Login, "full_name", "Tên đã sửa", "unit_id", dept, "lang", "en")
			}
		}},
		"POST /users/:id/disable": {changes: "users", prepare: func(t *testing.T) func() *httptestRecorder {
			u := f.user(t, auth.RoleInspector)
			return func() *httptestRecorder { return b.as(t, loginAdmin, http.MethodPost, "/users/"+id64(u.ID)+"/disable") }
		}},
		"POST /users/:id/enable": {changes: "users", prepare: func(t *testing.T) func() *httptestRecorder {
			u := f.user(t, auth.RoleInspector)
			if err := b.store.SetUserDisabled(context.Background(), auth.System("test"), u.ID, true); err != nil {
				t.Fatal(err)
			}
			return func() *httptestRecorder { return b.as(t, loginAdmin, http.MethodPost, "/users/"+id64(u.ID)+"/enable") }
		}},
		"POST /users/:id/reset": {changes: "users", prepare: func(t *testing.T) func() *httptestRecorder {
			u := f.user(t, auth.RoleInspector)
			return func() *httptestRecorder { return b.as(t, loginAdmin, http.MethodPost, "/users/"+id64(u.ID)+"/reset") }
		}},
		"POST /users/:id/roles": {changes: "user_roles", prepare: func(t *testing.T) func() *httptestRecorder {
			u := f.user(t, auth.RoleInspector)
			return func() *httptestRecorder {
				return b.as(t, loginAdmin, http.MethodPost, "/users/"+id64(u.ID)+"/roles", "grant", string(auth.RoleInspector)+":"+dept, "grant", string(auth.RoleAssetManager)+":"+dept)
			}
		}},

		// Ledger.
		"POST /ledger/entries/:id/reverse": {changes: "journal_entries", prepare: func(t *testing.T) func() *httptestRecorder {
			id := f.entry(t)
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/ledger/entries/"+id64(id)+"/reverse", "date", "2026-05-20", "reason", "sai", "confirm", "on")
			}
		}},
		"POST /ledger/periods/acts/:id/decide": {changes: "periods", prepare: func(t *testing.T) func() *httptestRecorder {
			m := f.closedMonth(t, true)
			act, err := b.store.ProposeReopen(context.Background(), auth.System("test"), b.dept, m, "cần sửa")
			if err != nil {
				t.Fatal(err)
			}
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/ledger/periods/acts/"+id64(act.ID)+"/decide", "decision", "approve")
			}
		}},
		"POST /ledger/periods/close": {changes: "periods", prepare: func(t *testing.T) func() *httptestRecorder {
			m := f.closedMonth(t, false)
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/ledger/periods/close", "unit", dept, "period", m.Format("2006-01"), "confirm", "on")
			}
		}},
		"POST /ledger/periods/reopen": {changes: "period_acts", prepare: func(t *testing.T) func() *httptestRecorder {
			m := f.closedMonth(t, true)
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/ledger/periods/reopen", "unit", dept, "period", m.Format("2006-01"), "reason", "cần sửa")
			}
		}},
		"POST /api/v1/journal": {changes: "journal_entries", prepare: func(t *testing.T) func() *httptestRecorder {
			return func() *httptestRecorder {
				return f.api(t, loginChief, "/api/v1/journal", `{"unit_id": `+dept+`, "date": "2026-05-10", "memo": "Chi tiền điện",
					"lines": [{"account": "611", "debit": "1250000"}, {"account": "112", "credit": "1250000"}]}`)
			}
		}},
		"POST /api/v1/journal/:id/reverse": {changes: "journal_entries", prepare: func(t *testing.T) func() *httptestRecorder {
			id := f.entry(t)
			return func() *httptestRecorder {
				return f.api(t, loginChief, "/api/v1/journal/"+id64(id)+"/reverse", `{"date": "2026-05-20", "reason": "sai"}`)
			}
		}},

		// Audit trail.
		"POST /audit/verify": {changes: "audit_verifications",
			failOpen: "the verification runs in the background after the reply; its result cannot be recorded, so nothing is (the failure is logged and shown on the page)",
			prepare: func(t *testing.T) func() *httptestRecorder {
				return func() *httptestRecorder {
					rec := b.as(t, loginInspector, http.MethodPost, "/audit/verify")
					b.waitVerification(t)
					return rec
				}
			}},

		// Budget and expenditure.
		"POST /budget/codes/import": {changes: "budget_code_sets", prepare: func(t *testing.T) func() *httptestRecorder {
			n := f.next()
			fields := []string{"code", fmt.Sprintf("TT-AUDIT-%d", n), "name_vi", "Bộ mã thử", "name_en", "Test set", "legal_basis", "Thông tư thử", "valid_from", strconv.Itoa(2027 + n)}
			csv := "kind,code,parent,name_vi,name_en,verified,source\nsection,340,,QLNN,Administration,true,s\nsubsection,341,340,QLNN,Administration,true,s\n"
			rec := f.upload(t, loginAdmin, "/budget/codes/import", fields, "file", "codes.csv", []byte(csv))
			if rec.Code != http.StatusOK {
				t.Fatalf("codes import preview: %d", rec.Code)
			}
			content := strings.Split(strings.Split(rec.Body.String(), `name="content" value="`)[1], `"`)[0]
			return func() *httptestRecorder {
				return f.upload(t, loginAdmin, "/budget/codes/import", append(fields, "confirm", "1", "content", htmlUnescape(content)), "", "", nil)
			}
		}},
		"POST /budget/commitments": {changes: "commitments", prepare: func(t *testing.T) func() *httptestRecorder {
			return func() *httptestRecorder {
				return b.as(t, loginOfficer, http.MethodPost, "/budget/commitments", "budget_line_id", id64(f.line.ID), "contract_no", fmt.Sprintf("HĐ-P-%d", f.next()),
					"contract_date", "2026-03-02", "supplier", "Công ty Mẫu", "amount", "300000")
			}
		}},
		"POST /budget/commitments/:id/approve": {changes: "commitments", prepare: func(t *testing.T) func() *httptestRecorder {
			c := f.commitment(t, false)
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/budget/commitments/"+id64(c.ID)+"/approve")
			}
		}},
		"POST /budget/commitments/:id/reject": {changes: "commitments", prepare: func(t *testing.T) func() *httptestRecorder {
			c := f.commitment(t, false)
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/budget/commitments/"+id64(c.ID)+"/reject", "reason", "thiếu hồ sơ")
			}
		}},
		"POST /budget/commitments/:id/release": {changes: "commitments", prepare: func(t *testing.T) func() *httptestRecorder {
			c := f.commitment(t, true)
			return func() *httptestRecorder {
				return b.as(t, loginOfficer, http.MethodPost, "/budget/commitments/"+id64(c.ID)+"/release")
			}
		}},
		"POST /budget/decisions": {changes: "budget_decisions", prepare: func(t *testing.T) func() *httptestRecorder {
			return func() *httptestRecorder {
				return b.as(t, loginOfficer, http.MethodPost, "/budget/decisions", "kind", string(budget.DecisionIncrease), "unit_id", dept, "year", "2026",
					"decision_no", fmt.Sprintf("QĐ-P-%d", f.next()), "decision_date", "2026-05-02", "total", "200000", "line", id64(f.line.ID), "amount", "200000")
			}
		}},
		"POST /budget/decisions/:id/approve": {changes: "budget_decisions", prepare: func(t *testing.T) func() *httptestRecorder {
			id := f.decision(t)
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/budget/decisions/"+id64(id)+"/approve")
			}
		}},
		"POST /budget/decisions/:id/reject": {changes: "budget_decisions", prepare: func(t *testing.T) func() *httptestRecorder {
			id := f.decision(t)
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/budget/decisions/"+id64(id)+"/reject", "reason", "sai số")
			}
		}},
		"POST /budget/lines": {changes: "budget_lines", prepare: func(t *testing.T) func() *httptestRecorder {
			item := f.freeItem(t)
			return func() *httptestRecorder {
				return b.as(t, loginOfficer, http.MethodPost, "/budget/lines", "unit_id", dept, "year", "2026", "chapter", "014", "subsection", "341",
					"item", item, "source", "01", "level", "1", "funding_type", string(budget.NonAutonomous))
			}
		}},
		"POST /vouchers": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			return func() *httptestRecorder {
				return b.as(t, loginOfficer, http.MethodPost, "/vouchers", "unit_id", dept, "year", "2026", "doc_date", "2026-05-04", "payee", "Nhà sách Mẫu",
					"line", id64(f.line.ID), "amount", "150000", "line_description", "Sổ sách")
			}
		}},
		"POST /vouchers/:id": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, false, false)
			return func() *httptestRecorder {
				return b.as(t, loginOfficer, http.MethodPost, "/vouchers/"+id64(v.ID), "unit_id", dept, "year", "2026", "doc_date", "2026-05-05", "payee", "Nhà sách Mẫu đã sửa",
					"line", id64(f.line.ID), "amount", "160000", "line_description", "Sổ sách")
			}
		}},
		"POST /vouchers/:id/approve": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, true, false)
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/vouchers/"+id64(v.ID)+"/approve")
			}
		}},
		"POST /vouchers/:id/attachments": {changes: "voucher_attachments", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, false, false)
			return func() *httptestRecorder {
				return f.upload(t, loginOfficer, "/vouchers/"+id64(v.ID)+"/attachments", nil, "file", "hoa-don.pdf", []byte("%PDF-1.7\nscan"))
			}
		}},
		"POST /vouchers/:id/attachments/:aid/delete": {changes: "voucher_attachments", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, false, false)
			a, err := b.store.AddAttachment(context.Background(), b.actor(t, loginOfficer), v.ID, "hoa-don.pdf", []byte("%PDF-1.7\nscan"))
			if err != nil {
				t.Fatal(err)
			}
			return func() *httptestRecorder {
				return b.as(t, loginOfficer, http.MethodPost, "/vouchers/"+id64(v.ID)+"/attachments/"+id64(a.ID)+"/delete")
			}
		}},
		"POST /vouchers/:id/reject": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, true, false)
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/vouchers/"+id64(v.ID)+"/reject", "reason", "thiếu hóa đơn")
			}
		}},
		"POST /vouchers/:id/reopen": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, true, false)
			if _, err := b.store.RejectVoucher(context.Background(), b.actor(t, loginChief), v.ID, "thiếu hóa đơn"); err != nil {
				t.Fatal(err)
			}
			return func() *httptestRecorder {
				return b.as(t, loginOfficer, http.MethodPost, "/vouchers/"+id64(v.ID)+"/reopen")
			}
		}},
		"POST /vouchers/:id/reverse": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, true, true)
			return func() *httptestRecorder {
				return b.as(t, loginChief, http.MethodPost, "/vouchers/"+id64(v.ID)+"/reverse", "date", "2026-05-20", "reason", "Trùng chứng từ", "confirm", "on")
			}
		}},
		"POST /vouchers/:id/submit": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, false, false)
			return func() *httptestRecorder {
				return b.as(t, loginOfficer, http.MethodPost, "/vouchers/"+id64(v.ID)+"/submit")
			}
		}},

		// The budget API.
		"POST /api/v1/budget-lines": {changes: "budget_lines", prepare: func(t *testing.T) func() *httptestRecorder {
			item := f.freeItem(t)
			return func() *httptestRecorder {
				return f.api(t, loginOfficer, "/api/v1/budget-lines", `{"unit_id": `+dept+`, "fiscal_year": 2026, "funding_type": "`+string(budget.NonAutonomous)+`",
					"chapter": "014", "subsection": "341", "item": "`+item+`", "source": "01", "level": 1}`)
			}
		}},
		"POST /api/v1/vouchers": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			return func() *httptestRecorder {
				return f.api(t, loginOfficer, "/api/v1/vouchers", fmt.Sprintf(`{"unit_id": %d, "fiscal_year": 2026, "doc_date": "2026-05-04", "payee": "Nhà sách Mẫu",
					"lines": [{"budget_line_id": %d, "amount": "125000", "description": "Sổ sách"}]}`, b.dept, f.line.ID))
			}
		}},
		"POST /api/v1/vouchers/:id/approve": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, true, false)
			return func() *httptestRecorder { return f.api(t, loginChief, "/api/v1/vouchers/"+id64(v.ID)+"/approve", "") }
		}},
		"POST /api/v1/vouchers/:id/reject": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, true, false)
			return func() *httptestRecorder {
				return f.api(t, loginChief, "/api/v1/vouchers/"+id64(v.ID)+"/reject", `{"reason": "thiếu hóa đơn"}`)
			}
		}},
		"POST /api/v1/vouchers/:id/reverse": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, true, true)
			return func() *httptestRecorder {
				return f.api(t, loginChief, "/api/v1/vouchers/"+id64(v.ID)+"/reverse", `{"reason": "Sai số tiền", "date": "2026-05-20"}`)
			}
		}},
		"POST /api/v1/vouchers/:id/submit": {changes: "vouchers", prepare: func(t *testing.T) func() *httptestRecorder {
			v := f.voucher(t, false, false)
			return func() *httptestRecorder { return f.api(t, loginOfficer, "/api/v1/vouchers/"+id64(v.ID)+"/submit", "") }
		}},
	}
}

// refusedSignIn checks that a sign-in that failed (its event could not be recorded) left
// the client signed out, and returns its reply.
func refusedSignIn(t *testing.T, c *client, rec *httptestRecorder) *httptestRecorder {
	t.Helper()
	if rec.Code >= 500 {
		if home := c.do(t, http.MethodGet, "/", ""); home.Code != http.StatusSeeOther || !strings.HasPrefix(home.Header().Get("Location"), "/login") {
			t.Errorf("a sign-in whose event failed left a session: GET / → %d %s", home.Code, home.Header().Get("Location"))
		}
	}
	return rec
}

// htmlUnescape undoes the escaping of a form value carried in a page.
func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&#43;", "+").Replace(s)
}

// workingState are tables that are not records: sessions, idempotency replies, the
// sealer's bookkeeping, and the audit trail itself (counted separately).
var workingState = []string{"sessions", "audit_events", "audit_pending", "audit_seals"}

// tableSums returns count and checksum of every table but the working state.
func tableSums(t *testing.T, db *sqlx.DB) map[string]string {
	t.Helper()
	var tables []string
	if err := db.Select(&tables, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, table := range tables {
		if slices.Contains(workingState, table) || strings.HasPrefix(table, "schema_") {
			continue
		}
		var sum string
		q := `SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM ` + table + ` x`
		if err := db.Get(&sum, q); err != nil {
			t.Fatal(err)
		}
		out[table] = sum
	}
	return out
}

func changedTables(before, after map[string]string) []string {
	var out []string
	for table, sum := range after {
		if before[table] != sum {
			out = append(out, table)
		}
	}
	sort.Strings(out)
	return out
}

// auditEventsSince returns the actions ("entity:action") recorded after the event id.
func auditEventsSince(t *testing.T, db *sqlx.DB, after int64) []string {
	t.Helper()
	var out []string
	if err := db.Select(&out, `SELECT entity || ':' || action FROM audit_events WHERE id > $1 ORDER BY id`, after); err != nil {
		t.Fatal(err)
	}
	return out
}

func lastEventID(t *testing.T, db *sqlx.DB) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, `SELECT coalesce(max(id), 0) FROM audit_events`); err != nil {
		t.Fatal(err)
	}
	return id
}

// measure sends one request and returns the reply, the tables it changed and the audit
// events it recorded.
func measure(t *testing.T, db *sqlx.DB, send func() *httptestRecorder) (*httptestRecorder, []string, []string) {
	t.Helper()
	before, mark := tableSums(t, db), lastEventID(t, db)
	rec := send()
	return rec, changedTables(before, tableSums(t, db)), auditEventsSince(t, db, mark)
}

// The negative control: a handler that changes a record behind the store's back (no
// audit event) is seen as a change without an event, and under the injected failure as
// a change that went through; so the measurement can see what it looks for.
func TestAuditCompletenessSeesSilentChanges(t *testing.T) {
	b := mustBudgetServer(t)
	u := b.user(t, loginInspector)
	b.Echo().POST("/test-silent-change", func(c echoContext) error {
		_, err := b.store.DB().ExecContext(c.Request().Context(), `UPDATE users SET full_name = full_name || '.' WHERE id = $1`, u.ID)
		return err
	})
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()
	send := func() *httptestRecorder { return b.do(t, http.MethodPost, "/test-silent-change", nil) }
	_, changed, events := measure(t, db, send)
	if len(events) != 0 || !slices.Contains(changed, "users") {
		t.Fatalf("the silent change: events %v, changed %v; want no event and users changed", events, changed)
	}
	if _, err := db.Exec(`CREATE FUNCTION audit_injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'injected audit failure'; END $$;
		CREATE TRIGGER audit_injected_failure BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_injected_failure()`); err != nil {
		t.Fatal(err)
	}
	if _, changed, _ = measure(t, db, send); !slices.Contains(changed, "users") {
		t.Fatalf("the silent change under the injected failure: changed %v, want users", changed)
	}
	t.Logf("negative control: a change without an event seen with the audit working and with it failing")
}

// mutatingRoutes returns "METHOD path" of every route of the router that may change state.
func mutatingRoutes(s *testServer) []string {
	var out []string
	for _, r := range s.Echo().Routes() {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			out = append(out, r.Method+" "+r.Path)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func TestAuditCompleteness(t *testing.T) {
	b := mustBudgetServer(t)
	f := &auditFixtures{b: b, items: map[string]bool{}}
	f.line = b.fundedLine(t, b.dept, "6601", 10_000_000_000)
	for _, login := range []string{loginOfficer, loginChief} {
		b.token(t, login) // made now, so that its event is not counted with the first API call
	}
	cases := auditCases(f)
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()

	routes := mutatingRoutes(b.testServer)
	missing := 0
	for _, r := range routes {
		_, ok := cases[r]
		_, excused := auditExcused[r]
		if !ok && !excused {
			t.Errorf("mutating route %s has no case in audit_complete_test.go (or an excuse in auditExcused)", r)
			missing++
		}
	}
	for r := range cases {
		if !slices.Contains(routes, r) {
			t.Errorf("audit case for %s, which is not a mutating route", r)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// Every route once, with the audit trail working.
	exercised, wrongCounts, silent := 0, 0, 0
	perAction := map[int]int{}
	for _, r := range routes {
		c, ok := cases[r]
		if !ok {
			continue
		}
		send := c.prepare(t)
		rec, changed, events := measure(t, db, send)
		exercised++
		perAction[len(events)]++
		if rec.Code >= 400 {
			t.Errorf("%s: status %d\n%s", r, rec.Code, clipBody(rec.Body.String()))
			continue
		}
		want := c.events
		if want == 0 {
			want = 1
		}
		if len(events) != want {
			wrongCounts++
			t.Errorf("%s: %d audit events %v, want %d %s", r, len(events), events, want, c.why)
		}
		if c.changes != "sessions" && !slices.Contains(changed, c.changes) {
			t.Errorf("%s: %s did not change (changed: %v)", r, c.changes, changed)
		}
		if len(events) == 0 && len(changed) > 0 {
			silent++
			t.Errorf("%s changed %v without an audit event", r, changed)
		}
		t.Logf("%s: %d → %v; changed %v", r, rec.Code, events, changed)
	}
	mustNoBudgetViolations(t, b)

	// The audit insert fails: every route again on fresh records; nothing may change.
	sends := map[string]func() *httptestRecorder{}
	for _, r := range routes {
		if c, ok := cases[r]; ok {
			sends[r] = c.prepare(t)
		}
	}
	if _, err := db.Exec(`CREATE FUNCTION audit_injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'injected audit failure'; END $$`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TRIGGER audit_injected_failure BEFORE INSERT ON audit_events
		FOR EACH ROW EXECUTE FUNCTION audit_injected_failure()`); err != nil {
		t.Fatal(err)
	}
	failedCleanly, partial := 0, 0
	for _, r := range routes {
		send, ok := sends[r]
		if !ok {
			continue
		}
		c := cases[r]
		rec, changed, events := measure(t, db, send)
		if n := len(events); n != 0 {
			t.Errorf("%s: %d audit events recorded through a failing insert", r, n)
		}
		if len(changed) > 0 {
			partial++
			t.Errorf("%s with the audit insert failing changed %v", r, changed)
			continue
		}
		if c.failOpen != "" {
			failedCleanly++
			continue
		}
		if !errorWithRequestID(rec) {
			t.Errorf("%s with the audit insert failing: status %d, want a 5xx naming the request id\n%s", r, rec.Code, clipBody(rec.Body.String()))
			continue
		}
		failedCleanly++
	}
	if _, err := db.Exec(`DROP TRIGGER audit_injected_failure ON audit_events; DROP FUNCTION audit_injected_failure()`); err != nil {
		t.Fatal(err)
	}
	mustNoBudgetViolations(t, b)
	t.Logf("audit completeness: %d mutating routes, %d exercised, %d excused, %d missing; events per action %v (count → routes); wrong counts %d; changes without an event %d",
		len(routes), exercised, len(auditExcused), missing, perAction, wrongCounts, silent)
	t.Logf("injected audit failure: %d routes, %d refused cleanly (5xx with request id, or fail-open and nothing changed), %d partial changes",
		len(sends), failedCleanly, partial)
}

// errorWithRequestID says whether a response is a server error that names its request id
// (in the page, or in the JSON error of the API).
func errorWithRequestID(rec *httptestRecorder) bool {
	id := rec.Header().Get("X-Request-ID")
	if rec.Code < 500 || id == "" {
		return false
	}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		var e errorBody
		return json.Unmarshal(rec.Body.Bytes(), &e) == nil && e.Error.RequestID == id
	}
	return strings.Contains(rec.Body.String(), id)
}
