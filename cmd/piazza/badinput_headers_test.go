package main

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// probeHeaders: what a browser sends besides the address and the form.
// Its name, kept with the session, may be cut in the middle of a character
// or not be UTF-8 at all (HTTP allows it): the sign-in still works. A NUL
// byte in a header, or a cookie that is not UTF-8 text, is refused (400)
// before anything is read or written.
func (s *site) probeHeaders(t *testing.T) {
	for _, ua := range []string{strings.Repeat("a", 299) + "è", "Navigatore \xe9t\xe9"} {
		g := newVisitor(t, s.addr, demoSite)
		_, page := g.Get(demoSite + "/auth/login")
		form := url.Values{"_csrf": {webtest.CSRF(page)}, "email": {demoAdmin}, "password": {s.password}}
		req, _ := http.NewRequest(http.MethodPost, demoSite+"/auth/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", ua)
		if code, body := g.do(req); code != http.StatusSeeOther {
			t.Errorf("sign-in from a browser named %q: %d %s", ua, code, excerpt(body))
		}
	}
	g := s.guest(demoSite)
	u, _ := url.Parse(demoSite)
	var cookies []string
	for _, c := range g.Client.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	form := url.Values{"_csrf": {g.token}, "email": {demoAdmin}, "password": {s.password}}.Encode()
	post := "POST /auth/login HTTP/1.1\r\nHost: demo.piazza.test\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
		"Content-Length: " + strconv.Itoa(len(form)) + "\r\nCookie: " + strings.Join(cookies, "; ") + "\r\n"
	cases := map[string]string{
		"NUL in the browser's name": post + "User-Agent: a\x00b\r\n\r\n" + form,
		"NUL in a header":           post + "X-Note: a\x00b\r\n\r\n" + form,
		"NUL in a cookie":           "GET /news/ HTTP/1.1\r\nHost: demo.piazza.test\r\nCookie: piazza_lang=i\x00t\r\n\r\n",
		"not UTF-8 in a cookie":     "GET /news/ HTTP/1.1\r\nHost: demo.piazza.test\r\nCookie: piazza_lang=\xff\xfe\r\n\r\n",
	}
	for what, raw := range cases {
		before := s.snapshot()
		if status := s.raw(t, raw); !strings.Contains(status, " 400 ") {
			t.Errorf("%s: %s", what, status)
		}
		if ch := changed(before, s.snapshot()); len(ch) > 0 {
			t.Errorf("%s: wrote %v", what, ch)
		}
	}
}

// raw sends one request as bytes and returns the status line.
func (s *site) raw(t *testing.T, req string) string {
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(strings.Replace(req, "\r\n", "\r\nConnection: close\r\n", 1))); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(line)
}

// TestSnapshotSeesWrites: the snapshots that TestBadInput compares see a
// row inserted, changed or deleted in any tenant's table or the control
// schema's, and not a row updated to the values it had.
func TestSnapshotSeesWrites(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	var tags string
	if err := s.pg.QueryRow(ctx, `SELECT format('%I.tags', nspname) FROM pg_namespace WHERE nspname LIKE 't\_%' ORDER BY 1 LIMIT 1`).Scan(&tags); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ sql, want string }{
		{"INSERT INTO " + tags + " (name) VALUES ('scritto')", tags},
		{"UPDATE " + tags + " SET name = name", ""},
		{"UPDATE " + tags + " SET name = 'riscritto' WHERE name = 'scritto'", tags},
		{"DELETE FROM " + tags + " WHERE name = 'riscritto'", tags},
		{"UPDATE piazza.tenants SET name = name || '!' WHERE slug = 'demo'", "piazza.tenants"},
	} {
		before := s.snapshot()
		if _, err := s.pg.Exec(ctx, step.sql); err != nil {
			t.Fatalf("%s: %v", step.sql, err)
		}
		ch := changed(before, s.snapshot())
		if step.want == "" && len(ch) > 0 || step.want != "" && (len(ch) != 1 || ch[0] != step.want) {
			t.Errorf("%s: the snapshots see %v written", step.sql, ch)
		}
	}
}
