package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/dbtest"
	"github.com/piazza-pa/piazza/platform/mail/mailtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(playPiazza) != "" { // started by a test to be the piazza command
		main()
		os.Exit(0)
	}
	os.Exit(dbtest.Main(m))
}

// run runs the piazza command line in-process and returns its output.
func run(t testing.TB, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := rootCommand()
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err = cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func useDatabase(t *testing.T) *dbtest.DB {
	d := dbtest.New(t)
	t.Setenv("PIAZZA_DATABASE_URL", d.URL)
	t.Setenv("PIAZZA_BASE_DOMAIN", "piazza.test")
	t.Setenv("PIAZZA_OPERATOR_HOST", "admin.piazza.test")
	t.Setenv("PIAZZA_SECRET_KEY", strings.Repeat("ab", 32))
	return d
}

func TestTenantCommands(t *testing.T) {
	useDatabase(t)
	steps := []struct {
		args    []string
		out     string
		errText string
	}{
		{[]string{"tenant", "create", "--slug", "lazio", "--name", "Regione Lazio", "--host", "partecipa.regione.lazio.it", "--admin-email", "admin@regione.lazio.it"},
			"created tenant lazio (Regione Lazio), serving on https://lazio.piazza.test, https://partecipa.regione.lazio.it\nsign-in page: https://lazio.piazza.test/auth/login\n", ""},
		{[]string{"tenant", "create", "--slug", "lazio", "--name", "Ancora Lazio"}, "", `slug already taken: "lazio"`},
		{[]string{"tenant", "create", "--slug", "www", "--name", "W"}, "", "reserved"},
		{[]string{"tenant", "create", "--name", "No slug"}, "", `"slug" not set`},
		{[]string{"tenant", "suspend", "lazio"}, "tenant lazio is now suspended", ""},
		{[]string{"tenant", "suspend", "lazio"}, "", "which is suspended"},
		{[]string{"tenant", "resume", "lazio"}, "tenant lazio is now active", ""},
		{[]string{"tenant", "suspend", "umbria"}, "", `no such tenant: "umbria"`},
		{[]string{"tenant", "delete", "lazio"}, "restorable with `piazza tenant restore lazio`", ""},
		{[]string{"tenant", "restore", "lazio"}, "tenant lazio is now suspended", ""},
		{[]string{"tenant", "delete", "lazio", "--purge"}, "tenant lazio purged", ""},
		{[]string{"tenant", "resume", "lazio"}, "", "no such tenant"},
	}
	for _, s := range steps {
		out, _, err := run(t, "", s.args...)
		if s.errText != "" {
			if err == nil || !strings.Contains(err.Error(), s.errText) {
				t.Fatalf("%v: got %v, want an error with %q", s.args, err, s.errText)
			}
			continue
		}
		if err != nil || !strings.Contains(out, s.out) {
			t.Fatalf("%v: got %q, %v; want %q", s.args, out, err, s.out)
		}
	}
}

// The first admin recorded at provisioning gets an invitation by e-mail,
// whose link sets up the account.
func TestTenantCreateInvitesAdmin(t *testing.T) {
	d := useDatabase(t)
	srv := mailtest.Start(t)
	t.Setenv("PIAZZA_SMTP_URL", srv.URL())
	if _, _, err := run(t, "", "tenant", "create", "--slug", "marche", "--name", "Regione Marche", "--admin-email", "admin@regione.marche.it"); err != nil {
		t.Fatal(err)
	}
	var roles int
	if err := d.Admin(t).QueryRow(context.Background(), `SELECT count(*) FROM piazza.casbin_rules r JOIN piazza.tenants t ON r.v2 = t.id::text
		WHERE t.slug = 'marche' AND r.ptype = 'g' AND r.v1 = 'role:admin'
		AND r.v0 = 'user:' || (SELECT id FROM t_marche.users WHERE email = 'admin@regione.marche.it')`).Scan(&roles); err != nil || roles != 1 {
		t.Fatalf("the first admin holds the admin role %d times (%v)", roles, err)
	}
	m := srv.Wait(t, "admin@regione.marche.it")
	if !strings.Contains(m.Text, "https://marche.piazza.test/auth/invite?token=") || !strings.Contains(m.Header.Get("Subject"), "Regione Marche") {
		t.Fatalf("invitation: %s\n%s", m.Header.Get("Subject"), m.Text)
	}
}

func TestTenantListJSON(t *testing.T) {
	useDatabase(t)
	out, _, err := run(t, "", "tenant", "list", "--json")
	if err != nil || strings.TrimSpace(out) != "[]" {
		t.Fatalf("empty list: %q %v", out, err)
	}
	for _, s := range []string{"bari", "lecce"} {
		if _, _, err := run(t, "", "tenant", "create", "--slug", s, "--name", "Comune di "+s); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err = run(t, "", "tenant", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Slug, Name, Status string
		Hosts              []string
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if len(got) != 2 || got[0].Slug != "bari" || got[1].Hosts[0] != "lecce.piazza.test" || got[0].Status != "active" {
		t.Fatalf("list: %+v", got)
	}
	out, _, _ = run(t, "", "tenant", "list")
	if !strings.Contains(out, "SLUG") || !strings.Contains(out, "Comune di lecce") {
		t.Fatalf("table: %s", out)
	}
}

func TestTenantImport(t *testing.T) {
	useDatabase(t)
	bad := "slug,name,hosts,admin_email\nbergamo,Comune di Bergamo\nBrescia,Comune di Brescia\nbergamo,Di nuovo\n"
	_, stderr, err := run(t, bad, "tenant", "import", "-")
	var ex exitError
	if !errors.As(err, &ex) || !strings.Contains(stderr, "line 3:") || !strings.Contains(stderr, "line 4:") || !strings.Contains(stderr, "nothing provisioned") {
		t.Fatalf("bad file: %v\n%s", err, stderr)
	}
	out, _, _ := run(t, "", "tenant", "list", "--json")
	if strings.TrimSpace(out) != "[]" {
		t.Fatalf("a bad file provisioned something: %s", out)
	}
	path := filepath.Join(t.TempDir(), "tenants.csv")
	good := "como,Comune di Como,open.como.it;como.example.org,admin@comune.como.it\nlecco,Comune di Lecco\n"
	if err := os.WriteFile(path, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, err = run(t, "", "tenant", "import", path)
	if err != nil || !strings.Contains(out, "provisioned 2 tenants") || !strings.Contains(stderr, "provisioning tenants: 2/2") {
		t.Fatalf("good file: %v\n%s\n%s", err, out, stderr)
	}
	if _, _, err := run(t, "", "tenant", "import", filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Fatal("a missing file was accepted")
	}
}

// piazza migrate also makes the spare schemas wanted (PIAZZA_SPARE_SCHEMAS,
// 2 by default), which the next provisioning claims, and drops them when
// none are wanted.
func TestMigrateCommand(t *testing.T) {
	d := useDatabase(t)
	if _, _, err := run(t, "", "tenant", "create", "--slug", "siena", "--name", "Siena"); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := run(t, "", "migrate", "--concurrency", "2")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	spares := func() (n int) {
		if err := d.Admin(t).QueryRow(context.Background(), "SELECT count(*) FROM piazza.spare_schemas").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := spares(); n != 2 {
		t.Fatalf("%d spare schemas after migrate, want 2", n)
	}
	if _, _, err := run(t, "", "tenant", "create", "--slug", "arezzo", "--name", "Arezzo"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "", "tenant", "list", "--json")
	if err != nil || !strings.Contains(out, `"schema": "t__`) || strings.Count(out, `"schema": `) != 2 {
		t.Fatalf("list after claiming a spare: %v\n%s", err, out)
	}
	if n := spares(); n != 1 {
		t.Fatalf("%d spare schemas after a provisioning, want 1", n)
	}
	t.Setenv("PIAZZA_SPARE_SCHEMAS", "0")
	if _, stderr, err := run(t, "", "migrate"); err != nil || spares() != 0 {
		t.Fatalf("migrate with no spares wanted: %v, %d left\n%s", err, spares(), stderr)
	}
	if _, _, err := run(t, "", "migrate", "--concurrency", "0"); err == nil {
		t.Fatal("--concurrency 0 accepted")
	}
}

// Without a database URL every command starts the private cluster in the
// data directory, and stops it again when it started it.
func TestPrivateCluster(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PIAZZA_DATA_DIR", dir)
	t.Setenv("PIAZZA_DATABASE_URL", "")
	t.Setenv("PIAZZA_PG_PORT", strconv.Itoa(freePort(t)))
	out, _, err := run(t, "", "tenant", "create", "--slug", "pisa", "--name", "Comune di Pisa")
	if err != nil || !strings.Contains(out, "pisa.localhost:8080") {
		t.Fatalf("%q %v", out, err)
	}
	out, _, err = run(t, "", "tenant", "list")
	if err != nil || !strings.Contains(out, "Comune di Pisa") {
		t.Fatalf("second run does not see the first's tenant: %q %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg", "data", "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the cluster was left running (postmaster.pid: %v)", err)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Setenv("PIAZZA_LOG_FORMAT", "yaml")
	_, _, err := run(t, "", "tenant", "list")
	if err == nil || !strings.Contains(err.Error(), "PIAZZA_LOG_FORMAT") {
		t.Fatalf("got %v", err)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestOperatorCommands(t *testing.T) {
	useDatabase(t)
	out, _, err := run(t, "", "operator", "create", "--email", "ops@regione.example.it", "--name", "Ops")
	if err != nil || !strings.Contains(out, "password (shown once): ") {
		t.Fatalf("generated password: %q %v", out, err)
	}
	out, _, err = run(t, "a chosen long password\n", "operator", "create", "--email", "two@regione.example.it", "--password-stdin")
	if err != nil || strings.Contains(out, "password (shown once)") {
		t.Fatalf("stdin password: %q %v", out, err)
	}
	if _, _, err := run(t, "short\n", "operator", "create", "--email", "three@regione.example.it", "--password-stdin"); err == nil {
		t.Fatal("a short password was accepted")
	}
	if _, _, err := run(t, "", "operator", "create", "--email", "ops@regione.example.it"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate: %v", err)
	}
	out, _, err = run(t, "", "operator", "list")
	if err != nil || !strings.Contains(out, "ops@regione.example.it") || !strings.Contains(out, "two@regione.example.it") || strings.Contains(out, "three@") {
		t.Fatalf("list: %q %v", out, err)
	}
}

func TestTenantUserCommands(t *testing.T) {
	useDatabase(t)
	if _, _, err := run(t, "", "tenant", "create", "--slug", "abruzzo", "--name", "Regione Abruzzo", "--admin-email", "admin@regione.abruzzo.it"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args     []string
		out, err string
	}{
		{[]string{"tenant", "local-accounts", "abruzzo", "on"}, "local accounts of abruzzo: on", ""},
		{[]string{"tenant", "local-accounts", "abruzzo", "maybe"}, "", "say on or off"},
		{[]string{"tenant", "revoke-sessions", "abruzzo", "--email", "admin@regione.abruzzo.it"}, "every session of admin@regione.abruzzo.it", ""},
		{[]string{"tenant", "revoke-sessions", "abruzzo", "--email", "nobody@regione.abruzzo.it"}, "", "no such user"},
		{[]string{"tenant", "revoke-sessions", "molise", "--email", "a@b.it"}, "", "no such tenant"},
	} {
		out, _, err := run(t, "", c.args...)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || !strings.Contains(out, c.out) {
			t.Errorf("%v: %q %v", c.args, out, err)
		}
	}
}

func TestTenantIdPCommands(t *testing.T) {
	useDatabase(t)
	if _, _, err := run(t, "", "tenant", "create", "--slug", "veneto", "--name", "Regione Veneto"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "il-segreto\n", "tenant", "idp", "add", "veneto", "--key", "regione", "--issuer", "https://sso.regione.veneto.example/realms/pa",
		"--client-id", "piazza", "--client-secret-stdin", "--label", "Regione Veneto")
	if err != nil || !strings.Contains(out, "https://veneto.piazza.test/auth/oidc/regione/callback") {
		t.Fatalf("add: %q %v", out, err)
	}
	if _, _, err := run(t, "", "tenant", "idp", "add", "veneto", "--key", "spid", "--kind", "spid", "--issuer", "https://spid.example",
		"--client-id", "https://veneto.piazza.test", "--private-key-jwt", "--request-object", "--acr", "https://www.spid.gov.it/SpidL2"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "", "tenant", "idp", "add", "veneto", "--key", "cie", "--kind", "cie", "--issuer", "https://cie.example",
		"--client-id", "https://veneto.piazza.test", "--claims", "given_name,shoe_size"); err == nil || !strings.Contains(err.Error(), "claims:") {
		t.Fatalf("an unknown SPID/CIE attribute: %v", err)
	}
	if _, _, err := run(t, "", "tenant", "idp", "add", "veneto", "--key", "cie", "--kind", "cie", "--issuer", "https://cie.example",
		"--client-id", "https://veneto.piazza.test", "--prompt", "login"); err == nil || !strings.Contains(err.Error(), "prompt:") {
		t.Fatalf("prompt login for CIE: %v", err)
	}
	if _, _, err := run(t, "", "tenant", "idp", "add", "veneto", "--key", "cie", "--kind", "cie", "--issuer", "https://cie.example",
		"--client-id", "https://veneto.piazza.test", "--claims", "given_name,family_name,fiscal_number", "--prompt", "consent", "--acr", "https://www.spid.gov.it/SpidL3"); err != nil {
		t.Fatalf("a CIE provider: %v", err)
	}
	if _, _, err := run(t, "", "tenant", "idp", "add", "veneto", "--key", "bad", "--issuer", "ftp://x", "--client-id", "c", "--client-secret", "s"); err == nil || !strings.Contains(err.Error(), "issuer:") {
		t.Fatalf("bad issuer: %v", err)
	}
	out, _, err = run(t, "", "tenant", "idp", "list", "veneto")
	if err != nil || !strings.Contains(out, "regione") || !strings.Contains(out, "private_key_jwt") || strings.Contains(out, "il-segreto") ||
		!strings.Contains(out, "given_name,family_name,email,fiscal_number") || !strings.Contains(out, "consent login") ||
		!strings.Contains(out, "given_name,family_name,fiscal_number") || !strings.Contains(out, "SpidL3") {
		t.Fatalf("list: %q %v", out, err)
	}
	if _, _, err := run(t, "", "tenant", "idp", "update", "veneto", "--key", "regione", "--issuer", "https://sso2.regione.veneto.example/realms/pa", "--client-id", "piazza"); err != nil {
		t.Fatalf("update keeping the secret: %v", err)
	}
	if out, _, _ = run(t, "", "tenant", "idp", "list", "veneto"); !strings.Contains(out, "sso2.regione") {
		t.Fatalf("update not applied: %s", out)
	}
	if out, _, err = run(t, "", "tenant", "idp", "disable", "veneto", "regione"); err != nil || !strings.Contains(out, "disabled") {
		t.Fatalf("disable: %q %v", out, err)
	}
	if _, _, err := run(t, "", "tenant", "idp", "disable", "veneto", "nope"); err == nil {
		t.Fatal("disabling an unknown IdP succeeded")
	}
	if out, _, err = run(t, "", "tenant", "idp", "rotate-key", "veneto"); err != nil || !strings.Contains(out, "new signing key") || !strings.Contains(out, "encryption key") {
		t.Fatalf("rotate: %q %v", out, err)
	}
}
