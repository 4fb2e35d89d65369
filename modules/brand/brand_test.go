package brand_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/modules/brand"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, brand.Messages) }

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// Alpha's admin, signed in at alpha, can neither see nor change beta's
// branding; a guest can do neither at alpha; alpha's images are not beta's.
func TestBrandingIsolation(t *testing.T) {
	port := site(t)
	alpha := fmt.Sprintf("http://alpha.localhost:%d", port)
	beta := fmt.Sprintf("http://beta.localhost:%d", port)
	b := webtest.NewBrowser(t, fmt.Sprintf("127.0.0.1:%d", port))
	c, get := b.Client, b.Get
	post := func(page, u string, form url.Values) int {
		res, _ := b.Post(page, u, form)
		return res.StatusCode
	}
	if code, _ := get(alpha + "/admin/branding"); code != 403 {
		t.Fatalf("a guest opens alpha's branding: %d", code)
	}
	if code := post(alpha+"/auth/login", alpha+"/auth/login", url.Values{"email": {"admin@alpha.example"}, "password": {"password dell'amministratrice"}}); code != 303 {
		t.Fatalf("sign-in: %d", code)
	}
	if code, body := get(alpha + "/admin/branding"); code != 200 || !strings.Contains(body, `id="primary"`) {
		t.Fatalf("alpha's admin at alpha: %d", code)
	}
	if code := post(alpha+"/admin/branding", alpha+"/admin/branding", url.Values{"primary": {"#1b5e20"}}); code != 200 {
		t.Fatalf("save draft: %d", code)
	}
	for _, try := range []struct {
		name string
		code int
	}{
		{"GET beta's branding", func() int { code, _ := get(beta + "/admin/branding"); return code }()},
		{"POST beta's branding", post(beta+"/", beta+"/admin/branding", url.Values{"primary": {"#000000"}})},
		{"publish beta's draft", post(beta+"/", beta+"/admin/branding/publish", url.Values{})},
	} {
		if try.code != 403 {
			t.Errorf("alpha's admin, %s: %d, want 403", try.name, try.code)
		}
	}
	// Alpha's logo, uploaded at alpha, is not served by beta.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_, page := get(alpha + "/admin/branding")
	_ = mw.WriteField("_csrf", csrfRE.FindStringSubmatch(page)[1])
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="logo"; filename="logo.svg"`)
	h.Set("Content-Type", "image/svg+xml")
	fw, _ := mw.CreatePart(h)
	_, _ = fw.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>`))
	mw.Close()
	res, err := c.Post(alpha+"/admin/branding", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, preview := get(alpha + "/?preview=1")
	logo := regexp.MustCompile(`/brand/[0-9a-f]{64}`).FindString(preview)
	if logo == "" {
		t.Fatal("no logo in alpha's preview")
	}
	if code, _ := get(alpha + logo); code != 200 {
		t.Fatalf("alpha's logo at alpha: %d", code)
	}
	if code, _ := get(beta + logo); code != 404 {
		t.Fatalf("alpha's logo at beta: %d", code)
	}
	// Beta's look is unchanged; alpha's draft does not leak to beta's preview.
	if _, body := get(beta + "/?preview=1"); !strings.Contains(body, "/theme.css?c=8a1538") {
		t.Fatal("beta's look changed")
	}
}

// Languages and links are part of the look: previewed, then published.
func TestLanguagesAndLinks(t *testing.T) {
	port := site(t)
	alpha := fmt.Sprintf("http://alpha.localhost:%d", port)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{DialContext: dialLocal(port)},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u, lang string) string {
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Accept-Language", lang)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	post := func(u string, form url.Values) (int, string) {
		if m := csrfRE.FindStringSubmatch(get(alpha+"/admin/branding", "it")); m != nil {
			form.Set("_csrf", m[1])
		}
		res, err := c.PostForm(u, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if m := csrfRE.FindStringSubmatch(get(alpha+"/auth/login", "it")); m != nil {
		res, err := c.PostForm(alpha+"/auth/login", url.Values{"_csrf": {m[1]}, "email": {"admin@alpha.example"}, "password": {"password dell'amministratrice"}})
		if err != nil || res.StatusCode != 303 {
			t.Fatalf("sign-in: %v %v", res, err)
		}
	}
	for _, bad := range []url.Values{
		{"footer_links": {"Privacy | javascript:alert(1)"}},
		{"footer_links": {"no separator"}},
		{"header_links": {"Evil | //evil.example/x"}},
	} {
		if code, _ := post(alpha+"/admin/branding", bad); code != 422 {
			t.Errorf("%v accepted: %d", bad, code)
		}
	}
	code, _ := post(alpha+"/admin/branding", url.Values{"name": {"Città di Alpha"}, "languages": {"en"}, "language": {"en"},
		"footer_links": {"Privacy | https://www.comune.alpha.example/privacy\nContatti | /contatti"}})
	if code != 200 {
		t.Fatalf("save: %d", code)
	}
	if code, _ := post(alpha+"/admin/branding/publish", url.Values{}); code != 200 {
		t.Fatalf("publish: %d", code)
	}
	visitor := &http.Client{Transport: &http.Transport{DialContext: dialLocal(port)}}
	req, _ := http.NewRequest("GET", alpha+"/", nil)
	req.Header.Set("Accept-Language", "it-IT,it")
	res, err := visitor.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(b)
	if !strings.Contains(page, `lang="en"`) || !strings.Contains(page, "<h1>Città di Alpha</h1>") || !strings.Contains(page, "The place where public administrations") ||
		!strings.Contains(page, `href="https://www.comune.alpha.example/privacy">Privacy</a>`) || !strings.Contains(page, `href="/contatti"`) {
		t.Fatalf("an Italian visitor of an English-only site, with footer links:\n%s", page)
	}
}

// A tenant admin switches a module off: its pages answer 404 and it leaves
// the navigation, at that tenant only.
func TestModulesOnOff(t *testing.T) {
	port := site(t)
	alpha := fmt.Sprintf("http://alpha.localhost:%d", port)
	beta := fmt.Sprintf("http://beta.localhost:%d", port)
	admin := webtest.NewBrowser(t, fmt.Sprintf("127.0.0.1:%d", port))
	visitor := webtest.NewBrowser(t, fmt.Sprintf("127.0.0.1:%d", port))
	if code, body := visitor.Get(alpha + "/news"); code != 200 || body != "the news" {
		t.Fatalf("news on: %d %q", code, body)
	}
	if _, home := visitor.Get(alpha + "/"); !strings.Contains(home, `href="/news"`) {
		t.Fatal("the module is not in the navigation")
	}
	if res, _ := admin.Post(alpha+"/auth/login", alpha+"/auth/login", url.Values{"email": {"admin@alpha.example"}, "password": {"password dell'amministratrice"}}); res.StatusCode != 303 {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	if res, _ := admin.Post(alpha+"/admin/branding", alpha+"/admin/branding", url.Values{"modules_form": {"1"}}); res.StatusCode != 200 {
		t.Fatalf("switch off: %d", res.StatusCode)
	}
	if code, _ := visitor.Get(alpha + "/news"); code != 200 {
		t.Fatal("a draft switched the module off before publication")
	}
	if res, _ := admin.Post(alpha+"/admin/branding", alpha+"/admin/branding/publish", url.Values{}); res.StatusCode != 200 {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	if code, _ := visitor.Get(alpha + "/news"); code != 404 {
		t.Fatalf("switched off, the module answers %d", code)
	}
	if _, home := visitor.Get(alpha + "/"); strings.Contains(home, `href="/news"`) {
		t.Fatal("a switched-off module stays in the navigation")
	}
	if code, _ := visitor.Get(beta + "/news"); code != 200 {
		t.Fatalf("the other tenant lost the module: %d", code)
	}
}
