package brand_test

import (
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// TestIntro: the tenant admin writes the guest home's introduction in each
// of the site's languages; it is a draft until published; a text too long
// or with control characters is refused with a message, keeping what was
// typed; a form without CSRF token changes nothing.
func TestIntro(t *testing.T) {
	w := moduletest.New(t)
	alpha := moduletest.Alpha
	admin := w.Browser(t, alpha, "admin")
	send := func(form url.Values) (int, string) {
		t.Helper()
		return admin.Send(alpha+"/admin/branding", alpha+"/admin/branding", form)
	}
	guestHome := func(lang string) string {
		t.Helper()
		g := w.Browser(t, alpha, "")
		g.Get(alpha + "/lang?l=" + lang + "&return_to=/")
		_, page := g.Get(alpha + "/")
		return page
	}

	_, page := admin.Get(alpha + "/admin/branding")
	for _, want := range []string{`<label for="intro_it" class="active">Italiano</label>`, `id="intro_it" name="intro_it" lang="it"`,
		`<label for="intro_en" class="active">English</label>`, "al massimo 1200 caratteri"} {
		if !strings.Contains(page, want) {
			t.Errorf("the branding form lacks %q", want)
		}
	}

	long := strings.Repeat("Parole di benvenuto! ", 60) + "Fine." // 1,265 characters
	code, page := send(url.Values{"intro_it": {long}, "intro_en": {"Short enough."}})
	if code != 422 || !strings.Contains(page, "La presentazione ha 1265 caratteri: ne può avere al massimo 1200.") ||
		!strings.Contains(page, long+"</textarea>") || !strings.Contains(page, "Short enough.</textarea>") ||
		!strings.Contains(page, `href="#intro_it"`) {
		t.Fatalf("a too long introduction: %d, the message, the text kept and the link to the field expected", code)
	}
	if code, _ := send(url.Values{"intro_it": {"Riga\x07 con un campanello"}}); code != 422 {
		t.Errorf("a control character accepted: %d", code)
	}

	// Without the CSRF token nothing is saved.
	res, err := admin.Client.PostForm(alpha+"/admin/branding", url.Values{"intro_it": {"Senza gettone"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Errorf("a post without CSRF token: %d", res.StatusCode)
	}

	it, en := "Il portale di Alpha per chi innova.\n\nImprese, università e uffici pubblici, insieme.", "Alpha's portal for innovators."
	if code, page := send(url.Values{"intro_it": {it}, "intro_en": {en}}); code != 200 || !strings.Contains(page, "Bozza salvata.") {
		t.Fatalf("save: %d", code)
	}
	if strings.Contains(guestHome("it"), "Il portale di Alpha") {
		t.Fatal("a guest sees the draft's introduction")
	}
	if _, page := admin.Get(alpha + "/?preview=1"); !strings.Contains(page, "Il portale di Alpha per chi innova.") {
		t.Error("the admin's preview does not show the draft's introduction")
	}
	if _, page := w.Browser(t, alpha, "anna").Get(alpha + "/?preview=1"); strings.Contains(page, "Il portale di Alpha") {
		t.Error("a member asking for the preview sees the draft")
	}
	// Another part of the form, sent alone, keeps the introduction.
	if code, _ := send(url.Values{"primary": {"#1b5e20"}}); code != 200 {
		t.Fatalf("save the colour: %d", code)
	}
	if code, _ := admin.Send(alpha+"/admin/branding", alpha+"/admin/branding/publish", nil); code != 200 {
		t.Fatalf("publish: %d", code)
	}
	if page := guestHome("it"); !strings.Contains(page, "Il portale di Alpha per chi innova.") || !strings.Contains(page, "Imprese, università e uffici pubblici, insieme.") {
		t.Error("the published introduction is not on the Italian guest home")
	}
	if page := guestHome("en"); !strings.Contains(page, html.EscapeString(en)) || strings.Contains(page, "Il portale di Alpha") {
		t.Error("the English guest home does not show the English introduction")
	}
}

// TestBrandingRouteIsolation: the branding page and its actions answer only
// the site's own admins: not another tenant's admin (signed in there), not
// a member, not a guest; and nothing they send changes the look.
func TestBrandingRouteIsolation(t *testing.T) {
	w := moduletest.New(t)
	alpha, beta := moduletest.Alpha, moduletest.Beta
	betaAdmin := w.Browser(t, beta, "admin")
	if code, _ := betaAdmin.Send(beta+"/admin/branding", beta+"/admin/branding", url.Values{"intro_it": {"Presentazione di Beta"}}); code != 200 {
		t.Fatalf("beta's admin at beta: %d", code)
	}
	for _, who := range []struct {
		name string
		b    *moduletest.Browser
	}{
		{"beta's admin", betaAdmin}, {"alpha's member", w.Browser(t, alpha, "anna")}, {"a guest", w.Browser(t, alpha, "")},
	} {
		if code, _ := who.b.Get(alpha + "/admin/branding"); code != 403 {
			t.Errorf("%s opens alpha's branding: %d", who.name, code)
		}
		form := url.Values{"_csrf": {tokenOf(who.b, alpha+"/")}, "intro_it": {"Scritta da " + who.name}}
		for _, action := range []string{"/admin/branding", "/admin/branding/publish"} {
			res, err := who.b.Client.PostForm(alpha+action, form)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 403 {
				t.Errorf("%s posts to alpha's %s: %d", who.name, action, res.StatusCode)
			}
		}
	}
	alphaAdmin := w.Browser(t, alpha, "admin")
	if _, page := alphaAdmin.Get(alpha + "/admin/branding"); strings.Contains(page, "Scritta da") || strings.Contains(page, "Presentazione di Beta") {
		t.Error("alpha's look was changed from outside, or shows beta's")
	}
}

// tokenOf is the CSRF token a browser holds for site (from one of its pages).
func tokenOf(b *moduletest.Browser, page string) string {
	_, body := b.Get(page)
	return webtest.CSRF(body)
}
