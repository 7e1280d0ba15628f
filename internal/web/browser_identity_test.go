package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"congquy/internal/browsertest"
)

// browserSignIn signs in through the sign-in form.
func browserSignIn(t *testing.T, b *browsertest.Browser, base, login, password string) {
	t.Helper()
	b.Do(t, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#login"), login), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS(".tools .user")))
}
