package egress

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestRefusedAddresses(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1":        "a loopback address",
		"::1":              "a loopback address",
		"::ffff:127.0.0.1": "a loopback address",
		"10.1.2.3":         "a private address",
		"172.20.0.5":       "a private address",
		"192.168.1.1":      "a private address",
		"fd00::1":          "a private address",
		"169.254.169.254":  "a link-local address", // a cloud's metadata service
		"fe80::1":          "a link-local address",
		"0.0.0.0":          "unspecified",
		"100.64.1.1":       "a shared (carrier-grade NAT) address",
		"239.1.2.3":        "a multicast address",
		"64:ff9b::7f00:1":  "a translated IPv4 address",
		"8.8.8.8":          "",
		"2001:4860::8888":  "",
		"151.101.1.1":      "",
	} {
		if got := Refused(netip.MustParseAddr(addr), nil); got != want {
			t.Errorf("Refused(%s) = %q, want %q", addr, got, want)
		}
	}
	if got := Refused(netip.MustParseAddr("10.1.2.3"), []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}); got != "" {
		t.Errorf("an allowed range is refused: %q", got)
	}
}

func TestClientReachesOnlyWhatIsAllowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/away" {
			// 127.0.0.2 is loopback too, outside the allowed /32.
			http.Redirect(w, r, "http://127.0.0.2:"+strings.Split(r.Host, ":")[1]+"/", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte("inside"))
	}))
	defer srv.Close()

	// By default a loopback server, by address or by a name resolving to
	// it, is refused before any byte is sent.
	for _, u := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		resp, err := Client(Options{}).Get(u + "/")
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET %s reached a loopback server", u)
		}
		if !Unreachable(err) || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("GET %s: %v, want a refusal naming the loopback range", u, err)
		}
	}

	allowed := Client(Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	resp, err := allowed.Get(srv.URL + "/")
	if err != nil {
		t.Fatalf("GET an allowed range: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET an allowed range: %d", resp.StatusCode)
	}

	// A redirect is dialled under the same rule.
	resp, err = allowed.Get(srv.URL + "/away")
	if err == nil {
		resp.Body.Close()
		t.Fatal("a redirect led to an address outside the allowed range")
	}
	if !Unreachable(err) {
		t.Errorf("redirect: %v, want a refusal", err)
	}
}
