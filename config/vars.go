package config

import (
	"encoding/json"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// variable is one PIAZZA_* setting: set stores a value (trimmed, not
// empty) into the configuration, or says what is wrong with it (never
// repeating a secret).
type variable struct {
	key string
	set func(c *Config, v string) error
}

// variables are the settings Load reads, in the order their errors are
// reported.
var variables = []variable{
	{"PIAZZA_DATABASE_URL", func(c *Config, v string) error {
		c.DatabaseURL = v
		return checkDatabaseURL(v)
	}},
	{"PIAZZA_ADDR", func(c *Config, v string) error {
		c.Addr = v
		if _, port, err := net.SplitHostPort(v); err != nil || !validPort(port) {
			return fmt.Errorf("%q is not a listen address of the form host:port or :port", v)
		}
		return nil
	}},
	{"PIAZZA_BASE_DOMAIN", func(c *Config, v string) error {
		c.BaseDomain = strings.ToLower(strings.TrimSuffix(v, "."))
		return CheckHost(c.BaseDomain)
	}},
	{"PIAZZA_OPERATOR_HOST", func(c *Config, v string) error {
		c.OperatorHost = strings.ToLower(strings.TrimSuffix(v, "."))
		return CheckHost(c.OperatorHost)
	}},
	{"PIAZZA_DATA_DIR", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"PIAZZA_SECRET_KEY", func(c *Config, v string) (err error) {
		c.SecretKey, err = DecodeKey(v)
		return err
	}},
	{"PIAZZA_LOG_LEVEL", func(c *Config, v string) error {
		if c.LogLevel.UnmarshalText([]byte(v)) != nil {
			return fmt.Errorf("%q is not one of debug, info, warn, error", v)
		}
		return nil
	}},
	{"PIAZZA_LOG_FORMAT", func(c *Config, v string) error {
		c.LogFormat = v
		if v != "text" && v != "json" {
			return fmt.Errorf("%q is not one of text, json", v)
		}
		return nil
	}},
	{"PIAZZA_DELETE_GRACE", func(c *Config, v string) (err error) {
		if c.DeleteGrace, err = time.ParseDuration(v); err != nil || c.DeleteGrace < 0 {
			return fmt.Errorf("%q is not a duration such as 720h", v)
		}
		return nil
	}},
	{"PIAZZA_SPARE_SCHEMAS", func(c *Config, v string) (err error) {
		if c.SpareSchemas, err = strconv.Atoi(v); err != nil || c.SpareSchemas < 0 || c.SpareSchemas > 100 {
			return fmt.Errorf("%q is not a number of spare schemas from 0 to 100", v)
		}
		return nil
	}},
	{"PIAZZA_LOGIN_GROUP_SIZE", func(c *Config, v string) (err error) {
		if c.LoginGroupSize, err = strconv.Atoi(v); err != nil || c.LoginGroupSize < 10 || c.LoginGroupSize > 2000 {
			return fmt.Errorf("%q is not a number of tenants per login group from 10 to 2000", v)
		}
		return nil
	}},
	{"PIAZZA_PG_PORT", func(c *Config, v string) error {
		c.PGPort, _ = strconv.Atoi(v)
		if !validPort(v) {
			return fmt.Errorf("%q is not a port number (1-65535)", v)
		}
		return nil
	}},
	{"PIAZZA_TRUSTED_PROXIES", func(c *Config, v string) (err error) {
		c.TrustedProxies, err = ParseProxies(v)
		return err
	}},
	{"PIAZZA_EGRESS_ALLOW", func(c *Config, v string) (err error) {
		c.EgressAllow, err = ParseProxies(v)
		return err
	}},
	{"PIAZZA_CONCURRENCY", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return fmt.Errorf("%q is not a number of requests between 1 and 10000", v)
		}
		c.Concurrency = n
		return nil
	}},
	{"PIAZZA_SMTP_URL", func(c *Config, v string) error {
		c.SMTPURL = v
		if u, err := url.Parse(v); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return fmt.Errorf("must be smtp://[user:password@]host[:port][?tls=mandatory|opportunistic|none] or smtps://…")
		}
		return nil
	}},
	{"PIAZZA_MAIL_FROM", func(c *Config, v string) error {
		c.MailFrom = v
		if _, err := mail.ParseAddress(v); err != nil {
			return fmt.Errorf("%q is not an e-mail address (e.g. Piazza <noreply@example.org>)", v)
		}
		return nil
	}},
	{"PIAZZA_STRIPE_KEY", func(c *Config, v string) error {
		c.StripeKey = v
		if !strings.HasPrefix(v, "sk_") && !strings.HasPrefix(v, "rk_") || len(v) < 8 || strings.ContainsAny(v, " \t") {
			return fmt.Errorf("must be a Stripe secret or restricted key (sk_… or rk_…)")
		}
		return nil
	}},
	{"PIAZZA_STRIPE_WEBHOOK_SECRET", func(c *Config, v string) error {
		c.StripeWebhookSecret = v
		if !strings.HasPrefix(v, "whsec_") || len(v) < 10 || strings.ContainsAny(v, " \t") {
			return fmt.Errorf("must be the signing secret of a Stripe webhook endpoint (whsec_…)")
		}
		return nil
	}},
	{"PIAZZA_FEDERATION_ENTITY_ID", func(c *Config, v string) error {
		c.FederationEntityID = strings.TrimSuffix(v, "/")
		if u, err := url.Parse(c.FederationEntityID); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("%q is not the operator host's URL (https://admin.example.org)", v)
		}
		return nil
	}},
	{"PIAZZA_FEDERATION_AUTHORITY_HINTS", func(c *Config, v string) error {
		c.FederationAuthorityHints = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
		for _, h := range c.FederationAuthorityHints {
			if u, err := url.Parse(h); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return fmt.Errorf("%q is not an entity id (an https URL)", h)
			}
		}
		return nil
	}},
	{"PIAZZA_FEDERATION_TRUST_ANCHORS", func(c *Config, v string) error { c.FederationTrustAnchors = v; return nil }},
	{"PIAZZA_FEDERATION_RP_POLICY", func(c *Config, v string) error {
		var p map[string]map[string]any
		if err := json.Unmarshal([]byte(v), &p); err != nil {
			return fmt.Errorf("not a JSON object of parameter → {operator: value}: %v", err)
		}
		c.FederationRPPolicy = v
		return nil
	}},
	{"PIAZZA_FEDERATION_ORGANIZATION", func(c *Config, v string) error { c.FederationOrganization = v; return nil }},
	{"PIAZZA_FEDERATION_CONTACTS", func(c *Config, v string) error {
		c.FederationContacts = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
		for _, a := range c.FederationContacts {
			if _, err := mail.ParseAddress(a); err != nil {
				return fmt.Errorf("%q is not an e-mail address", a)
			}
		}
		return nil
	}},
}
