package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/piazza-pa/piazza/config"
	"github.com/piazza-pa/piazza/platform/operator"
	"github.com/piazza-pa/piazza/platform/web"
	"github.com/piazza-pa/piazza/platform/web/webtest"
)

// site is the server users get (every module, both hosts, as `piazza
// dev` wires it) over the demo tenants, with the demo admin signed in at
// the demo tenant and an operator at the console.
type site struct {
	t               *testing.T
	e               *env
	srv             *web.Server
	pg              *pgx.Conn // superuser: sees every schema
	admin, operator *visitor
	guests          map[string]*visitor
	addr            string
	tables          []string
	n               int    // makes unique values
	password        string // the demo admin's
}

// The hosts of the site.
const (
	demoSite    = "http://demo.piazza.test"
	consoleSite = "http://admin.piazza.test"
)

func startSite(t *testing.T) *site {
	t.Helper()
	d := useDatabase(t)
	t.Setenv("PIAZZA_DATA_DIR", t.TempDir())
	// The installation is an OpenID Federation intermediate: its routes are served.
	t.Setenv("PIAZZA_FEDERATION_ENTITY_ID", consoleSite)
	t.Setenv("PIAZZA_FEDERATION_AUTHORITY_HINTS", "https://anchor.example")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	e, err := openEnv(ctx, io.Discard, envOptions{mode: config.ModeDev, migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.close(context.Background()) })
	pw, err := e.ensureDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := operator.Create(ctx, e.db, "op@piazza.test", "Op", "operator password 1"); err != nil {
		t.Fatal(err)
	}
	srv, l, err := e.server(ctx)
	if err != nil {
		t.Fatal(err)
	}
	go l.Run(ctx)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ctx, ln) }()
	s := &site{t: t, e: e, srv: srv, addr: ln.Addr().String(), guests: map[string]*visitor{}, password: pw}
	if s.pg, err = pgx.Connect(ctx, d.AdminURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.pg.Close(context.Background()) })
	s.admin = newVisitor(t, ln.Addr().String(), demoSite)
	s.admin.signIn("/auth/login", demoAdmin, pw)
	s.operator = newVisitor(t, ln.Addr().String(), consoleSite)
	s.operator.signIn("/login", "op@piazza.test", "operator password 1")
	s.tables = s.tableNames()
	s.countWrites()
	return s
}

// guest is a visitor of base who is not signed in (the same one each time).
func (s *site) guest(base string) *visitor {
	if g, ok := s.guests[base]; ok {
		return g
	}
	g := newVisitor(s.t, s.addr, base)
	for _, p := range []string{"/auth/login", "/"} {
		if _, page := g.Get(base + p); g.token == "" {
			g.token = webtest.CSRF(page)
		}
	}
	s.guests[base] = g
	return g
}

// post sends an accepted form, as setting up.
func (s *site) post(v *visitor, path string, form url.Values) {
	s.t.Helper()
	if code, body := v.post(path, form, false); code >= 400 {
		s.t.Fatalf("%s: %d %s", path, code, excerpt(body))
	}
}

// visitor is a browser of one host.
type visitor struct {
	*webtest.Browser
	t     *testing.T
	base  string
	token string
}

func newVisitor(t *testing.T, addr, base string) *visitor {
	v := &visitor{Browser: webtest.NewBrowser(t, addr), t: t, base: base}
	return v
}

func (v *visitor) signIn(path, email, pw string) {
	v.t.Helper()
	_, page := v.Get(v.base + path)
	if v.token = webtest.CSRF(page); v.token == "" {
		_, page = v.Get(v.base + "/")
		v.token = webtest.CSRF(page)
	}
	code, body := v.post(path, url.Values{"email": {email}, "password": {pw}}, false)
	if code != http.StatusSeeOther {
		v.t.Fatalf("sign-in at %s: %d %s", v.base, code, body)
	}
	_, page = v.Get(v.base + "/")
	if v.token = webtest.CSRF(page); v.token == "" {
		v.t.Fatalf("no CSRF token at %s after signing in", v.base)
	}
}

// post sends form to the path, urlencoded or multipart, with the CSRF token.
func (v *visitor) post(path string, form url.Values, multi bool) (int, string) {
	v.t.Helper()
	var body bytes.Buffer
	ctype := "application/x-www-form-urlencoded"
	if multi {
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("_csrf", v.token)
		for k, vs := range form {
			for _, x := range vs {
				_ = mw.WriteField(k, x)
			}
		}
		_ = mw.Close()
		ctype = mw.FormDataContentType()
	} else {
		f := url.Values{"_csrf": {v.token}}
		for k, vs := range form {
			f[k] = vs
		}
		body.WriteString(f.Encode())
	}
	req, err := http.NewRequest(http.MethodPost, v.base+path, &body)
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	return v.do(req)
}

// upload posts one file in field, under name, with the CSRF token.
func (v *visitor) upload(path, field, name string, data []byte) (int, string) {
	v.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", v.token)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename="%s"`, field, strings.ReplaceAll(name, `"`, `\"`)))
	h.Set("Content-Type", http.DetectContentType(data))
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, v.base+path, &body)
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return v.do(req)
}

func (v *visitor) get(path string) (int, string) {
	v.t.Helper()
	req, err := http.NewRequest(http.MethodGet, v.base+path, nil)
	if err != nil {
		v.t.Fatal(err)
	}
	return v.do(req)
}

func (v *visitor) do(req *http.Request) (int, string) {
	res, err := v.Client.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// tableNames are the tables a request may write: the control schema's and
// the tenants', but not sessions (each request may refresh its own) nor
// the job queue's bookkeeping (partitions are written through their
// table).
func (s *site) tableNames() []string {
	rows, err := s.pg.Query(context.Background(), `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
		AND c.relname NOT IN ('sessions', 'operator_sessions') AND c.relname NOT LIKE 'river%' ORDER BY 1`)
	if err != nil {
		s.t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		s.t.Fatal(err)
	}
	return names
}

// countWrites has every row written to the tables counted, by table, in
// public.piazza_test_writes (a row updated to the same values is not a
// write): a snapshot is then one small read, where a digest of every
// table's rows took longer than the request it watched.
func (s *site) countWrites() {
	ctx := context.Background()
	_, err := s.pg.Exec(ctx, `CREATE TABLE IF NOT EXISTS public.piazza_test_writes (tbl text PRIMARY KEY, n bigint NOT NULL);
		CREATE OR REPLACE FUNCTION public.piazza_test_wrote() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
		SET search_path = pg_catalog, public AS $$
		BEGIN
			IF TG_OP = 'UPDATE' AND OLD::text IS NOT DISTINCT FROM NEW::text THEN
				RETURN NULL;
			END IF;
			INSERT INTO public.piazza_test_writes AS w VALUES (quote_ident(TG_TABLE_SCHEMA) || '.' || quote_ident(TG_TABLE_NAME), 1)
				ON CONFLICT (tbl) DO UPDATE SET n = w.n + 1;
			RETURN NULL;
		END $$`)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, n := range s.tables {
		if _, err := s.pg.Exec(ctx, "CREATE OR REPLACE TRIGGER piazza_test_wrote AFTER INSERT OR UPDATE OR DELETE ON "+n+
			" FOR EACH ROW EXECUTE FUNCTION public.piazza_test_wrote()"); err != nil {
			s.t.Fatalf("counting the writes to %s: %v", n, err)
		}
	}
}

// snapshot is how many rows of each table have been written so far.
func (s *site) snapshot() map[string]string {
	s.t.Helper()
	rows, err := s.pg.Query(context.Background(), "SELECT tbl, n::text FROM public.piazza_test_writes")
	if err != nil {
		s.t.Fatal(err)
	}
	out := map[string]string{}
	for rows.Next() {
		var n, sum string
		if err := rows.Scan(&n, &sum); err != nil {
			s.t.Fatal(err)
		}
		out[n] = sum
	}
	if err := rows.Err(); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// changed names the tables whose rows differ between two snapshots.
func changed(before, after map[string]string) []string {
	var out []string
	for n, sum := range after {
		if before[n] != sum {
			out = append(out, n)
		}
	}
	return out
}

// one is a single value of the query.
func (s *site) one(q string, args ...any) string {
	s.t.Helper()
	var v string
	if err := s.pg.QueryRow(context.Background(), q, args...).Scan(&v); err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
	return v
}
