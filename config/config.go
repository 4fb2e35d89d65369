// Package config holds Piazza's typed configuration, read once at start-up
// from PIAZZA_* environment variables, with defaults that let `piazza dev`
// run with nothing set.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Mode says which command is loading the configuration; defaults differ.
type Mode int

const (
	// ModeDev is `piazza dev`: everything has a local default.
	ModeDev Mode = iota
	// ModeServe is `piazza serve`: a production server.
	ModeServe
	// ModeTool is every other subcommand (migrate, tenant …).
	ModeTool
)

// Config is the whole configuration of one Piazza process.
type Config struct {
	// DatabaseURL is the PostgreSQL connection string; empty means the
	// private cluster under DataDir.
	DatabaseURL string
	// Addr is the address the HTTP server listens on.
	Addr string
	// BaseDomain is the domain under which tenant hosts live: <slug>.<BaseDomain>.
	BaseDomain string
	// OperatorHost is the host name of the operator console.
	OperatorHost string
	// SecretKey encrypts secrets at rest (32 bytes); see LoadSecretKey.
	SecretKey []byte
	// DataDir keeps the private cluster, the generated secret key and files.
	DataDir string
	// LogLevel is the minimum level logged.
	LogLevel slog.Level
	// LogFormat is "text" or "json".
	LogFormat string
	// DeleteGrace is how long a deleted tenant stays restorable before purge.
	DeleteGrace time.Duration
	// SpareSchemas is how many tenant schemas are kept made ahead, so that
	// provisioning claims one instead of migrating a new schema
	// (PIAZZA_SPARE_SCHEMAS; 0 turns them off).
	SpareSchemas int
	// LoginGroupSize is how many tenant roles one login group takes
	// (PIAZZA_LOGIN_GROUP_SIZE; see platform/db/group.go).
	LoginGroupSize int
	// SMTPURL is where e-mail goes (smtp://user:pass@host:port?tls=…);
	// empty means e-mails are written to the log (development).
	SMTPURL string
	// MailFrom is the sender address of Piazza's e-mails.
	MailFrom string
	// PGPort is the loopback port of the private cluster (PIAZZA_PG_PORT).
	PGPort int
	// TrustedProxies are the proxies (CIDRs) whose X-Forwarded-For and
	// Forwarded headers name the visitor (PIAZZA_TRUSTED_PROXIES); none by
	// default.
	TrustedProxies []netip.Prefix
	// EgressAllow are the ranges besides public addresses that the
	// addresses tenant admins give (an OpenID provider's issuer, a
	// federation entity) may lead to (PIAZZA_EGRESS_ALLOW); none under
	// serve, the loopback under dev (an identity provider on the
	// developer's machine).
	EgressAllow []netip.Prefix
	// Concurrency is how many requests a replica works on at once
	// (PIAZZA_CONCURRENCY); 0: two per CPU.
	Concurrency int
	// StripeKey is the Stripe secret key (PIAZZA_STRIPE_KEY); empty turns
	// billing off. StripeWebhookSecret verifies Stripe's webhooks
	// (PIAZZA_STRIPE_WEBHOOK_SECRET), required with the key.
	StripeKey, StripeWebhookSecret string
	// Storage is where uploaded files go (PIAZZA_STORAGE_URL and its keys);
	// the data directory's files folder by default.
	Storage Storage
	// FederationEntityID makes the installation an OpenID Federation
	// intermediate for its tenants, with this entity id: the operator
	// host's URL (PIAZZA_FEDERATION_ENTITY_ID); empty: none.
	// FederationAuthorityHints are its superiors (its trust anchor),
	// FederationOrganization and FederationContacts describe it.
	FederationEntityID       string
	FederationAuthorityHints []string
	FederationOrganization   string
	FederationContacts       []string
	// FederationRPPolicy is the metadata policy (a JSON object: parameter →
	// operators) the intermediate puts on its tenants' relying-party
	// metadata (PIAZZA_FEDERATION_RP_POLICY); empty: none.
	FederationRPPolicy string
	// FederationTrustAnchors is the JSON file of the trust anchors that
	// providers' trust chains are resolved to (PIAZZA_FEDERATION_TRUST_ANCHORS).
	FederationTrustAnchors string
	// Dev is true under `piazza dev`: insecure cookies allowed, details in errors.
	Dev bool
}

// Lookup reads one environment variable; os.LookupEnv in production.
type Lookup func(key string) (string, bool)

// Load reads the configuration for mode from lookup. Every invalid value is
// reported, each naming its variable.
func Load(lookup Lookup, mode Mode) (*Config, error) {
	c := &Config{
		Addr:           "127.0.0.1:8080",
		BaseDomain:     "localhost:8080",
		OperatorHost:   "admin.localhost:8080",
		DataDir:        ".piazza",
		LogLevel:       slog.LevelInfo,
		LogFormat:      "text",
		DeleteGrace:    30 * 24 * time.Hour,
		SpareSchemas:   2,
		LoginGroupSize: 250,
		PGPort:         15432,
		MailFrom:       "Piazza <noreply@localhost>",
		Dev:            mode == ModeDev,
	}
	if mode == ModeTool {
		c.LogLevel = slog.LevelWarn // a command's own output is what matters
	}
	if mode == ModeServe {
		c.Addr = ":8080"
		c.LogFormat = "json"
	}
	if mode == ModeDev {
		c.EgressAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
	var errs []error
	bad := func(key, msg string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(msg, args...)))
	}
	for _, vs := range [][]variable{variables, storageVariables} {
		for _, v := range vs {
			if s, ok := lookup(v.key); ok && strings.TrimSpace(s) != "" {
				if err := v.set(c, strings.TrimSpace(s)); err != nil {
					bad(v.key, "%v", err)
				}
			}
		}
	}
	checkStorageKeys(c, lookup, bad)
	if mode == ModeServe && c.DatabaseURL != "" && c.SecretKey == nil {
		bad("PIAZZA_SECRET_KEY", "required with PIAZZA_DATABASE_URL under serve: every replica must share the same key (32 random bytes, base64 or hex)")
	}
	if c.StripeKey != "" && c.StripeWebhookSecret == "" {
		bad("PIAZZA_STRIPE_WEBHOOK_SECRET", "required with PIAZZA_STRIPE_KEY: the signing secret of the webhook endpoint (whsec_…)")
	}
	if c.OperatorHost == c.BaseDomain {
		bad("PIAZZA_OPERATOR_HOST", "must differ from PIAZZA_BASE_DOMAIN")
	}
	// A command run beside a server cannot tell the scheme it serves (a
	// development server's is http): it checks the host alone.
	want := c.Scheme() + "://" + c.OperatorHost
	if mode == ModeTool && strings.HasSuffix(c.FederationEntityID, "://"+c.OperatorHost) {
		want = c.FederationEntityID
	}
	if c.FederationEntityID != "" && c.FederationEntityID != want {
		bad("PIAZZA_FEDERATION_ENTITY_ID", "the operator host serves the intermediate's statements: it must be %s", want)
	}
	if c.FederationEntityID != "" && len(c.FederationAuthorityHints) == 0 {
		bad("PIAZZA_FEDERATION_AUTHORITY_HINTS", "required with PIAZZA_FEDERATION_ENTITY_ID: the intermediate's trust anchor")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// TenantHost is the host every tenant always answers on: <slug>.<base domain>.
func (c *Config) TenantHost(slug string) string {
	return slug + "." + c.BaseDomain
}

// Scheme is the scheme of every link Piazza writes to its sites (mails,
// redirect URIs, printed URLs), decided from the configuration alone:
// http under `piazza dev` and wherever the sites live under a loopback
// name (localhost, *.localhost, 127.0.0.1: the dev server's, for which no
// certificate exists), https otherwise (`piazza serve` behind TLS).
func (c *Config) Scheme() string {
	if c.Dev || loopbackHost(c.BaseDomain) {
		return "http"
	}
	return "https"
}

// loopbackHost says whether hostport names this machine.
func loopbackHost(hostport string) bool {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.ToLower(strings.Trim(h, "[]"))
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.IsLoopback()
	}
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// LoadSecretKey fills SecretKey from the data directory when no
// PIAZZA_SECRET_KEY was given, generating and keeping one on first use.
func (c *Config) LoadSecretKey() error {
	if c.SecretKey != nil {
		return nil
	}
	path := filepath.Join(c.DataDir, "secret.key")
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := DecodeKey(string(b))
		if err != nil {
			return fmt.Errorf("secret key in %s: %w", path, err)
		}
		c.SecretKey = key
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read secret key: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("generate secret key: %w", err)
	}
	if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	enc := base64.StdEncoding.EncodeToString(key) + "\n"
	if err := os.WriteFile(path, []byte(enc), 0o600); err != nil {
		return fmt.Errorf("write secret key: %w", err)
	}
	c.SecretKey = key
	return nil
}

// DecodeKey accepts 32 bytes written as base64 (standard or URL) or hex.
func DecodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, dec := range []func(string) ([]byte, error){
		hex.DecodeString,
		base64.StdEncoding.DecodeString,
		base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString,
		base64.RawURLEncoding.DecodeString,
	} {
		if b, err := dec(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, errors.New("must be 32 random bytes written as base64 or hex (for example: openssl rand -base64 32)")
}

// CheckHost validates a host name with an optional port, lower-case,
// as it appears in an HTTP Host header.
func CheckHost(h string) error {
	if h == "" {
		return errors.New("host name is empty")
	}
	name, port := h, ""
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		name, port = h[:i], h[i+1:]
		if !validPort(port) {
			return fmt.Errorf("%q has an invalid port", h)
		}
	}
	if len(name) > 253 {
		return fmt.Errorf("%q is longer than 253 characters", h)
	}
	for _, label := range strings.Split(name, ".") {
		if !validLabel(label) {
			return fmt.Errorf("%q is not a valid host name (labels of a-z, 0-9 and inner hyphens, separated by dots)", h)
		}
	}
	return nil
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, r := range l {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536 && strconv.Itoa(n) == p
}

func checkDatabaseURL(v string) error {
	if strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://") {
		if _, err := url.Parse(v); err != nil {
			return errors.New("not a valid postgres:// URL")
		}
		return nil
	}
	if strings.Contains(v, "=") {
		return nil // key=value connection string, checked on connect
	}
	return errors.New("must be a postgres:// URL or a key=value connection string")
}

// ParseProxies reads a list of addresses and CIDRs separated by commas or
// spaces (10.0.0.0/8, 192.0.2.7, fd00::/8); an address is a /32 or /128.
func ParseProxies(v string) ([]netip.Prefix, error) {
	var ps []netip.Prefix
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if a, err := netip.ParseAddr(f); err == nil {
			ps = append(ps, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a CIDR such as 10.0.0.0/8", f)
		}
		ps = append(ps, p.Masked())
	}
	return ps, nil
}
