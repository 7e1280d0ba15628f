package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"congquy/internal/auth"
	"congquy/internal/browsertest"
	"congquy/internal/org"
)

// The home and units pages render in Chromium in both languages, on a desktop and a
// phone, with no script error and no CSP violation.
func TestBrowserPagesInBothLanguages(t *testing.T) {
	s := mustServer(t)
	ctx := context.Background()
	dept, err := s.store.CreateUnit(ctx, auth.System("test"), org.NewUnit{Code: "CT-THADS", Kind: org.KindDepartment, NameVI: "Thi hành án dân sự thành phố Cần Thơ", NameEN: "Can Tho Civil Judgment Enforcement"})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"KV1", "KV2", "KV3"} {
		if _, err := s.store.CreateUnit(ctx, auth.System("test"), org.NewUnit{ParentID: &dept.ID, Code: code, Kind: org.KindOffice, NameVI: "Phòng THADS khu vực " + code, NameEN: "Office " + code}); err != nil {
			t.Fatal(err)
		}
	}
	s.mustUser(t, "thanhtra", dept, auth.RoleInspector)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	b := browsertest.New(t)

	browserSignIn(t, b, ts.URL, "thanhtra", testPassword)
	b.Do(t, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h := b.Text(t, "h1"); h != "Tổng quan" {
		t.Errorf("home h1 = %q", h)
	}
	b.Screenshot(t, "home-vi")
	b.Do(t, chromedp.Navigate(ts.URL+"/units"), chromedp.WaitVisible(chromedp.CSS("table.data")))
	b.Screenshot(t, "units-vi")

	// Search as a user types: htmx replaces the rows without reloading the page.
	b.Do(t, chromedp.SendKeys(chromedp.CSS("#unit-q"), "KV2"))
	b.WaitJS(t, `document.querySelectorAll("#unit-rows tbody tr").length === 1`)
	if rows := b.Text(t, "#unit-rows tbody"); !strings.Contains(rows, "KV2") {
		t.Errorf("search result = %q", rows)
	}

	// Switch to English with the header button.
	b.Do(t, chromedp.Navigate(ts.URL+"/units"), chromedp.Click(chromedp.CSS(".tools button")),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
	if h := b.Text(t, "h1"); h != "Units" {
		t.Errorf("units h1 in English = %q", h)
	}
	b.Screenshot(t, "units-en")
	b.Do(t, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	b.Screenshot(t, "home-en")
	b.Do(t, browsertest.Mobile(), chromedp.Navigate(ts.URL+"/units"), chromedp.WaitVisible(chromedp.CSS("table.data")))
	b.Screenshot(t, "units-en-phone")
	b.MustNoProblems(t, "pages")
}
