package web

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jmoiron/sqlx"

	"congquy/internal/browsertest"
	"congquy/internal/demo"
)

// As a new user would, in Chromium, signing in through /login as the demo users: a finance
// officer drafts a voucher over a warn norm, is told to justify it, writes the
// justification and submits; the chief accountant (another user) sees it and approves, and
// it posts to the ledger; budget-vs-actual shows the spending; an over-budget voucher is
// refused with a clear message; a posted voucher is reversed after confirmation.
// Screenshots go to $CONGQUY_SCREENSHOTS.
func TestBrowserBudgetScenario(t *testing.T) {
	b := mustBudgetServer(t)
	ts := httptest.NewServer(b.Handler())
	defer ts.Close()
	br := browsertest.New(t)
	passwords := map[string]string{}
	for _, l := range demo.Logins().Logins {
		passwords[l.Login] = l.Password
	}
	signedIn := false
	become := func(login string) { // sign out, then in through the sign-in form
		if signedIn {
			br.Do(t, chromedp.Click(chromedp.CSS(`.tools button.link[type="submit"]:not([lang])`)), chromedp.WaitVisible(chromedp.CSS("#login")))
		}
		browserSignIn(t, br, ts.URL, login, passwords[login])
		signedIn = true
	}
	lodging := b.lineOf(t, "CT-THADS", "6703")
	spentNow := func() int64 { // the department's spending on budget-vs-actual, in đồng
		br.Do(t, chromedp.Navigate(fmt.Sprintf("%s/budget/execution?unit=%d&year=2026", ts.URL, b.dept)), chromedp.WaitVisible(chromedp.CSS("#execution-chart")))
		n, err := strconv.ParseInt(strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, br.Text(t, "#sum-spent")), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// The officer signs in, and drafts a lodging lump sum above the norm (2 days × 450,000 ₫
	// in a class-1 city).
	become(loginOfficer)
	br.Screenshot(t, "budget-signed-in")
	before := spentNow()
	br.Do(t, chromedp.Navigate(fmt.Sprintf("%s/vouchers/new?unit=%d&year=2026", ts.URL, b.dept)), chromedp.WaitVisible(chromedp.CSS("#voucher-form")),
		chromedp.SetValue(chromedp.CSS("#v-payee"), "Nguyễn Văn Mẫu"), chromedp.SetValue(chromedp.CSS("#v-date"), "2026-10-12"),
		chromedp.SetValue(chromedp.CSS("#l0-line"), fmt.Sprint(lodging)), chromedp.SetValue(chromedp.CSS("#l0-amount"), "1.000.000"),
		chromedp.SetValue(chromedp.CSS("#l0-desc"), "Khoán phòng nghỉ, tập huấn tại TP Hồ Chí Minh"),
		chromedp.SetValue(chromedp.CSS("#l0-kind"), "lodging_lump_sum"), chromedp.SetValue(chromedp.CSS("#l0-days"), "2"),
		chromedp.SetValue(chromedp.CSS("#l0-persons"), "1"), chromedp.SetValue(chromedp.CSS("#l0-place"), "city_class1"))
	br.Screenshot(t, "budget-voucher-form")
	br.Do(t, chromedp.Click(chromedp.CSS("#voucher-form .actions-row button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#submit-voucher")))
	if got := br.Text(t, ".norm-results"); !strings.Contains(got, "900.000 ₫") {
		t.Fatalf("live norm check = %q", got)
	}
	br.Do(t, chromedp.Click(chromedp.CSS("#submit-voucher")), chromedp.WaitVisible(chromedp.CSS("#problem")))
	if got := br.Text(t, "#problem"); !strings.Contains(got, "giải trình") {
		t.Fatalf("submit without justification: %q", got)
	}
	br.Problems() // the refusal is a 422 page, as intended
	br.Screenshot(t, "budget-voucher-needs-justification")
	br.Do(t, chromedp.Click(chromedp.CSS(`a[href$="/edit"]`)), chromedp.WaitVisible(chromedp.CSS("#l0-just")),
		chromedp.SetValue(chromedp.CSS("#l0-just"), "Tập huấn bắt buộc; giá phòng tại nơi tổ chức cao hơn mức khoán."),
		chromedp.Click(chromedp.CSS("#voucher-form .actions-row button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#submit-voucher")),
		// The page before had a success alert too (the draft saved): wait for the new status.
		chromedp.Click(chromedp.CSS("#submit-voucher")), chromedp.WaitVisible(chromedp.CSS(".page-head .badge.submitted")))
	url, err := chromedp.Run(br.Ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	br.Screenshot(t, "budget-voucher-submitted")

	// Another user, the chief accountant, reads the justification and approves: it posts.
	become(loginChief)
	br.Do(t, chromedp.Navigate(ts.URL+"/?year=2026"), chromedp.WaitVisible(chromedp.CSS("#home-to-approve")))
	br.Screenshot(t, "home-dashboard")
	br.Do(t, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#approve-voucher")))
	if got := br.Text(t, ".justify"); !strings.Contains(got, "Tập huấn bắt buộc") {
		t.Fatalf("approver does not see the justification: %q", got)
	}
	br.Screenshot(t, "budget-voucher-to-approve")
	br.Do(t, chromedp.Click(chromedp.CSS("#approve-voucher")), chromedp.WaitVisible(chromedp.CSS(".page-head .badge.posted")))
	if got := br.Text(t, ".page-head .badge"); got != "Đã ghi sổ" {
		t.Fatalf("status after approval = %q", got)
	}
	br.Screenshot(t, "budget-voucher-posted")
	br.Do(t, chromedp.Click(chromedp.CSS("#voucher-entry a")), chromedp.WaitVisible(chromedp.CSS("table")))
	br.Screenshot(t, "budget-voucher-entry")

	// Budget-vs-actual shows the spending, with its chart.
	br.MustNoProblems(t, "voucher flow")
	if after := spentNow(); after-before != 1_000_000 {
		t.Fatalf("budget-vs-actual spent went from %d to %d, want +1,000,000", before, after)
	}
	br.WaitJS(t, `!!(window.Chart && Chart.getChart(document.getElementById("execution-chart")))`)
	br.Screenshot(t, "budget-execution")

	// An over-budget voucher is refused with the line, what is left and what was asked.
	db := sqlx.MustOpen("postgres", b.owner)
	defer db.Close()
	var over int64
	if err := db.Get(&over, `SELECT id FROM vouchers WHERE description LIKE 'Sửa chữa trụ sở%' AND unit_id = $1`, b.office); err != nil {
		t.Fatal(err)
	}
	br.Do(t, chromedp.Navigate(fmt.Sprintf("%s/vouchers/%d", ts.URL, over)), chromedp.WaitVisible(chromedp.CSS("#approve-voucher")),
		chromedp.Click(chromedp.CSS("#approve-voucher")), chromedp.WaitVisible(chromedp.CSS("#problem")))
	if got := br.Text(t, "#problem"); !strings.Contains(got, "Dòng dự toán 6907") || !strings.Contains(got, "yêu cầu") {
		t.Fatalf("over-budget refusal = %q", got)
	}
	br.Problems() // the refusal is a 422 page, as intended
	br.Screenshot(t, "budget-voucher-refused")

	// A posted voucher of an office, reversed with a reason after confirming.
	var dup int64
	if err := db.Get(&dup, `SELECT min(id) FROM vouchers WHERE status = 'posted' AND unit_id = $1`, b.office); err != nil {
		t.Fatal(err)
	}
	br.Do(t, chromedp.Navigate(fmt.Sprintf("%s/vouchers/%d", ts.URL, dup)), chromedp.WaitVisible(chromedp.CSS("#reverse-panel")),
		chromedp.Click(chromedp.CSS("#reverse-panel summary")), chromedp.WaitVisible(chromedp.CSS("#rv-reason")),
		chromedp.SendKeys(chromedp.CSS("#rv-reason"), "Thanh toán trùng, nhà cung cấp đã hoàn tiền"), chromedp.Click(chromedp.CSS("#rv-confirm")))
	br.Screenshot(t, "budget-voucher-reverse")
	br.Do(t, chromedp.Click(chromedp.CSS("#reverse-voucher")), chromedp.WaitVisible(chromedp.CSS(".page-head .badge.reversed")))
	if got := br.Text(t, ".page-head .badge"); got != "Đã đảo" {
		t.Fatalf("status after the reversal = %q", got)
	}
	br.Screenshot(t, "budget-voucher-reversed")
	br.MustNoProblems(t, "reversal")

	// The other pages, as their users see them, on a desktop and a phone.
	become(loginAdmin)
	br.Do(t, chromedp.Navigate(ts.URL+"/budget/codes?kind=item"), chromedp.WaitVisible(chromedp.CSS("table.data")))
	br.Screenshot(t, "budget-codes")
	br.Do(t, chromedp.Navigate(ts.URL+"/budget/norms"), chromedp.WaitVisible(chromedp.CSS("table.data")))
	br.Screenshot(t, "budget-norms")
	become(loginOfficer)
	for _, p := range []string{"/budget/lines?year=2026", "/budget/decisions?year=2026", "/budget/decisions/new?kind=allotment&year=2026", "/budget/commitments?year=2026", "/vouchers?year=2026"} {
		br.Do(t, chromedp.Navigate(ts.URL+p), chromedp.WaitVisible(chromedp.CSS("h1")))
		br.Screenshot(t, "budget"+strings.NewReplacer("/", "-", "?", "-", "&", "-", "=", "-").Replace(p))
	}
	br.Do(t, chromedp.Navigate(ts.URL+"/budget/execution?year=2026"), chromedp.Click(chromedp.CSS(".tools button")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
	br.Screenshot(t, "budget-execution-en")
	br.Do(t, browsertest.Mobile(), chromedp.Navigate(ts.URL+"/vouchers?year=2026"), chromedp.WaitVisible(chromedp.CSS("h1")))
	br.Screenshot(t, "budget-vouchers-phone")
	br.Do(t, browsertest.Mobile(), chromedp.Navigate(ts.URL+"/?year=2026"), chromedp.WaitVisible(chromedp.CSS("#home-spent")))
	br.Screenshot(t, "home-dashboard-phone")
	br.MustNoProblems(t, "budget pages")
}
