// Package stripemock runs stripe-mock (the Go tool of go.mod, v0.183.0,
// which speaks the API of stripe-go v76) on a loopback port for billing's
// tests, and records what Piazza sends it.
package stripemock

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/piazza-pa/piazza/tenant/billing"
)

// Key is the secret key the tests use (stripe-mock accepts any).
const Key = "sk_test_piazza"

// binary is the cached executable, under the repository's .ci/bin.
const binary = "stripe-mock-v0.183.0"

// Request is one request Piazza sent to Stripe.
type Request struct {
	Method, Path, Idempotency string
	Form                      url.Values
}

// Mock is a running stripe-mock and the requests sent to it.
type Mock struct {
	URL string
	mu  sync.Mutex
	log []Request
}

// Start builds stripe-mock once (from the module cache), starts it on a
// free port of 127.0.0.1, waits until the port answers and stops it when
// the test ends.
func Start(t testing.TB) *Mock {
	t.Helper()
	bin := build(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "-http-addr", addr)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stripe-mock did not listen on %s: %s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond) // polling the port, not a fixed wait
	}
	return &Mock{URL: "http://" + addr}
}

// build compiles stripe-mock into .ci/bin unless it is there already.
func build(t testing.TB) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, ".ci", "bin")
	bin := filepath.Join(dir, binary)
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := bin + ".tmp" + strconv.Itoa(os.Getpid())
	cmd := exec.Command("go", "build", "-o", tmp, "github.com/stripe/stripe-mock")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build stripe-mock: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, bin); err != nil { // atomic: packages test at once
		t.Fatal(err)
	}
	return bin
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("no go.mod above the test's directory")
		}
		dir = up
	}
}

// Provider is the Stripe provider pointed at the mock, recording requests.
func (m *Mock) Provider() *billing.Stripe {
	return billing.NewStripe(Key, m.URL, &http.Client{Timeout: 10 * time.Second, Transport: m})
}

// RoundTrip records r and sends it on.
func (m *Mock) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Idempotency: r.Header.Get("Idempotency-Key")}
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		rec.Form, _ = url.ParseQuery(string(b))
	}
	m.mu.Lock()
	m.log = append(m.log, rec)
	m.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// Requests are the requests sent so far with method to path ("" for any).
func (m *Mock) Requests(method, path string) []Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Request
	for _, r := range m.log {
		if (method == "" || r.Method == method) && (path == "" || r.Path == path) {
			out = append(out, r)
		}
	}
	return out
}
