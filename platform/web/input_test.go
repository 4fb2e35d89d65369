package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/piazza-pa/piazza/platform/i18n"
	"github.com/piazza-pa/piazza/platform/web"
)

// echo answers with what it read, and counts the requests it saw.
type echo struct{ seen *int }

func (e echo) Routes(r fiber.Router) {
	r.All("/*", func(c *fiber.Ctx) error {
		*e.seen++
		return c.SendString("read " + c.FormValue("text") + c.Query("q"))
	})
}

func multipartBody(field, value string, file []byte) (string, *bytes.Buffer) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField(field, value)
	if file != nil {
		w, _ := mw.CreateFormFile("file", "f.bin")
		_, _ = w.Write(file)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), &b
}

// echoServer is a server whose tenant area is echo (counting into seen).
func echoServer(t *testing.T, seen *int) *web.Server {
	t.Helper()
	shell, err := web.NewShellFrom()
	if err != nil {
		t.Fatal(err)
	}
	langs := func(*fiber.Ctx) ([]string, string, string) { return i18n.Supported, i18n.Default, "" }
	srv, err := web.New(web.Config{OperatorHost: "admin.piazza.test", Shell: shell,
		Language: shell.I18n.Middleware(langs, false), TenantModules: []web.Module{echo{seen}}})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestBadTextRefused: a NUL byte or bytes that are not UTF-8, anywhere a
// handler reads text (path, query, form fields urlencoded or multipart,
// cookies), or NUL in any header, is answered 400 with a page that says
// why in the visitor's language, before any handler runs. File contents
// and good text in any language go through.
func TestBadTextRefused(t *testing.T) {
	seen := 0
	srv := echoServer(t, &seen)
	form := func(v url.Values) (string, io.Reader) {
		return "application/x-www-form-urlencoded", strings.NewReader(v.Encode())
	}
	mp := func(field, value string, file []byte) (string, io.Reader) { return multipartBody(field, value, file) }
	cases := []struct {
		name, method, target string
		body                 func() (string, io.Reader)
		header               map[string]string
		ok                   bool
	}{
		{"good text", "POST", "/x?q=citt%C3%A0", func() (string, io.Reader) { return form(url.Values{"text": {"perché ✓"}}) }, nil, true},
		{"a file with any bytes", "POST", "/x", func() (string, io.Reader) { return mp("text", "ok", []byte("a\x00\xff")) }, nil, true},
		{"NUL in the query", "GET", "/x?q=a%00b", nil, nil, false},
		{"not UTF-8 in the query", "GET", "/x?q=%ff", nil, nil, false},
		{"NUL in a query name", "GET", "/x?a%00=1", nil, nil, false},
		{"NUL in the path", "GET", "/x%00y", nil, nil, false},
		{"not UTF-8 in the path", "GET", "/x/%c3", nil, nil, false},
		{"NUL in a field", "POST", "/x", func() (string, io.Reader) { return form(url.Values{"text": {"a\x00"}}) }, nil, false},
		{"not UTF-8 in a field", "POST", "/x", func() (string, io.Reader) { return form(url.Values{"text": {"\xe0"}}) }, nil, false},
		{"NUL in a field's name", "POST", "/x", func() (string, io.Reader) { return form(url.Values{"te\x00xt": {"a"}}) }, nil, false},
		{"NUL in a multipart field", "POST", "/x", func() (string, io.Reader) { return mp("text", "a\x00", nil) }, nil, false},
		{"not UTF-8 in a multipart field", "POST", "/x", func() (string, io.Reader) { return mp("text", "\xff", []byte("ok")) }, nil, false},
		{"not UTF-8 in a cookie", "GET", "/x", nil, map[string]string{"Cookie": "piazza_lang=\xff"}, false},
	}
	for _, tc := range cases {
		for _, lang := range []string{"it", "en"} {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				var body io.Reader
				ct := ""
				if tc.body != nil {
					ct, body = tc.body()
				}
				req := httptest.NewRequest(tc.method, "http://alpha.piazza.test"+tc.target, body)
				req.RequestURI = req.URL.RequestURI() // the host goes in a Host header
				if ct != "" {
					req.Header.Set("Content-Type", ct)
				}
				req.Header.Set("Accept-Language", lang)
				for k, v := range tc.header {
					req.Header.Set(k, v)
				}
				before := seen
				res, err := srv.App().Test(req, -1)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				page := string(b)
				if tc.ok {
					if res.StatusCode != http.StatusOK || seen != before+1 {
						t.Errorf("refused: %d %s", res.StatusCode, page)
					}
					return
				}
				want := map[string]string{"it": "La richiesta contiene un carattere NUL", "en": "The request contains a NUL character"}[lang]
				if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, want) {
					t.Errorf("%d, want 400 saying %q:\n%s", res.StatusCode, want, page)
				}
				if seen != before {
					t.Error("the handler ran")
				}
			})
		}
	}
}

// TestAPIErrorsAreJSON: under the open API's path, an error the site
// answers before any handler (here bad text) is the API's JSON error, in
// the request's language; elsewhere it stays the site's page.
func TestAPIErrorsAreJSON(t *testing.T) {
	seen := 0
	srv := echoServer(t, &seen)
	ask := func(target, lang string) (*http.Response, string) {
		req := httptest.NewRequest("GET", "http://alpha.piazza.test"+target, nil)
		req.RequestURI = req.URL.RequestURI()
		req.Header.Set("Accept-Language", lang)
		res, err := srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	for lang, want := range map[string]string{"it": "La richiesta contiene un carattere NUL", "en": "The request contains a NUL character"} {
		res, body := ask("/api/v1/news?q=a%00b", lang)
		var got struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil || res.StatusCode != http.StatusBadRequest ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || got.Error.Code != "invalid" ||
			!strings.Contains(got.Error.Message, want) {
			t.Errorf("%s: %d %s %s, want 400 JSON, code invalid, saying %q", lang, res.StatusCode, res.Header.Get("Content-Type"), body, want)
		}
		if res, body := ask("/news?q=a%00b", lang); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "<html") {
			t.Errorf("a page: %d %s, want the error page", res.StatusCode, body)
		}
	}
	if seen != 0 {
		t.Error("a handler ran")
	}
}
