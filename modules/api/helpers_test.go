package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/modules/api"
	"github.com/piazza-pa/piazza/modules/moduletest"
	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/i18n/i18ntest"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMessageParity(t *testing.T) { i18ntest.CheckParity(t, api.Messages) }

const alpha, beta = moduletest.Alpha, moduletest.Beta

// spec is the API's OpenAPI document, loaded and checked by kin-openapi,
// with servers naming both test sites, and a router over it.
type spec struct {
	doc    *openapi3.T
	router routers.Router
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.Document)
	if err != nil {
		t.Fatalf("the OpenAPI document does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: alpha + api.Path}, {URL: beta + api.Path}}
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &spec{doc: doc, router: r}
}

// client calls the API of a site as a program would: no cookie (unless
// Browser is a signed-in member's), the token if any, every answer
// checked against the document.
type client struct {
	t       *testing.T
	spec    *spec
	http    *http.Client
	token   string
	headers http.Header
}

func newClient(t *testing.T, w *moduletest.World, s *spec, token string) *client {
	return &client{t: t, spec: s, http: webtest.NewBrowser(t, w.Addr).Client, token: token, headers: http.Header{}}
}

// reply is an answer of the API.
type reply struct {
	Code   int
	Header http.Header
	Body   []byte
}

// JSON decodes the answer into v.
func (r reply) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("not JSON (%d): %v %.300s", r.Code, err, r.Body)
	}
}

// Problem is the error the answer carries.
func (r reply) Problem(t *testing.T) (code, field string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message, Field string }
	}
	r.JSON(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("an error without code or message: %d %s", r.Code, r.Body)
	}
	return e.Error.Code, e.Error.Field
}

// do sends the request and checks the answer: JSON (or CSV when asked),
// nosniff, and valid by the document for the operation and status (an
// answer to a path or method the document has not must still be its
// Error schema).
func (c *client) do(method, u string, body []byte) reply {
	c.t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.headers {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	r := reply{Code: res.StatusCode, Header: res.Header, Body: out}
	c.check(req, body, r)
	return r
}

func (c *client) get(u string) reply { c.t.Helper(); return c.do(http.MethodGet, u, nil) }

func (c *client) check(req *http.Request, body []byte, r reply) {
	c.t.Helper()
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "text/csv") {
		c.t.Fatalf("%s %s: answered %s (%d) %.200s", req.Method, req.URL, ct, r.Code, r.Body)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" {
		c.t.Errorf("%s %s: no nosniff", req.Method, req.URL)
	}
	route, params, err := c.spec.router.FindRoute(req)
	if err != nil {
		var v any
		if err := json.Unmarshal(r.Body, &v); err != nil {
			c.t.Fatalf("%s %s: %d not JSON", req.Method, req.URL, r.Code)
		}
		if err := c.spec.doc.Components.Schemas["Error"].Value.VisitJSON(v); err != nil || r.Code < 400 {
			c.t.Errorf("%s %s (%d, not in the document): not an error as documented: %v", req.Method, req.URL, r.Code, err)
		}
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.Code, Header: r.Header,
		Body: io.NopCloser(bytes.NewReader(r.Body)), Options: opts}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.t.Errorf("%s %s (%d): the answer does not match the document: %v\n%.500s", req.Method, req.URL, r.Code, err, r.Body)
	}
}

// secretRE finds a token's secret on the page that shows it once.
var secretRE = regexp.MustCompile(`id="secret" value="(pzt_[A-Za-z0-9_-]+)"`)

// newToken creates a token of b at site with scope ("read" or "read
// write") and returns its secret.
func newToken(t *testing.T, b *moduletest.Browser, site, name, scope string) string {
	t.Helper()
	res, page := b.Post(site+"/profile/tokens", site+"/profile/tokens", url.Values{"name": {name}, "scope": {scope}})
	m := secretRE.FindStringSubmatch(page)
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("create token %q: %d %.300s", name, res.StatusCode, page)
	}
	return m[1]
}

// query runs q (one value) in the tenant's schema.
func query[T any](t *testing.T, w *moduletest.World, tn string, q string, args ...any) T {
	t.Helper()
	var v T
	ten := w.A
	if tn == "beta" {
		ten = w.B
	}
	w.In(t, ten, func(ctx context.Context, tx bun.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&v) })
	return v
}

// exec runs q in alpha's schema.
func exec(t *testing.T, w *moduletest.World, q string, args ...any) {
	t.Helper()
	w.In(t, w.A, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}

// generous lifts the limits for a test that sends many requests from one
// address (set before the world is built).
func generous(t *testing.T) {
	t.Setenv(api.EnvPerAddr, "100000")
	t.Setenv(api.EnvPerToken, "100000")
}
