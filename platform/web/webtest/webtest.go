// Package webtest drives a running Piazza server from tests like a browser
// without JavaScript: cookies kept, every host sent to the test server,
// redirects not followed, forms posted with the CSRF token of their page.
package webtest

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Browser is one visitor.
type Browser struct {
	t      testing.TB
	Client *http.Client
	// Header is sent with every request (as a proxy or an attacker would
	// add it).
	Header http.Header
}

// headers adds a browser's extra headers to each request.
type headers struct {
	b    *Browser
	next http.RoundTripper
}

func (h headers) RoundTrip(req *http.Request) (*http.Response, error) {
	if len(h.b.Header) > 0 {
		req = req.Clone(req.Context())
		for k, v := range h.b.Header {
			req.Header[k] = v
		}
	}
	return h.next.RoundTrip(req)
}

// NewBrowser returns a visitor whose requests, to any host, reach addr.
func NewBrowser(t testing.TB, addr string) *Browser {
	jar, _ := cookiejar.New(nil)
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	b := &Browser{t: t, Header: http.Header{}}
	b.Client = &http.Client{Jar: jar, Transport: headers{b: b, next: &http.Transport{DialContext: dial}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return b
}

// Get fetches u and returns the status and the body.
func (b *Browser) Get(u string) (int, string) {
	b.t.Helper()
	res, err := b.Client.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRF is the first CSRF token in a page.
func CSRF(page string) string {
	if m := csrfRE.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

// HX submits form to u as htmx does (HX-Request), with the CSRF token of
// page (fetched first).
func (b *Browser) HX(page, u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	_, body := b.Get(page)
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", CSRF(body))
	}
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	res, err := b.Client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, string(out)
}

// Post submits form to u with the CSRF token of page (fetched first).
func (b *Browser) Post(page, u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	_, body := b.Get(page)
	if form.Get("_csrf") == "" {
		form.Set("_csrf", CSRF(body))
	}
	res, err := b.Client.PostForm(u, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, string(out)
}
