package idp

import (
	"net/url"
	"testing"
)

// TestEndSessionURL: the browser is sent to the provider's logout endpoint
// with the hint, the way back and the client, whether or not the endpoint
// already has a query of its own (kept as it was).
func TestEndSessionURL(t *testing.T) {
	for _, endpoint := range []string{
		"https://idp.example/logout",
		"https://idp.example/protocol/logout?realm=comune&lang=it",
		"https://idp.example/logout?",
	} {
		got := endSessionURL(endpoint, "eyJ.a+b/c", "https://alpha.example/?x=1&y=2", "client 1")
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("%s: %q is no URL: %v", endpoint, got, err)
		}
		q := u.Query()
		want, _ := url.Parse(endpoint)
		for k, v := range want.Query() {
			if q.Get(k) != v[0] {
				t.Errorf("%s: the endpoint's own %s is %q in %s", endpoint, k, q.Get(k), got)
			}
		}
		if u.Host != "idp.example" || u.Path != want.Path || q.Get("id_token_hint") != "eyJ.a+b/c" ||
			q.Get("post_logout_redirect_uri") != "https://alpha.example/?x=1&y=2" || q.Get("client_id") != "client 1" {
			t.Errorf("%s: logout URL %s", endpoint, got)
		}
	}
	if got := endSessionURL("http://[::1", "t", "b", "c"); got != "" {
		t.Errorf("a broken endpoint gave %q", got)
	}
}
