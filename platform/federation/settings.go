package federation

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
)

// TrustMark is a trust mark a tenant holds, as its entity configuration
// publishes it.
type TrustMark struct {
	Type string `json:"trust_mark_type"`
	JWT  string `json:"trust_mark"`
}

// Settings are a tenant's federation settings (piazza.tenant_federation).
type Settings struct {
	bun.BaseModel `bun:"table:piazza.tenant_federation,alias:tf"`

	TenantID int64 `bun:"tenant_id,pk"`
	// AuthorityHints are the tenant's superiors; empty: the installation,
	// when it is an intermediate.
	AuthorityHints []string    `bun:"authority_hints,array"`
	TrustMarks     []TrustMark `bun:"trust_marks,type:jsonb"`
	// Contacts are published in the metadata; empty: the tenant's admin
	// e-mail, if any.
	Contacts  []string  `bun:"contacts,array"`
	UpdatedAt time.Time `bun:"updated_at,nullzero,default:now()"`
}

// Settings returns a tenant's settings (empty ones when none are stored).
func (k *Keys) Settings(ctx context.Context, tenantID int64) (*Settings, error) {
	s := &Settings{TenantID: tenantID}
	err := k.db.NewSelect().Model(s).WherePK().Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return &Settings{TenantID: tenantID}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("federation settings: %w", err)
	}
	return s, nil
}

// SaveSettings checks s and stores it, naming the first bad value.
func (k *Keys) SaveSettings(ctx context.Context, s *Settings) error {
	if err := s.Normalize(); err != nil {
		return err
	}
	s.UpdatedAt = time.Now()
	_, err := k.db.NewInsert().Model(s).On("CONFLICT (tenant_id) DO UPDATE").
		Set("authority_hints = EXCLUDED.authority_hints, trust_marks = EXCLUDED.trust_marks").
		Set("contacts = EXCLUDED.contacts, updated_at = EXCLUDED.updated_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("save federation settings: %w", err)
	}
	return nil
}

// invalid is a bad setting's error.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", platform.ErrInvalid, fmt.Sprintf(format, args...))
}

// maxItems bounds each list of the settings.
const maxItems = 10

// Normalize checks every value and removes duplicates.
func (s *Settings) Normalize() error {
	if s.AuthorityHints == nil {
		s.AuthorityHints = []string{}
	}
	if s.TrustMarks == nil {
		s.TrustMarks = []TrustMark{}
	}
	if s.Contacts == nil {
		s.Contacts = []string{}
	}
	for i, h := range s.AuthorityHints {
		id, err := CheckEntityID(h)
		if err != nil {
			return invalid("authority hint %q: %v", h, err)
		}
		s.AuthorityHints[i] = id
	}
	s.AuthorityHints = uniq(s.AuthorityHints)
	for _, c := range s.Contacts {
		if a, err := mail.ParseAddress(c); err != nil || a.Address != c {
			return invalid("contact %q is not an e-mail address", c)
		}
	}
	s.Contacts = uniq(s.Contacts)
	if len(s.AuthorityHints) > maxItems || len(s.Contacts) > maxItems || len(s.TrustMarks) > maxItems {
		return invalid("at most %d authority hints, trust marks and contacts each", maxItems)
	}
	return nil
}

func uniq(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// CheckEntityID returns id as an entity identifier (an http or https URL
// with a host and no query or fragment, trailing slash removed), or what
// is wrong with it.
func CheckEntityID(id string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(id))
	switch {
	case err != nil || !u.IsAbs():
		return "", errors.New("not an absolute URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return "", errors.New("not an http(s) URL")
	case u.Host == "" || u.User != nil:
		return "", errors.New("no host")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", errors.New("an entity identifier has no query or fragment")
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// TrustMarkError is a trust mark refused: Kind says why ("malformed",
// "subject", "expired", "issuer", "signature"), for a translated message.
type TrustMarkError struct {
	Kind, Msg string
}

func (e *TrustMarkError) Error() string { return platform.ErrInvalid.Error() + ": " + e.Msg }

// Unwrap makes it an invalid input.
func (e *TrustMarkError) Unwrap() error { return platform.ErrInvalid }

func badMark(kind, format string, args ...any) error {
	return &TrustMarkError{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// ParseTrustMark reads a trust mark (a signed JWT issued to sub) as given on
// the command line: its type comes from its payload ("trust_mark_type", or
// "id" in the SPID/CIE profile). Here the subject and the expiry are
// checked; Resolver.CheckTrustMark checks the signature with the issuer's
// keys.
func ParseTrustMark(jwt, sub string, now time.Time) (TrustMark, error) {
	parts := strings.Split(strings.TrimSpace(jwt), ".")
	if len(parts) != 3 {
		return TrustMark{}, badMark("malformed", "trust mark: not a signed JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		Type string  `json:"trust_mark_type"`
		ID   string  `json:"id"`
		Sub  string  `json:"sub"`
		Exp  float64 `json:"exp"`
	}
	if err != nil || json.Unmarshal(raw, &claims) != nil {
		return TrustMark{}, badMark("malformed", "trust mark: unreadable payload")
	}
	typ := claims.Type
	if typ == "" {
		typ = claims.ID
	}
	switch {
	case typ == "":
		return TrustMark{}, badMark("malformed", "trust mark: no trust_mark_type")
	case claims.Sub != sub:
		return TrustMark{}, badMark("subject", "trust mark: issued to %q, not to %q", claims.Sub, sub)
	case claims.Exp != 0 && time.Unix(int64(claims.Exp), 0).Before(now):
		return TrustMark{}, badMark("expired", "trust mark %s: expired", typ)
	}
	return TrustMark{Type: typ, JWT: strings.Join(parts, ".")}, nil
}
