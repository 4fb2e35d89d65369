package archive_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/migrations"
	"github.com/piazza-pa/piazza/platform/authz"
	"github.com/piazza-pa/piazza/platform/db"
	"github.com/piazza-pa/piazza/platform/dbtest"
	sec "github.com/piazza-pa/piazza/platform/secret"
	"github.com/piazza-pa/piazza/platform/storage"
	"github.com/piazza-pa/piazza/tenant"
	"github.com/piazza-pa/piazza/tenant/archive"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// fixture is a registry on a new database with one tenant, alpha, holding
// a few rows, two files, a branding picture, an identity provider with a
// secret and role rules.
type fixture struct {
	t     testing.TB
	d     *dbtest.DB
	reg   *tenant.Registry
	store storage.Store
	dir   string
	alpha *tenant.Tenant
	files map[string][]byte
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	reg, err := tenant.NewRegistry(ctx, d.DB, tenant.Options{
		BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test",
		OnProvision: []tenant.Hook{func(ctx context.Context, tx bun.Tx, t *tenant.Tenant) error {
			return authz.SeedTenant(ctx, tx, t.Domain())
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := &fixture{t: t, d: d, reg: reg, store: storage.Disk{Dir: dir}, dir: dir, files: map[string][]byte{
		"0a1b2c": []byte("%PDF-1.4 first file\n"), "3d4e5f": bytes.Repeat([]byte{0, 1, 2, 250}, 40000)}}
	f.alpha, err = reg.Create(ctx, tenant.CreateParams{Slug: "alpha", Name: "Alpha", Hosts: []string{"partecipa.alpha.example"}})
	if err != nil {
		t.Fatal(err)
	}
	f.tenantExec(f.alpha, `INSERT INTO users (email, display_name, is_admin) VALUES ('ada@alpha.example', 'Ada ''Lovelace''', true), ('bob@alpha.example', E'Bob\ttab\\back', false);
		INSERT INTO settings (key, value) VALUES ('auth.local_accounts', 'true')`)
	// credentials that would open the original: an API token, an invitation
	// link, a sign-in under way, a failed sign-in
	f.tenantExec(f.alpha, `INSERT INTO api_tokens (user_id, name, digest, hint) VALUES (1, 'ci', ?, 'pz_src');
		INSERT INTO auth_tokens (token_hash, purpose, user_id, expires_at) VALUES (?, 'invite', 2, now() + interval '7 days');
		INSERT INTO oidc_logins (state_hash, browser, idp_key, nonce, code_verifier, expires_at) VALUES ('\x01', '\x02', 'spid', 'n', 'v', now() + interval '1 hour');
		INSERT INTO auth_failures (key) VALUES ('account:bob@alpha.example')`, sec.Digest(sourceToken), sec.Digest(sourceInvite))
	for key, data := range f.files {
		if err := f.store.Put(ctx, "alpha", key, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		f.tenantExec(f.alpha, `INSERT INTO attachments (content_type, item_id, name, mime, size, sha256, storage_key, uploaded_by)
			VALUES ('news', 1, 'f.pdf', 'application/pdf', ?, ?, ?, 1)`, len(data), hex.EncodeToString(sum[:]), key)
	}
	f.exec(`INSERT INTO piazza.tenant_assets (tenant_id, sha256, content_type, data) VALUES (?, ?, 'image/png', ?), (?, ?, 'image/svg+xml', ?)`,
		f.alpha.ID, sum(png), png, f.alpha.ID, sum([]byte(badSVG)), []byte(badSVG))
	f.exec(`UPDATE piazza.tenants SET brand = ? WHERE id = ?`, `{"published":{"primary":"#123456","logo":"`+sum(png)+`","favicon":"`+sum([]byte(badSVG))+`",
		"footer_links":[{"label":"Privacy","url":"https://partecipa.alpha.example/privacy"},{"label":"Region","url":"https://www.example.org/"}]}}`, f.alpha.ID)
	f.exec(`INSERT INTO piazza.tenant_idps (tenant_id, key, label, issuer, client_id, client_auth, client_secret)
		VALUES (?, 'spid', 'SPID', 'https://idp.example', 'alpha-client', 'client_secret_basic', '\xdeadbeef')`, f.alpha.ID)
	if err := authz.Assign(ctx, d.DB, "user:1", authz.RoleAdmin, f.alpha.Domain()); err != nil {
		t.Fatal(err)
	}
	return f
}

// sourceToken and sourceInvite are an API token and an invitation link's
// token of the original tenant.
const sourceToken, sourceInvite = "pz_src_0123456789abcdefghijklmnopqrstuv", "invite-0123456789abcdefghijklmnopqrstuv"

// png is the start of a PNG picture (enough for the sniffer).
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")

// badSVG is a picture stored before the sanitiser was there (or by hand).
const badSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><script>alert(1)</script><rect width="8" height="8" fill="#123456"/></svg>`

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.d.DB.ExecContext(context.Background(), q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func (f *fixture) tenantExec(tn *tenant.Tenant, q string, args ...any) {
	f.t.Helper()
	err := db.InTenant(context.Background(), f.d.DB, tn.Scope(), func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
	if err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func (f *fixture) export() []byte {
	f.t.Helper()
	var buf bytes.Buffer
	x := &archive.Exporter{DB: f.d.DB, Store: f.store, Version: "test"}
	if _, err := x.Export(context.Background(), "alpha", &buf); err != nil {
		f.t.Fatal(err)
	}
	return buf.Bytes()
}

func (f *fixture) importer() *archive.Importer {
	return &archive.Importer{Registry: f.reg, Store: f.store}
}

// dump is every table of a schema as text, as a superuser reads it.
func (f *fixture) dump(schema string) map[string]string {
	f.t.Helper()
	ctx := context.Background()
	conn := f.d.Admin(f.t)
	rows, err := conn.Query(ctx, `SELECT relname FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind = 'r' AND relname <> 'schema_migrations'`, schema)
	if err != nil {
		f.t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		var s string
		q := fmt.Sprintf("SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') FROM %s x", pgx.Identifier{schema, n}.Sanitize())
		if err := conn.QueryRow(ctx, q).Scan(&s); err != nil {
			f.t.Fatal(err)
		}
		out[n] = s
	}
	return out
}

// TestExportImport: a tenant exported and imported under a new slug has the
// same data, byte-identical files, its branding, its identity providers
// disabled and without secret, its rules in its own domain; the copy is its
// own (its role cannot reach the source, changing it leaves the source as is).
func TestExportImport(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	data := f.export()
	var done, total int
	im := f.importer()
	im.Progress = func(d, n int) { done, total = d, n }
	res, err := im.Import(ctx, bytes.NewReader(data), archive.Target{Slug: "beta", Hosts: []string{"partecipa.beta.example"}})
	if err != nil {
		t.Fatal(err)
	}
	beta, m := res.Tenant, res.Manifest
	if strings.Join(res.SourceHosts, " ") != "alpha.piazza.test partecipa.alpha.example" || strings.Join(res.IdPs, " ") != "spid" ||
		strings.Join(res.OwnLinks, " ") != "https://partecipa.alpha.example/privacy" {
		t.Errorf("result: source hosts %v, identity providers %v, links to the source %v", res.SourceHosts, res.IdPs, res.OwnLinks)
	}
	if done != total || total != len(m.Members) || m.Files != 2 || m.Slug != "alpha" {
		t.Errorf("progress %d/%d, manifest %d members, %d files, slug %s", done, total, len(m.Members), m.Files, m.Slug)
	}
	got, err := f.reg.Get(ctx, "beta")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Hosts, " ") != "beta.piazza.test partecipa.beta.example" || got.Name != "Alpha" ||
		got.Brand.Published.Primary != "#123456" || got.Status != tenant.StatusActive || got.SchemaVersion != f.reg.LatestVersion() {
		t.Errorf("imported tenant: %+v", got)
	}
	src, dst := f.dump(f.alpha.SchemaName), f.dump(beta.SchemaName)
	credentials := []string{"sessions", "api_tokens", "auth_tokens", "oidc_logins", "auth_failures"}
	for _, n := range credentials[1:] {
		if src[n] == "" {
			t.Errorf("the original has no %s to leave out", n)
		}
	}
	for n, rows := range src {
		if slices.Contains(credentials, n) {
			if dst[n] != "" {
				t.Errorf("the copy has the original's %s:\n%s", n, dst[n])
			}
			continue
		}
		if dst[n] != rows {
			t.Errorf("table %s differs:\n%s\n---\n%s", n, rows, dst[n])
		}
	}
	for key, want := range f.files {
		r, err := f.store.Open(ctx, "beta", key)
		if err != nil {
			t.Fatalf("file %s: %v", key, err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Equal(b, want) {
			t.Errorf("file %s: %d bytes, want %d identical", key, len(b), len(want))
		}
	}
	var asset, enabled, secret, rules, admin int
	err = f.d.DB.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM piazza.tenant_assets WHERE tenant_id = ?),
		(SELECT count(*) FROM piazza.tenant_idps WHERE tenant_id = ? AND enabled),
		(SELECT count(*) FROM piazza.tenant_idps WHERE tenant_id = ? AND length(client_secret) > 0),
		(SELECT count(*) FROM piazza.casbin_rules WHERE domain = ?),
		(SELECT count(*) FROM piazza.casbin_rules WHERE domain = ? AND ptype = 'g' AND v0 = 'user:1')`,
		beta.ID, beta.ID, beta.ID, beta.Domain(), beta.Domain()).Scan(&asset, &enabled, &secret, &rules, &admin)
	if err != nil {
		t.Fatal(err)
	}
	var srcRules int
	_ = f.d.DB.QueryRowContext(ctx, "SELECT count(*) FROM piazza.casbin_rules WHERE domain = ?", f.alpha.Domain()).Scan(&srcRules)
	if asset != 2 || enabled != 0 || secret != 0 || rules != srcRules || admin != 1 {
		t.Errorf("registry rows of the copy: %d assets, %d idps enabled, %d secrets, %d rules (source %d), admin %d", asset, enabled, secret, rules, srcRules, admin)
	}
	var favicon []byte
	err = f.d.DB.QueryRowContext(ctx, "SELECT data FROM piazza.tenant_assets WHERE tenant_id = ? AND sha256 = ?", beta.ID, got.Brand.Published.Favicon).Scan(&favicon)
	if err != nil || bytes.Contains(favicon, []byte("script")) || !bytes.Contains(favicon, []byte("rect")) || got.Brand.Published.Favicon != sum(favicon) {
		t.Errorf("the copy's favicon %s: %q (%v): want the picture sanitised, under its checksum", got.Brand.Published.Favicon, favicon, err)
	}
	if got.Brand.Published.Logo != sum(png) {
		t.Errorf("the copy's logo is %s, want the original's %s", got.Brand.Published.Logo, sum(png))
	}
	// what the API and the invitation page look up: nothing on the copy
	var opens int
	err = db.InTenant(ctx, f.d.DB, beta.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM api_tokens WHERE digest = ?) + (SELECT count(*) FROM auth_tokens WHERE token_hash = ?)`,
			sec.Digest(sourceToken), sec.Digest(sourceInvite)).Scan(&opens)
	})
	if err != nil || opens != 0 {
		t.Errorf("the original's API token or invitation opens the copy: %d (%v)", opens, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if d := sec.Digest(sourceToken); len(plain) == 0 || bytes.Contains(plain, []byte(hex.EncodeToString(d))) ||
		bytes.Contains(plain, []byte("account:bob@alpha.example")) {
		t.Error("the archive holds the original's API token digest or its failed sign-ins")
	}
	if strings.Contains(string(data), "deadbeef") || bytes.Contains(data, []byte{0xde, 0xad, 0xbe, 0xef}) {
		t.Error("the archive holds the identity provider's secret")
	}

	// The copy is its own: new rows get new ids, the source does not change,
	// and the copy's role cannot read the source's schema.
	f.tenantExec(beta, "INSERT INTO users (email) VALUES ('carla@beta.example')")
	f.tenantExec(beta, "UPDATE users SET display_name = 'changed in beta' WHERE id = 1")
	if after := f.dump(f.alpha.SchemaName); after["users"] != src["users"] {
		t.Errorf("changing the copy changed the source:\n%s", after["users"])
	}
	var id int64
	err = db.InTenant(ctx, f.d.DB, beta.Scope(), func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT id FROM users WHERE email = 'carla@beta.example'").Scan(&id)
	})
	if err != nil || id != 3 {
		t.Errorf("a new user of the copy has id %d (%v), want 3", id, err)
	}
	err = db.InTenant(ctx, f.d.DB, beta.Scope(), func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "SELECT count(*) FROM "+pgx.Identifier{f.alpha.SchemaName, "users"}.Sanitize())
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("the copy's role reads the source's users: %v", err)
	}
	if beta.SchemaName == f.alpha.SchemaName || beta.RoleName == f.alpha.RoleName {
		t.Errorf("the copy shares the source's schema or role: %+v", beta)
	}
}

// rewrite returns the archive with each member passed through edit (nil
// data drops the member); the manifest is edited as a Manifest.
func rewrite(t *testing.T, data []byte, editManifest func(*archive.Manifest), edit func(name string, b []byte) []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	type member struct {
		h *tar.Header
		b []byte
	}
	var ms []member
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if h.Name != "manifest.json" && edit != nil {
			if b = edit(h.Name, b); b == nil {
				continue
			}
		}
		ms = append(ms, member{h, b})
	}
	if editManifest != nil {
		var m archive.Manifest
		if err := json.Unmarshal(ms[0].b, &m); err != nil {
			t.Fatal(err)
		}
		editManifest(&m)
		ms[0].b, _ = json.Marshal(m)
	}
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for _, m := range ms {
		m.h.Size = int64(len(m.b))
		if err := tw.WriteHeader(m.h); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write(m.b)
	}
	_ = tw.Close()
	_ = zw.Close()
	return out.Bytes()
}

// forged returns the archive with member name's content replaced, its size
// and checksum in the manifest to match (as a forger would).
func forged(t *testing.T, data []byte, name string, content []byte) []byte {
	return rewrite(t, data, func(m *archive.Manifest) {
		for i := range m.Members {
			if m.Members[i].Name == name {
				m.Members[i].Size, m.Members[i].SHA256 = int64(len(content)), sum(content)
			}
		}
	}, func(n string, b []byte) []byte {
		if n == name {
			return content
		}
		return b
	})
}

// TestImportRefused: a damaged archive, one from a newer piazza, one that
// is not Piazza's and a taken slug or host are refused with a clear message,
// and nothing is left behind: no registry rows, schema, role or files.
func TestImportRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	good := f.export()
	secondFile := ""
	zr, _ := gzip.NewReader(bytes.NewReader(good))
	for tr := tar.NewReader(zr); ; {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if strings.HasPrefix(h.Name, "files/") {
			secondFile = h.Name // the last file: the first is stored when this one fails
		}
	}
	flip := func(member string) func(string, []byte) []byte {
		return func(name string, b []byte) []byte {
			if name == member {
				b = append([]byte(nil), b...)
				b[len(b)/2] ^= 0x20
			}
			return b
		}
	}
	// a bomb: the members, then 64 MiB of zeros that compress to little
	zr2, _ := gzip.NewReader(bytes.NewReader(good))
	plain, _ := io.ReadAll(zr2)
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	_, _ = zw.Write(plain)
	_, _ = zw.Write(make([]byte, 64<<20))
	_ = zw.Close()
	cases := []struct {
		name    string
		data    []byte
		target  archive.Target
		kind    error
		message string
	}{
		{"larger than allowed", good, archive.Target{Slug: "beta"}, archive.ErrTooLarge, "more than the 100000 allowed (a larger limit: --max-size)"},
		{"unpacking to more than it says", bomb.Bytes(), archive.Target{Slug: "beta"}, archive.ErrTooLarge, "unpacks to more than the 2097152 bytes allowed"},
		{"a file altered", rewrite(t, good, nil, flip(secondFile)), archive.Target{Slug: "beta"}, archive.ErrCorrupt, "does not match its checksum"},
		{"a table altered", rewrite(t, good, nil, flip("data/users.copy")), archive.Target{Slug: "beta"}, archive.ErrCorrupt, "users"},
		{"a member missing", rewrite(t, good, nil, func(n string, b []byte) []byte {
			if n == secondFile {
				return nil
			}
			return b
		}), archive.Target{Slug: "beta"}, archive.ErrCorrupt, secondFile},
		{"truncated", good[:len(good)-200], archive.Target{Slug: "beta"}, archive.ErrCorrupt, ""},
		{"not gzip", []byte("slug,name\nbeta,Beta\n"), archive.Target{Slug: "beta"}, archive.ErrNotArchive, "not a Piazza tenant archive"},
		{"another format", rewrite(t, good, func(m *archive.Manifest) { m.Format = "something-else" }, nil),
			archive.Target{Slug: "beta"}, archive.ErrNotArchive, `"something-else"`},
		{"a newer schema", rewrite(t, good, func(m *archive.Manifest) { m.SchemaVersion = f.reg.LatestVersion() + 1 }, nil),
			archive.Target{Slug: "beta"}, archive.ErrNewer, fmt.Sprintf("version %d, this piazza knows up to %d", f.reg.LatestVersion()+1, f.reg.LatestVersion())},
		{"a newer format", rewrite(t, good, func(m *archive.Manifest) { m.FormatVersion = archive.FormatVersion + 1 }, nil),
			archive.Target{Slug: "beta"}, archive.ErrNewer, "version 2 of the format"},
		{"a rule giving the operators' role", forged(t, good, "registry/rules.json", []byte(`[{"ptype":"g","v0":"user:1","v1":"role:operator","v2":"1"}]`)),
			archive.Target{Slug: "beta"}, archive.ErrCorrupt, "role:operator) is not a tenant's own"},
		{"a picture not what it says", forged(t, good, "registry/assets.json", []byte(`[{"sha256":"`+sum([]byte("GIF89a"))+`","content_type":"image/png","data":"R0lGODlh"}]`)),
			archive.Target{Slug: "beta"}, archive.ErrCorrupt, "is image/gif, not image/png"},
		{"slug taken", good, archive.Target{Slug: "alpha"}, tenant.ErrSlugTaken, `"alpha"`},
		{"host taken", good, archive.Target{Slug: "beta", Hosts: []string{"partecipa.alpha.example"}}, tenant.ErrHostTaken, "partecipa.alpha.example"},
	}
	// the importer's MaxBytes by case (else its default)
	maxBytes := map[string]int64{"larger than allowed": 100000, "unpacking to more than it says": 2 << 20}
	before := f.controlCounts()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			im := f.importer()
			im.MaxBytes = maxBytes[c.name]
			_, err := im.Import(ctx, bytes.NewReader(c.data), c.target)
			if err == nil || !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.message) {
				t.Fatalf("got %v, want %v with %q", err, c.kind, c.message)
			}
			if after := f.controlCounts(); after != before {
				t.Errorf("registry rows left behind: %s, before %s", after, before)
			}
			var schemas, roles int
			_ = f.d.DB.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = 't_beta'), (SELECT count(*) FROM pg_roles WHERE rolname LIKE '%\\_beta')").Scan(&schemas, &roles)
			if schemas+roles != 0 {
				t.Errorf("%d schemas and %d roles of beta left behind", schemas, roles)
			}
			if left, _ := filepath.Glob(filepath.Join(f.dir, "beta", "*")); len(left) > 0 {
				t.Errorf("files left behind: %v", left)
			}
		})
	}
}

// controlCounts counts the registry's rows, all tenants together.
func (f *fixture) controlCounts() string {
	var s string
	err := f.d.DB.QueryRowContext(context.Background(), `SELECT concat_ws(' ',
		(SELECT count(*) FROM piazza.tenants), (SELECT count(*) FROM piazza.tenant_hosts),
		(SELECT count(*) FROM piazza.tenant_assets), (SELECT count(*) FROM piazza.tenant_idps),
		(SELECT count(*) FROM piazza.casbin_rules))`).Scan(&s)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// TestImportOlderVersion: an archive written at an older tenant schema
// version loads at that version, then the newer migrations run over its data.
func TestImportOlderVersion(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	old := fstest.MapFS{}
	names, err := fs.Glob(migrations.Tenant(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	version := len(names) - 3
	for _, n := range names[:version] {
		b, _ := fs.ReadFile(migrations.Tenant(), n)
		old[n] = &fstest.MapFile{Data: b}
	}
	oldReg, err := tenant.NewRegistry(ctx, f.d.DB, tenant.Options{BaseDomain: "piazza.test", OperatorHost: "admin.piazza.test", Migrations: old})
	if err != nil {
		t.Fatal(err)
	}
	vecchio, err := oldReg.Create(ctx, tenant.CreateParams{Slug: "vecchio", Name: "Vecchio"})
	if err != nil {
		t.Fatal(err)
	}
	f.tenantExec(vecchio, "INSERT INTO users (email, display_name) VALUES ('ada@vecchio.example', 'Ada')")
	var buf bytes.Buffer
	m, err := (&archive.Exporter{DB: f.d.DB, Store: f.store, Version: "old"}).Export(ctx, "vecchio", &buf)
	if err != nil || m.SchemaVersion != version {
		t.Fatalf("export at version %d: %v", m.SchemaVersion, err)
	}
	res, err := f.importer().Import(ctx, &buf, archive.Target{Slug: "nuovo"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tenant.SchemaVersion != f.reg.LatestVersion() {
		t.Errorf("imported at schema version %d, want %d", res.Tenant.SchemaVersion, f.reg.LatestVersion())
	}
	var users string
	var applied int
	err = db.InTenant(ctx, f.d.DB, res.Tenant.Scope(), func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT string_agg(email, ' ') FROM users").Scan(&users); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&applied)
	})
	if err != nil || users != "ada@vecchio.example" || applied != f.reg.LatestVersion() {
		t.Errorf("users %q, %d migrations recorded (%v)", users, applied, err)
	}
}
