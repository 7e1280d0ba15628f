// Package browsertest drives Debian's headless Chromium against a congquy server for the
// tests that must see pages as a user does: scripts run, the CSP holds, nothing breaks.
// Tests skip (with a message) where Chromium is not installed; .ci/run installs it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium with a fresh profile, and what its pages logged.
type Browser struct {
	Ctx context.Context

	mu       sync.Mutex
	problems []string
}

// New starts Chromium for the test, or skips the test when Chromium is missing.
func New(t *testing.T) *Browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("browsertest: chromium is not installed (apt-get install chromium); skipping browser test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &Browser{Ctx: ctx}
	// Start the browser, then collect every error the pages write to the console
	// (script errors, CSP violations, failed loads) for MustNoProblems.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: start chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" || m.Type == "warning" {
				b.problem(m.String())
			}
		}
	}()
	return b
}

func (b *Browser) problem(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, s)
}

// Problems returns the script errors and console errors seen so far, and forgets them.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// Do runs chromedp actions, failing the test on error.
func (b *Browser) Do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, actions...); err != nil {
		t.Fatalf("browsertest: %v", err)
	}
}

// Text returns the visible text of the first element matching the CSS selector.
func (b *Browser) Text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("browsertest: text of %s: %v", sel, err)
	}
	return s
}

// Screenshot saves a full-page PNG named name into $CONGQUY_SCREENSHOTS, when that is set,
// so that a person can look at what the test saw.
func (b *Browser) Screenshot(t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv("CONGQUY_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil { // #nosec G301 G703 -- test screenshots in the directory the developer names in CONGQUY_SCREENSHOTS
		t.Fatal(err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil { // #nosec G306 G703 -- test screenshots, meant to be looked at
		t.Fatal(err)
	}
	t.Logf("screenshot %s", file)
}

// Mobile makes the viewport a phone's.
func Mobile() chromedp.Action[chromedp.Void] { return chromedp.EmulateViewport(390, 844) }

// Desktop makes the viewport a desktop's.
func Desktop() chromedp.Action[chromedp.Void] { return chromedp.EmulateViewport(1280, 900) }

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// MustNoProblems fails the test if pages logged errors (CSP violations show up here).
func (b *Browser) MustNoProblems(t *testing.T, where string) {
	t.Helper()
	for _, p := range b.Problems() {
		t.Errorf("%s: %s", where, p)
	}
}

// WaitJS waits until the JavaScript expression is true in the page.
func (b *Browser) WaitJS(t *testing.T, expr string) {
	t.Helper()
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](expr)); err != nil {
		t.Fatalf("browsertest: wait for %s: %v", expr, err)
	}
}
