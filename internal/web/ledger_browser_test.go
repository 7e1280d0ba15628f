package web

import (
	"context"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"congquy/internal/auth"
	"congquy/internal/browsertest"
	"congquy/internal/ledger"
	"congquy/internal/money"
)

// The ledger and audit pages render in Chromium with no script error or CSP violation;
// "Verify now" runs and its result appears without reloading the page.
func TestBrowserLedgerPages(t *testing.T) {
	s, dept, office := mustLedgerServer(t)
	ctx := context.Background()
	sys := auth.System("test")
	lines := func(acct1, acct2 string, n int64) []ledger.Line {
		return []ledger.Line{{Account: acct1, Debit: money.FromInt64(n)}, {Account: acct2, Credit: money.FromInt64(n)}}
	}
	first, err := s.store.PostManualEntry(ctx, sys, ledger.Entry{UnitID: office.ID, Date: day(2026, 2, 2), Memo: "Nhận kinh phí hoạt động (mẫu)", Lines: lines("112", "3371", 500_000_000)})
	if err != nil {
		t.Fatal(err)
	}
	for i, memo := range []string{"Chi tiền điện tháng 3 (mẫu)", "Chi văn phòng phẩm (mẫu)", "Chi công tác phí (mẫu)"} {
		if _, err := s.store.PostManualEntry(ctx, sys, ledger.Entry{UnitID: office.ID, Date: day(2026, 3, 3+i), Memo: memo, Lines: lines("611", "112", int64(1_250_000*(i+1)))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.store.ClosePeriod(ctx, sys, office.ID, day(2026, 2, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.SealAll(ctx); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	b := browsertest.New(t)
	d, o := strconv.FormatInt(dept.ID, 10), strconv.FormatInt(office.ID, 10)
	shots := []struct{ path, wait, name string }{
		{"/ledger/journal?unit=" + d, "table.data", "ledger-journal"},
		{"/ledger/entries/" + strconv.FormatInt(first.ID, 10), "dl.facts", "ledger-entry"},
		{"/ledger/trial-balance?unit=" + d + "&period=2026-03", "table.data", "ledger-trial-balance"},
		{"/ledger/account-ledger?unit=" + d + "&period=2026-03&account=112", "table.data", "ledger-account-ledger"},
		{"/ledger/periods?unit=" + o + "&year=2026", "table.data", "ledger-periods"},
		{"/reference/accounts", "table.data", "reference-accounts"},
		{"/audit", "table.data", "audit-log"},
		{"/audit/history?entity=journal_entry&id=" + strconv.FormatInt(first.ID, 10), "section.event", "audit-history"},
	}
	for _, sh := range shots {
		b.Do(t, chromedp.Navigate(ts.URL+sh.path), chromedp.WaitVisible(chromedp.CSS(sh.wait)))
		b.Screenshot(t, sh.name)
	}
	b.Do(t, chromedp.Navigate(ts.URL+"/audit/verify"), chromedp.WaitVisible(chromedp.CSS("#verify-status button")),
		chromedp.Click(chromedp.CSS("#verify-status button")))
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if runs, err := s.store.Verifications(ctx, 1); err == nil && len(runs) == 1 {
			break
		}
	}
	b.Do(t, chromedp.Navigate(ts.URL+"/audit/verify"), chromedp.WaitVisible(chromedp.CSS(".badge.ok")))
	b.Screenshot(t, "audit-verify")
	b.Do(t, chromedp.Navigate(ts.URL+"/ledger/trial-balance?unit="+d+"&period=2026-03"))
	b.MustNoProblems(t, "ledger pages")
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
