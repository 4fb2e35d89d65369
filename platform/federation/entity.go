package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/piazza-pa/piazza/platform/idp"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// Tenant is what the federation knows of a tenant (the control plane's
// tenant, as platform code sees it).
type Tenant struct {
	ID   int64
	Name string
	// Hosts are the tenant's registered host names, the default one first.
	Hosts      []string
	AdminEmail string
}

// EntityID is the tenant's entity id: its default host, with the scheme
// the sites are served with (never a word of a request header).
func (t Tenant) EntityID(scheme string) string { return scheme + "://" + t.Hosts[0] }

// Service signs the statements of the tenants and of the installation.
type Service struct {
	Keys *Keys
	// RPKeys are the tenants' relying-party keys and IdPs their identity
	// providers (platform/idp), read for the relying party's metadata.
	RPKeys *idp.Keys
	IdPs   *idp.Store
	Config Config
	// Scheme is the scheme the sites are served with.
	Scheme string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// AuthorityHints are a tenant's superiors: its own, or else the
// installation when it is an intermediate.
func (s *Service) AuthorityHints(set *Settings) []string {
	if len(set.AuthorityHints) > 0 {
		return set.AuthorityHints
	}
	if s.Config.Intermediate() {
		return []string{s.Config.EntityID}
	}
	return nil
}

// TenantConfiguration signs t's entity configuration: iss = sub = its
// entity id, its federation keys, its relying-party metadata, the trust
// marks it holds and its authority hints.
func (s *Service) TenantConfiguration(ctx context.Context, t Tenant) ([]byte, error) {
	if len(t.Hosts) == 0 {
		return nil, fmt.Errorf("tenant %d has no host", t.ID)
	}
	set, err := s.Keys.Settings(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	key, keys, err := s.Keys.current(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	rp, err := s.relyingParty(ctx, t, set)
	if err != nil {
		return nil, err
	}
	id := t.EntityID(s.Scheme)
	st := Statement{Issuer: id, Subject: id, JWKS: &keys, AuthorityHints: s.AuthorityHints(set), TrustMarks: set.TrustMarks,
		Metadata: map[string]map[string]any{"openid_relying_party": rp,
			"federation_entity": {"organization_name": t.Name, "contacts": rp["contacts"], "homepage_uri": id}}}
	stamp(&st, s.now(), s.Config.lifetime())
	return sign(key, st)
}

// relyingParty is t's openid_relying_party metadata: redirect URIs of its
// enabled identity providers on each of its hosts, its relying-party
// signing keys, automatic registration and private_key_jwt.
func (s *Service) relyingParty(ctx context.Context, t Tenant, set *Settings) (map[string]any, error) {
	rpKeys, err := s.RPKeys.JWKS(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("relying-party keys: %w", err)
	}
	idps, err := s.IdPs.List(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("identity providers: %w", err)
	}
	redirects := []string{}
	for _, h := range t.Hosts {
		for _, i := range idps {
			if i.Enabled {
				redirects = append(redirects, s.Scheme+"://"+h+"/auth/oidc/"+i.Key+"/callback")
			}
		}
	}
	contacts := slices.Clone(set.Contacts)
	if len(contacts) == 0 && t.AdminEmail != "" {
		contacts = []string{t.AdminEmail}
	}
	return map[string]any{"client_id": t.EntityID(s.Scheme), "client_name": t.Name, "organization_name": t.Name,
		"contacts": contacts, "redirect_uris": redirects, "application_type": "web",
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"},
		"token_endpoint_auth_method": idp.AuthPrivateJWT, "id_token_signed_response_alg": "RS256",
		"client_registration_types": []string{"automatic"}, "jwks": rpKeys}, nil
}

// InstallationConfiguration signs the installation's entity configuration
// as intermediate: its keys, its authority hints and its federation
// endpoints.
func (s *Service) InstallationConfiguration(ctx context.Context) ([]byte, error) {
	key, keys, err := s.Keys.current(ctx, Installation)
	if err != nil {
		return nil, err
	}
	c := s.Config
	fe := map[string]any{"federation_fetch_endpoint": c.EntityID + FetchPath, "federation_list_endpoint": c.EntityID + ListPath,
		"homepage_uri": c.EntityID}
	if c.Organization != "" {
		fe["organization_name"] = c.Organization
	}
	if len(c.Contacts) > 0 {
		fe["contacts"] = c.Contacts
	}
	st := Statement{Issuer: c.EntityID, Subject: c.EntityID, JWKS: &keys, AuthorityHints: c.AuthorityHints,
		Metadata: map[string]map[string]any{"federation_entity": fe}}
	stamp(&st, s.now(), c.lifetime())
	return sign(key, st)
}

// Subordinate signs the installation's statement about t: iss the
// installation, sub t's entity id, t's federation keys.
func (s *Service) Subordinate(ctx context.Context, t Tenant) ([]byte, error) {
	key, err := s.Keys.Signer(ctx, Installation)
	if err != nil {
		return nil, err
	}
	_, keys, err := s.Keys.current(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	st := Statement{Issuer: s.Config.EntityID, Subject: t.EntityID(s.Scheme), JWKS: &keys,
		SourceEndpoint: s.Config.EntityID + FetchPath}
	if len(s.Config.RPPolicy) > 0 {
		st.MetadataPolicy = map[string]map[string]Policy{"openid_relying_party": s.Config.RPPolicy}
	}
	stamp(&st, s.now(), s.Config.lifetime())
	return sign(key, st)
}

// Subordinates says which of ts the installation vouches for: those whose
// authority hints name it (as they do when they name none).
func (s *Service) Subordinates(ctx context.Context, ts []Tenant) ([]Tenant, error) {
	if !s.Config.Intermediate() {
		return nil, nil
	}
	var rows []Settings
	if err := s.Keys.db.NewSelect().Model(&rows).Scan(ctx); err != nil {
		return nil, fmt.Errorf("federation settings: %w", err)
	}
	byID := map[int64]*Settings{}
	for i := range rows {
		byID[rows[i].TenantID] = &rows[i]
	}
	var out []Tenant
	for _, t := range ts {
		set := byID[t.ID]
		if set == nil {
			set = &Settings{}
		}
		if slices.Contains(s.AuthorityHints(set), s.Config.EntityID) {
			out = append(out, t)
		}
	}
	return out, nil
}

// Vouches says whether the installation vouches for t.
func (s *Service) Vouches(ctx context.Context, t Tenant) (bool, error) {
	if !s.Config.Intermediate() {
		return false, nil
	}
	set, err := s.Keys.Settings(ctx, t.ID)
	if err != nil {
		return false, err
	}
	return slices.Contains(s.AuthorityHints(set), s.Config.EntityID), nil
}

// current is owner's current signing key (made on first use) and its
// published key set.
func (k *Keys) current(ctx context.Context, id int64) (jose.SigningKey, jose.JSONWebKeySet, error) {
	key, err := k.Signer(ctx, id)
	if err != nil {
		return key, jose.JSONWebKeySet{}, err
	}
	set, err := k.JWKS(ctx, id)
	return key, set, err
}
