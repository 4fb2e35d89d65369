package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/tenant"
)

// Every answer (a page, an error page, a static file) forbids framing and
// sniffing and carries the content policy; HSTS only where configured.
func TestSecurityHeaders(t *testing.T) {
	f := setup(t)
	if _, err := f.reg.Create(context.Background(), tenant.CreateParams{Slug: "alpha", Name: "Comune di Alpha"}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/does-not-exist", "/static/vendor/htmx/htmx.min.js"} {
		for _, host := range []string{"alpha.piazza.test", "admin.piazza.test", "nowhere.piazza.test"} {
			_, h, _ := f.get(t, host, path)
			csp := h.Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "object-src 'none'") {
				t.Errorf("%s%s: Content-Security-Policy %q", host, path, csp)
			}
			for k, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
				if got := h.Get(k); got != want {
					t.Errorf("%s%s: %s = %q, want %q", host, path, k, got, want)
				}
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Errorf("%s%s: HSTS sent by a server configured for http", host, path)
			}
		}
	}
}

// A request naming two hosts is refused: a proxy may route by the first
// and Piazza answer as the last. So is a Host that is not a host name.
func TestTwoHostHeadersRefused(t *testing.T) {
	f := setup(t)
	if _, err := f.reg.Create(context.Background(), tenant.CreateParams{Slug: "alpha", Name: "Comune di Alpha"}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	for _, tc := range []struct {
		hosts []string
		want  int
	}{
		{[]string{"alpha.piazza.test"}, 200},
		{[]string{"admin.piazza.test", "alpha.piazza.test"}, 400},
		{[]string{"alpha.piazza.test", "ALPHA.piazza.test"}, 400},
		{[]string{"alpha.piazza.test\x00.evil"}, 400},
		{[]string{strings.Repeat("x", 300) + ".piazza.test"}, 400},
		{[]string{"nowhere.piazza.test"}, 404},
	} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		var req strings.Builder
		req.WriteString("GET / HTTP/1.1\r\n")
		for _, h := range tc.hosts {
			fmt.Fprintf(&req, "Host: %s\r\n", h)
		}
		req.WriteString("Connection: close\r\n\r\n")
		if _, err := conn.Write([]byte(req.String())); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		conn.Close()
		if res.StatusCode != tc.want {
			t.Errorf("Host %v: %d, want %d", tc.hosts, res.StatusCode, tc.want)
		}
		// The refusal is the translated page (Italian by default), and it
		// never echoes the request: the parser's message quotes its headers.
		if tc.want == 400 && (!strings.Contains(string(body), "Richiesta non valida") || strings.Contains(string(body), "Host:")) {
			t.Errorf("Host %v: the refusal is not the translated page, or echoes the request:\n%s", tc.hosts, body)
		}
	}
}
