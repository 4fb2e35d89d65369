package main

import (
	"context"
	"strings"
	"testing"

	"github.com/piazza-pa/piazza/platform/mail/mailtest"
)

// `tenant create --admin-email` alone ends with an admin who can sign in:
// local accounts on and an invitation whose link, beside the dev server
// (its loopback base domain), opens over http; the output's lines, URLs
// with the same scheme, end with a newline.
func TestTenantCreateAdminEmailAloneSignsIn(t *testing.T) {
	d := useDatabase(t)
	t.Setenv("PIAZZA_BASE_DOMAIN", "localhost:8080")
	t.Setenv("PIAZZA_OPERATOR_HOST", "admin.localhost:8080")
	srv := mailtest.Start(t)
	t.Setenv("PIAZZA_SMTP_URL", srv.URL())
	out, _, err := run(t, "", "tenant", "create", "--slug", "rieti", "--name", "Provincia di Rieti", "--admin-email", "admin@provincia.rieti.it")
	if err != nil {
		t.Fatal(err)
	}
	want := "created tenant rieti (Provincia di Rieti), serving on http://rieti.localhost:8080\n" +
		"sign-in page: http://rieti.localhost:8080/auth/login\n" +
		"invitation to choose a password sent to admin@provincia.rieti.it\n"
	if out != want {
		t.Fatalf("output:\n%q\nwant\n%q", out, want)
	}
	m := srv.Wait(t, "admin@provincia.rieti.it")
	if !strings.Contains(m.Text, "http://rieti.localhost:8080/auth/invite?token=") || strings.Contains(m.Text, "https://") {
		t.Fatalf("invitation: %s", m.Text)
	}
	var local bool
	if err := d.Admin(t).QueryRow(context.Background(),
		"SELECT coalesce((SELECT value = 'true'::jsonb FROM t_rieti.settings WHERE key = 'auth.local_accounts'), false)").Scan(&local); err != nil || !local {
		t.Fatalf("local accounts of the new tenant: %v (%v)", local, err)
	}
}

// A provider whose discovery cannot be read creates nothing.
func TestTenantCreateRefusesUnreachableProvider(t *testing.T) {
	d := useDatabase(t)
	_, _, err := run(t, "terni-secret\n", "tenant", "create", "--slug", "terni", "--name", "Comune di Terni", "--admin-email", "admin@comune.terni.it",
		"--idp-issuer", "http://127.0.0.1:1/realms/pa", "--idp-client-id", "piazza", "--idp-client-secret-stdin")
	if err == nil || !strings.Contains(err.Error(), "discovery") {
		t.Fatalf("unreachable provider: %v", err)
	}
	var n int
	if err := d.Admin(t).QueryRow(context.Background(), "SELECT count(*) FROM piazza.tenants WHERE slug = 'terni'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("tenants created: %d (%v)", n, err)
	}
}
