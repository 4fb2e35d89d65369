package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/piazza-pa/piazza/platform/idp/fedtest"
)

// forgedMark is a trust mark naming iss as its issuer, signed with a key
// that is not iss's.
func forgedMark(t *testing.T, iss, sub string) string {
	key, _ := fedtest.Key(t, "tmi")
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType("trust-mark+jwt"))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign([]byte(`{"iss":"` + iss + `","sub":"` + sub + `","trust_mark_type":"https://ta.example.it/openid_relying_party/public"}`))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := jws.CompactSerialize()
	return s
}

// An admin sets the tenant's authority hints and contacts and adds and
// removes trust marks: bad values are refused with a message under their
// field and change nothing; a trust mark is issued to the tenant, valid and
// signed by its issuer; every change is in the audit log; another tenant's
// admin neither sees nor changes them.
func TestFederationSettings(t *testing.T) {
	w := newWorld(t)
	const alpha, beta = "http://alpha.piazza.test", "http://beta.piazza.test"
	const public = "https://ta.example.it/openid_relying_party/public"
	ctx := context.Background()
	adm := w.browser(t)
	adm.signIn(alpha, "admin@alpha.example")
	code, page := adm.get(alpha + "/admin/federation")
	if code != 200 || !strings.Contains(page, `id="entity-id">`+alpha+`<`) || !strings.Contains(page, "nessuno") {
		t.Fatalf("federation page: %d\n%s", code, page)
	}
	if _, page := adm.get(alpha + "/admin"); !strings.Contains(page, `href="/admin/federation"`) {
		t.Error("the overview does not lead to the federation settings")
	}

	// Settings: refused values, by field.
	for _, c := range []struct {
		hints, contacts, field, want string
	}{
		{"ta.example.it", "", "authority_hints", "“ta.example.it” non è un identificativo di entità"},
		{"https://ta.example.it/?x=1", "", "authority_hints", "non è un identificativo di entità"},
		{"https://ta.example.it", "spid at lazio", "contacts", "“spid at lazio” non è un indirizzo e-mail."},
		{strings.Repeat("https://a.example\nhttps://b.example\n", 1) + "https://c.example\nhttps://d.example\nhttps://e.example\nhttps://f.example\nhttps://g.example\nhttps://h.example\nhttps://i.example\nhttps://j.example\nhttps://k.example", "", "authority_hints", "Al massimo 10."},
	} {
		code, body := adm.post(alpha+"/admin/federation", alpha+"/admin/federation", url.Values{"authority_hints": {c.hints}, "contacts": {c.contacts}})
		if code != 422 || !strings.Contains(body, `id="`+c.field+`-error">`+c.want) && !strings.Contains(body, c.want) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("%q %q: %d, want 422 saying %q under %s", c.hints, c.contacts, code, c.want, c.field)
		}
	}
	if s, _ := w.fed.Settings(ctx, w.a.ID); len(s.AuthorityHints)+len(s.Contacts) != 0 {
		t.Fatalf("refused settings stored: %+v", s)
	}
	code, body := adm.post(alpha+"/admin/federation", alpha+"/admin/federation",
		url.Values{"authority_hints": {"https://ta.example.it/\nhttps://intermediate.example.it"}, "contacts": {"spid@alpha.example"}})
	if code != 200 || !strings.Contains(body, "Fatto.") {
		t.Fatalf("save: %d\n%s", code, body)
	}
	s, _ := w.fed.Settings(ctx, w.a.ID)
	if strings.Join(s.AuthorityHints, " ") != "https://ta.example.it https://intermediate.example.it" || strings.Join(s.Contacts, " ") != "spid@alpha.example" {
		t.Fatalf("stored: %+v", s)
	}

	// Trust marks.
	tmi := fedtest.New(t, "tmi")
	good := tmi.TrustMark(alpha, public, time.Now().Add(time.Hour))
	for name, c := range map[string]struct{ mark, want string }{
		"empty":            {"", "Incolla un trust mark."},
		"not a JWT":        {"abc.def", "Questo non è un trust mark"},
		"another subject":  {tmi.TrustMark(beta, public, time.Now().Add(time.Hour)), "Questo trust mark è rilasciato a un altro soggetto, non a " + alpha},
		"expired":          {tmi.TrustMark(alpha, public, time.Now().Add(-time.Minute)), "Questo trust mark è scaduto."},
		"forged signature": {forgedMark(t, tmi.ID(), alpha), "La firma del trust mark non è verificata dalle chiavi del suo emittente " + tmi.ID()},
	} {
		code, body := adm.post(alpha+"/admin/federation", alpha+"/admin/federation/trust-marks", url.Values{"trust_mark": {c.mark}})
		if code != 422 || !strings.Contains(body, `id="trust_mark-error">`+c.want) {
			t.Errorf("%s: %d, want 422 saying %q under the field\n%s", name, code, c.want, body)
		}
	}
	if s, _ := w.fed.Settings(ctx, w.a.ID); len(s.TrustMarks) != 0 {
		t.Fatalf("refused trust marks stored: %+v", s.TrustMarks)
	}
	code, body = adm.post(alpha+"/admin/federation", alpha+"/admin/federation/trust-marks", url.Values{"trust_mark": {good}})
	if code != 200 || !strings.Contains(body, "Trust mark "+public+" aggiunto: firma verificata con le chiavi del suo emittente "+tmi.ID()) {
		t.Fatalf("add a trust mark: %d\n%s", code, body)
	}
	// An issuer that cannot be reached: kept, and the admin is told.
	unreachable := forgedMark(t, "http://127.0.0.1:1", alpha)
	code, body = adm.post(alpha+"/admin/federation", alpha+"/admin/federation/trust-marks", url.Values{"trust_mark": {unreachable}})
	if code != 200 || !strings.Contains(body, "la firma non è stata verificata: il suo emittente http://127.0.0.1:1 non è raggiungibile") {
		t.Fatalf("add a trust mark of an unreachable issuer: %d\n%s", code, body)
	}
	if s, _ := w.fed.Settings(ctx, w.a.ID); len(s.TrustMarks) != 1 || s.TrustMarks[0].JWT != unreachable {
		t.Fatalf("a trust mark of the same type is not replaced: %+v", s.TrustMarks)
	}

	// Beta's admin sees none of it and cannot remove alpha's mark.
	betaAdmin := w.browser(t)
	betaAdmin.signIn(beta, "admin@beta.example")
	if code, page := betaAdmin.get(beta + "/admin/federation"); code != 200 || strings.Contains(page, "ta.example.it") || strings.Contains(page, "spid@alpha.example") || strings.Contains(page, alpha) {
		t.Errorf("beta's federation page: %d shows alpha's settings", code)
	}
	if code, _ := betaAdmin.post(beta+"/admin/federation", beta+"/admin/federation/trust-marks/remove", url.Values{"type": {public}}); code != 404 {
		t.Errorf("beta's admin removes alpha's trust mark: %d", code)
	}
	if code, _ := betaAdmin.post(beta+"/admin/federation", beta+"/admin/federation/trust-marks", url.Values{"trust_mark": {good}}); code != 422 {
		t.Errorf("beta's admin adds alpha's trust mark: %d", code)
	}
	// Alpha's admin has no power at beta.
	if code, _ := adm.post(beta+"/auth/login", beta+"/admin/federation", url.Values{"authority_hints": {"https://evil.example"}}); code != 403 {
		t.Errorf("alpha's admin posts at beta: %d", code)
	}
	if s, _ := w.fed.Settings(ctx, w.b.ID); len(s.AuthorityHints)+len(s.TrustMarks)+len(s.Contacts) != 0 {
		t.Fatalf("beta's settings changed: %+v", s)
	}
	if s, _ := w.fed.Settings(ctx, w.a.ID); len(s.TrustMarks) != 1 {
		t.Fatalf("alpha's trust mark removed from beta: %+v", s.TrustMarks)
	}

	// Removal, then the audit log.
	if code, _ := adm.post(alpha+"/admin/federation", alpha+"/admin/federation/trust-marks/remove", url.Values{"type": {"https://other.example/mark"}}); code != 404 {
		t.Errorf("remove a trust mark the tenant does not hold: %d", code)
	}
	if code, _ := adm.post(alpha+"/admin/federation", alpha+"/admin/federation/trust-marks/remove", url.Values{"type": {public}}); code != 200 {
		t.Fatalf("remove: %d", code)
	}
	if s, _ := w.fed.Settings(ctx, w.a.ID); len(s.TrustMarks) != 0 {
		t.Fatalf("not removed: %+v", s.TrustMarks)
	}
	_, log := adm.get(alpha + "/admin/audit")
	for _, want := range []string{"Superiori e contatti della federazione modificati", "Trust mark aggiunto", "Trust mark rimosso"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log does not say %q", want)
		}
	}
	if _, blog := betaAdmin.get(beta + "/admin/audit"); strings.Contains(blog, "Trust mark") {
		t.Error("alpha's federation changes in beta's audit log")
	}
	// Without CSRF token: refused.
	res, err := adm.Client.PostForm(alpha+"/admin/federation", url.Values{"authority_hints": {"https://evil.example"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Errorf("post without CSRF token: %d", res.StatusCode)
	}
}
