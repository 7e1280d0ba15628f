package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"congquy/internal/auth"
	"congquy/internal/browsertest"
)

// browserSignIn signs in through the sign-in form.
func browserSignIn(t *testing.T, b *browsertest.Browser, base, login, password string) {
	t.Helper()
	b.Do(t, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), login), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS(".tools .user")))
}

// Tried as a new user would (issue 3): an administrator creates the user, who signs in
// with the temporary password, chooses a passphrase, enrols TOTP (the code computed here
// with pquerna/otp), signs out, signs in with both factors, and meets a not-found page for
// another office's record.
func TestBrowserNewUserJourney(t *testing.T) {
	clock := newClock()
	s := mustServerWith(t, clock)
	dept := s.mustUnit(t, nil, "CT-THADS")
	kv1 := s.mustUnit(t, &dept, "CT-THADS-KV1")
	kv2 := s.mustUnit(t, &dept, "CT-THADS-KV2")
	kv1Admin := s.mustUser(t, "quantri.kv1", kv1, auth.RoleAdmin)
	other := s.mustUser(t, "ketoan.kv2", kv2, auth.RoleFinanceOfficer)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	b := browsertest.New(t)

	// The office administrator creates the new user.
	browserSignIn(t, b, ts.URL, "quantri.kv1", testPassword)
	b.Do(t, chromedp.Navigate(ts.URL+"/users/new"), chromedp.WaitVisible(chromedp.CSS("#u-login")),
		chromedp.SendKeys(chromedp.CSS("#u-login"), "nguyen.moi"), chromedp.SendKeys(chromedp.CSS("#u-name"), "Nguyễn Văn Mới"),
		chromedp.SetValue(chromedp.CSS("#u-unit"), itoa64(kv1.ID)), chromedp.Click(chromedp.CSS(`input[name="roles"][value="admin"]`)))
	b.Screenshot(t, "identity-user-new")
	b.Do(t, chromedp.Submit(chromedp.CSS("#u-name")), chromedp.WaitVisible(chromedp.CSS("#temp-password")))
	b.Screenshot(t, "identity-user-created")
	temp := b.Text(t, "#temp-password")
	b.Do(t, chromedp.Click(chromedp.CSS(`.tools button.link[type="submit"]:not([lang])`)), chromedp.WaitVisible(chromedp.CSS("#login")))

	// The new user: temporary password, then a passphrase of its own.
	b.Do(t, chromedp.SendKeys(chromedp.CSS("#login"), "nguyen.moi"), chromedp.SendKeys(chromedp.CSS("#password"), temp),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS("#current")))
	b.Screenshot(t, "identity-must-change-password")
	passphrase := "bến Ninh Kiều một chiều mưa bay"
	b.Do(t, chromedp.SendKeys(chromedp.CSS("#current"), temp), chromedp.SendKeys(chromedp.CSS("#password"), passphrase),
		chromedp.SendKeys(chromedp.CSS("#confirm"), passphrase), chromedp.Submit(chromedp.CSS("#confirm")),
		chromedp.WaitVisible(chromedp.CSS(".facts")))
	b.Screenshot(t, "identity-account")

	// Enrol TOTP: read the key shown beside the QR code, compute the code.
	b.Do(t, chromedp.Navigate(ts.URL+"/account/mfa"), chromedp.WaitVisible(chromedp.CSS(".qr img")))
	b.Screenshot(t, "identity-mfa-enrol")
	secret := b.Text(t, "#totp-secret")
	code, err := totp.GenerateCode(secret, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.Do(t, chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Submit(chromedp.CSS("#code")),
		chromedp.WaitVisible(chromedp.CSS("#recovery-codes")))
	b.Screenshot(t, "identity-recovery-codes")

	// Sign out, then in again with both factors (the next time step's code).
	b.Do(t, chromedp.Click(chromedp.CSS(`.tools button.link[type="submit"]:not([lang])`)), chromedp.WaitVisible(chromedp.CSS("#login")))
	clock.Advance(30 * time.Second)
	code, _ = totp.GenerateCode(secret, clock.Now())
	b.Do(t, chromedp.SendKeys(chromedp.CSS("#login"), "nguyen.moi"), chromedp.SendKeys(chromedp.CSS("#password"), passphrase),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS("#code")))
	b.Screenshot(t, "identity-login-mfa")
	b.Do(t, chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Submit(chromedp.CSS("#code")),
		chromedp.WaitVisible(chromedp.CSS(".tools .user")))
	if u := b.Text(t, ".tools .user"); u != "nguyen.moi" {
		t.Fatalf("signed in as %q", u)
	}

	// Another office's user is not found; its own office's list works.
	b.Do(t, chromedp.Navigate(ts.URL+"/users"), chromedp.WaitVisible(chromedp.CSS("table.data")))
	b.Screenshot(t, "identity-users-list")
	if rows := b.Text(t, "#user-rows tbody"); strings.Contains(rows, "ketoan.kv2") || !strings.Contains(rows, "quantri.kv1") {
		t.Errorf("users list shows %q", rows)
	}
	b.Do(t, chromedp.Navigate(ts.URL+"/users/"+itoa64(kv1Admin.ID)), chromedp.WaitVisible(chromedp.CSS("table.roles")))
	b.Screenshot(t, "identity-user-detail")
	b.Do(t, browsertest.Mobile(), chromedp.Navigate(ts.URL+"/account/tokens"), chromedp.WaitVisible(chromedp.CSS("#tok-name")))
	b.Screenshot(t, "identity-tokens-phone")
	b.Do(t, browsertest.Desktop())
	b.MustNoProblems(t, "identity journey")
	b.Do(t, chromedp.Navigate(ts.URL+"/users/"+itoa64(other.ID)), chromedp.WaitVisible(chromedp.CSS(".error-page")))
	b.Screenshot(t, "identity-other-office-404")
	if h := b.Text(t, ".error-page h1"); h != "Không tìm thấy" {
		t.Errorf("another office's user: %q", h)
	}
	for _, p := range b.Problems() { // the page itself is a 404: nothing else may fail
		if !strings.Contains(p, "404") {
			t.Errorf("not-found page: %s", p)
		}
	}
}
