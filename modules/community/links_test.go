package community_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
)

// Every link Piazza writes names the tenant's registered host, whatever
// X-Forwarded-Host (or X-Forwarded-Proto) the request carried: an attacker
// who sets it must not get an invitation or reset token sent to their site.
func TestLinksIgnoreForwardedHeaders(t *testing.T) {
	w := moduletest.New(t)
	anna := w.Browser(t, alpha, "anna")
	admin := w.Browser(t, alpha, "admin")
	guest := w.Browser(t, alpha, "")
	for _, b := range []*moduletest.Browser{anna, admin, guest} {
		b.Header.Set("X-Forwarded-Host", "evil.example")
		b.Header.Set("X-Forwarded-Proto", "https")
		b.Header.Set("Forwarded", "host=evil.example;proto=https")
	}
	closed := create(t, anna, "Comunità chiusa", "closed")

	steps := []struct {
		name, to string
		send     func() int
	}{
		{"community invitation", "nuova@esterno.example", func() int {
			code, _ := anna.Send(alpha+"/communities", alpha+"/communities/"+closed+"/invite", url.Values{"email": {"nuova@esterno.example"}})
			return code
		}},
		{"password reset", "bruno@alpha.example", func() int {
			code, _ := guest.Send(alpha+"/auth/reset", alpha+"/auth/reset", url.Values{"email": {"bruno@alpha.example"}})
			return code
		}},
		{"registration", "registrata@esterno.example", func() int {
			code, _ := guest.Send(alpha+"/auth/register", alpha+"/auth/register", url.Values{"email": {"registrata@esterno.example"},
				"name": {"Registrata"}, "password": {moduletest.Password}, "privacy": {"on"}})
			return code
		}},
	}
	for _, s := range steps {
		if code := s.send(); code >= 400 {
			t.Errorf("%s: %d", s.name, code)
			continue
		}
		msg := w.SMTP.Wait(t, s.to)
		if strings.Contains(msg.Text, "evil.example") || !strings.Contains(msg.Text, "http://alpha.piazza.test/") {
			t.Errorf("%s: the mail's link does not name the tenant's own host:\n%s", s.name, msg.Text)
		}
	}
	// The redirect URI an admin registers at an identity provider.
	if _, page := admin.Get(alpha + "/admin/idps/new"); strings.Contains(page, "evil.example") || !strings.Contains(page, "http://alpha.piazza.test/auth/oidc/") {
		t.Errorf("the IdP redirect URI does not name the tenant's own host")
	}
}
