package webtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium starts headless Chromium (Debian's, installed by .ci/setup) for
// the test and returns its context. Extra options go to the browser, e.g.
// HostRules to send a test's host names to its server.
func Chromium(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := ""
	for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if found, err := exec.LookPath(p); err == nil {
			path = found
			break
		}
	}
	if path == "" {
		t.Fatal("no Chromium: run .ci/setup (Debian: apt-get install chromium)")
	}
	dir, err := os.MkdirTemp("", "piazza-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.WindowSize(1200, 700), chromedp.UserDataDir(dir))
	opts = append(opts, extra...)
	// A safety net against a browser that hangs, not a deadline for the
	// test: a slow machine may take long (go test's own -timeout ends it).
	limit, cancelL := context.WithTimeout(context.Background(), 15*time.Minute)
	actx, cancelA := chromedp.NewExecAllocator(limit, opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelB()
		cancelA()
		cancelL()
		for range 50 { // Chromium's helpers may still write there for a moment
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return ctx
}

// HostRules sends every host under domain to addr (host:port), keeping the
// host name in the requests.
func HostRules(domain, addr string) chromedp.ExecAllocatorOption {
	return chromedp.Flag("host-resolver-rules", "MAP *."+domain+" "+addr)
}

// Artefact keeps a screenshot (or any file) under testdata/artefacts of the
// test's package, for people to look at.
func Artefact(t testing.TB, name string, data []byte) {
	t.Helper()
	dir := filepath.Join("testdata", "artefacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}
