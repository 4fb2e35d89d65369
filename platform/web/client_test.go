package web

import (
	"io/fs"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// What a throttle, the audit trail and the log take as the visitor's address,
// for a request reaching Piazza from peer with the headers given. app.Test's
// peer is 0.0.0.0; the proxy cases trust it.
func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32"), netip.MustParsePrefix("10.0.0.0/8")}
	cases := []struct {
		name    string
		trusted []netip.Prefix
		headers map[string]string
		want    string
	}{
		{"no proxy configured: headers ignored", nil, map[string]string{"X-Forwarded-For": "203.0.113.9"}, "0.0.0.0"},
		{"untrusted peer: Forwarded ignored", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, map[string]string{"Forwarded": "for=203.0.113.9"}, "0.0.0.0"},
		{"trusted proxy: its visitor", proxies, map[string]string{"X-Forwarded-For": "203.0.113.9"}, "203.0.113.9"},
		{"a forged left part is not believed", proxies, map[string]string{"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}, "203.0.113.9"},
		{"two trusted hops", proxies, map[string]string{"X-Forwarded-For": "198.51.100.1, 203.0.113.9, 10.1.2.3"}, "203.0.113.9"},
		{"Forwarded with port and quotes", proxies, map[string]string{"Forwarded": `for="[2001:db8::7]:4711";proto=https, for=10.0.0.2`}, "2001:db8::7"},
		{"Forwarded wins over X-Forwarded-For", proxies, map[string]string{"Forwarded": "for=192.0.2.60", "X-Forwarded-For": "203.0.113.9"}, "192.0.2.60"},
		{"an unreadable hop stops at the last proxy", proxies, map[string]string{"X-Forwarded-For": "203.0.113.9, garbage, 10.1.2.3"}, "10.1.2.3"},
		{"all hops are proxies: the first", proxies, map[string]string{"X-Forwarded-For": "10.9.9.9, 10.1.2.3"}, "10.9.9.9"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := fiber.New()
			app.Use(clientAddr(tc.trusted))
			app.Get("/", func(c *fiber.Ctx) error { return c.SendString(ClientAddr(c)) })
			req := httptest.NewRequest("GET", "/", nil)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			res, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			b := make([]byte, 64)
			n, _ := res.Body.Read(b)
			if got := string(b[:n]); got != tc.want {
				t.Errorf("client = %q, want %q", got, tc.want)
			}
		})
	}
}

// Fiber's c.IP() is the TCP peer (the proxy, behind one): every address
// Piazza records comes from ClientAddr instead.
func TestNoPeerAddressRecorded(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	peer := regexp.MustCompile(`\bc\.(IP|IPs)\(\)`)
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == ".git" || d.Name() == ".piazza") {
			if err == nil {
				err = filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err == nil && peer.Match(b) {
			t.Errorf("%s records the TCP peer (c.IP()): use web.ClientAddr", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
