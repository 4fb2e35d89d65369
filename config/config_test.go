package config

import (
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil), ModeDev)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.BaseDomain != "localhost:8080" || c.OperatorHost != "admin.localhost:8080" ||
		c.DataDir != ".piazza" || c.DatabaseURL != "" || !c.Dev || c.LogLevel != slog.LevelInfo || c.SpareSchemas != 2 {
		t.Fatalf("dev defaults: %+v", c)
	}
	if c.TenantHost("demo") != "demo.localhost:8080" {
		t.Fatalf("tenant host %q", c.TenantHost("demo"))
	}
	c, err = Load(env(map[string]string{
		"PIAZZA_BASE_DOMAIN": "Piazza.Regione.Lombardia.IT.", "PIAZZA_OPERATOR_HOST": "console.piazza.regione.lombardia.it",
		"PIAZZA_SECRET_KEY": strings.Repeat("ab", 32), "PIAZZA_DATABASE_URL": "postgres://piazza@db/piazza",
		"PIAZZA_DELETE_GRACE": "48h", "PIAZZA_LOG_FORMAT": "json", "PIAZZA_LOG_LEVEL": "debug",
		"PIAZZA_SPARE_SCHEMAS": "0",
	}), ModeServe)
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseDomain != "piazza.regione.lombardia.it" || len(c.SecretKey) != 32 || c.DeleteGrace != 48*time.Hour ||
		c.Addr != ":8080" || c.Dev || c.LogLevel != slog.LevelDebug || c.SpareSchemas != 0 {
		t.Fatalf("serve config: %+v", c)
	}
}

// Every bad value is reported, naming its variable.
func TestLoadInvalid(t *testing.T) {
	cases := []struct {
		key, value string
		mode       Mode
		want       string
	}{
		{"PIAZZA_ADDR", "8080", ModeDev, "PIAZZA_ADDR"},
		{"PIAZZA_ADDR", "localhost:http", ModeDev, "PIAZZA_ADDR"},
		{"PIAZZA_BASE_DOMAIN", "piazza regione.it", ModeDev, "PIAZZA_BASE_DOMAIN"},
		{"PIAZZA_BASE_DOMAIN", "piazza.it:0", ModeDev, "PIAZZA_BASE_DOMAIN"},
		{"PIAZZA_OPERATOR_HOST", "-admin.it", ModeDev, "PIAZZA_OPERATOR_HOST"},
		{"PIAZZA_OPERATOR_HOST", "localhost:8080", ModeDev, "must differ"},
		{"PIAZZA_SECRET_KEY", "short", ModeDev, "PIAZZA_SECRET_KEY: must be 32 random bytes"},
		{"PIAZZA_LOG_LEVEL", "chatty", ModeDev, "PIAZZA_LOG_LEVEL"},
		{"PIAZZA_LOG_FORMAT", "xml", ModeDev, "PIAZZA_LOG_FORMAT"},
		{"PIAZZA_DELETE_GRACE", "a month", ModeDev, "PIAZZA_DELETE_GRACE"},
		{"PIAZZA_DELETE_GRACE", "-1h", ModeDev, "PIAZZA_DELETE_GRACE"},
		{"PIAZZA_PG_PORT", "70000", ModeDev, "PIAZZA_PG_PORT"},
		{"PIAZZA_CONCURRENCY", "0", ModeDev, "PIAZZA_CONCURRENCY"},
		{"PIAZZA_CONCURRENCY", "many", ModeDev, "PIAZZA_CONCURRENCY"},
		{"PIAZZA_SPARE_SCHEMAS", "-1", ModeDev, "PIAZZA_SPARE_SCHEMAS"},
		{"PIAZZA_SPARE_SCHEMAS", "two", ModeDev, "PIAZZA_SPARE_SCHEMAS"},
		{"PIAZZA_LOGIN_GROUP_SIZE", "5", ModeDev, "PIAZZA_LOGIN_GROUP_SIZE"},
		{"PIAZZA_LOGIN_GROUP_SIZE", "many", ModeDev, "PIAZZA_LOGIN_GROUP_SIZE"},
		{"PIAZZA_DATABASE_URL", "mysql://x", ModeDev, "PIAZZA_DATABASE_URL"},
		{"PIAZZA_SMTP_URL", "http://mail.example.org", ModeDev, "PIAZZA_SMTP_URL"},
		{"PIAZZA_SMTP_URL", "smtp://user:s3cret@", ModeDev, "PIAZZA_SMTP_URL"},
		{"PIAZZA_MAIL_FROM", "Piazza", ModeDev, "PIAZZA_MAIL_FROM"},
		{"PIAZZA_TRUSTED_PROXIES", "10.0.0.0/8, ingress", ModeDev, "PIAZZA_TRUSTED_PROXIES"},
		{"PIAZZA_TRUSTED_PROXIES", "10.0.0.0/33", ModeDev, "PIAZZA_TRUSTED_PROXIES"},
		{"PIAZZA_DATABASE_URL", "postgres://piazza:s3cret@db/piazza", ModeServe, "PIAZZA_SECRET_KEY: required"},
		{"PIAZZA_STRIPE_KEY", "pk_test_123456", ModeDev, "PIAZZA_STRIPE_KEY: must be a Stripe secret"},
		{"PIAZZA_STRIPE_KEY", "sk_test_123456", ModeDev, "PIAZZA_STRIPE_WEBHOOK_SECRET: required with PIAZZA_STRIPE_KEY"},
		{"PIAZZA_STRIPE_WEBHOOK_SECRET", "secret", ModeDev, "PIAZZA_STRIPE_WEBHOOK_SECRET: must be the signing secret"},
		{"PIAZZA_FEDERATION_ENTITY_ID", "admin.example.org", ModeDev, "PIAZZA_FEDERATION_ENTITY_ID: \"admin.example.org\" is not the operator host's URL"},
		{"PIAZZA_FEDERATION_ENTITY_ID", "http://other.example", ModeDev, "PIAZZA_FEDERATION_ENTITY_ID: the operator host serves the intermediate's statements: it must be http://admin.localhost:8080"},
		{"PIAZZA_FEDERATION_ENTITY_ID", "http://admin.localhost:8080/", ModeDev, "PIAZZA_FEDERATION_AUTHORITY_HINTS: required with PIAZZA_FEDERATION_ENTITY_ID"},
		{"PIAZZA_FEDERATION_AUTHORITY_HINTS", "anchor.example", ModeDev, "PIAZZA_FEDERATION_AUTHORITY_HINTS: \"anchor.example\" is not an entity id"},
		{"PIAZZA_FEDERATION_CONTACTS", "nobody", ModeDev, "PIAZZA_FEDERATION_CONTACTS: \"nobody\" is not an e-mail address"},
		{"PIAZZA_FEDERATION_RP_POLICY", `["grant_types"]`, ModeDev, "PIAZZA_FEDERATION_RP_POLICY: not a JSON object of parameter → {operator: value}"},
	}
	for _, tc := range cases {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			_, err := Load(env(map[string]string{tc.key: tc.value}), tc.mode)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error shows the password: %v", err)
			}
		})
	}
	_, err := Load(env(map[string]string{"PIAZZA_ADDR": "x", "PIAZZA_LOG_FORMAT": "y"}), ModeDev)
	if err == nil || !strings.Contains(err.Error(), "PIAZZA_ADDR") || !strings.Contains(err.Error(), "PIAZZA_LOG_FORMAT") {
		t.Fatalf("two bad values: %v", err)
	}
}

func TestLoadSecretKey(t *testing.T) {
	dir := t.TempDir()
	c := &Config{DataDir: filepath.Join(dir, "data")}
	if err := c.LoadSecretKey(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "data", "secret.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	again := &Config{DataDir: c.DataDir}
	if err := again.LoadSecretKey(); err != nil || string(again.SecretKey) != string(c.SecretKey) || len(c.SecretKey) != 32 {
		t.Fatal("the generated key is not kept across runs")
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load(env(map[string]string{"PIAZZA_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7 fd00::/8"}), ModeDev)
	if err != nil || len(c.TrustedProxies) != 3 {
		t.Fatalf("Load: %v, %v", c, err)
	}
	ps, err := ParseProxies("10.0.0.0/8, 192.0.2.7 fd00::/8")
	if err != nil || len(ps) != 3 || ps[1].String() != "192.0.2.7/32" {
		t.Fatalf("ParseProxies = %v, %v", ps, err)
	}
	if c, err := Load(env(nil), ModeDev); err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default: %v, %v (no proxy is trusted by default)", c.TrustedProxies, err)
	}
}

// The scheme of every link is decided by the configuration: http under
// `piazza dev` and for the dev server's loopback names (whatever command
// reads them), https for a real domain; request headers play no part.
func TestScheme(t *testing.T) {
	for _, c := range []struct {
		mode   Mode
		base   string
		scheme string
	}{
		{ModeDev, "", "http"},
		{ModeTool, "", "http"}, // `piazza tenant create` beside `piazza dev`
		{ModeTool, "piazza.localhost", "http"},
		{ModeServe, "127.0.0.1:8080", "http"},
		{ModeTool, "piazza.regione.example.it", "https"},
		{ModeServe, "piazza.regione.example.it", "https"},
		{ModeServe, "localhost.example.it", "https"},
	} {
		vars := map[string]string{}
		if c.base != "" {
			vars["PIAZZA_BASE_DOMAIN"] = c.base
		}
		cfg, err := Load(env(vars), c.mode)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.Scheme(); got != c.scheme {
			t.Errorf("mode %d, base domain %q: scheme %s, want %s", c.mode, c.base, got, c.scheme)
		}
	}
}

// The addresses tenant admins give reach public addresses only under serve;
// dev adds the loopback, and PIAZZA_EGRESS_ALLOW replaces the default.
func TestEgressAllow(t *testing.T) {
	serve, err := Load(env(map[string]string{"PIAZZA_DATABASE_URL": "postgres://db/piazza", "PIAZZA_SECRET_KEY": strings.Repeat("ab", 32), "PIAZZA_BASE_DOMAIN": "piazza.example.it"}), ModeServe)
	if err != nil {
		t.Fatal(err)
	}
	if len(serve.EgressAllow) != 0 {
		t.Errorf("serve allows %v by default, want nothing but public addresses", serve.EgressAllow)
	}
	dev, err := Load(env(nil), ModeDev)
	if err != nil {
		t.Fatal(err)
	}
	if len(dev.EgressAllow) != 2 || !dev.EgressAllow[0].Contains(netip.MustParseAddr("127.0.0.1")) {
		t.Errorf("dev allows %v, want the loopback", dev.EgressAllow)
	}
	set, err := Load(env(map[string]string{"PIAZZA_EGRESS_ALLOW": "10.20.0.0/16"}), ModeDev)
	if err != nil || len(set.EgressAllow) != 1 || set.EgressAllow[0].String() != "10.20.0.0/16" {
		t.Errorf("PIAZZA_EGRESS_ALLOW=10.20.0.0/16: %v, %v", set.EgressAllow, err)
	}
	if _, err := Load(env(map[string]string{"PIAZZA_EGRESS_ALLOW": "intranet"}), ModeDev); err == nil || !strings.Contains(err.Error(), "PIAZZA_EGRESS_ALLOW") {
		t.Errorf("a bad range: %v, want an error naming the variable", err)
	}
}
