-- OpenID Federation (docs/federation.md). Each tenant is a relying party
-- with its own entity configuration; the installation may act as an
-- intermediate for its tenants.
--
-- A tenant's federation settings, set with `piazza tenant federation`:
-- its authority hints (empty: the installation, when it is an
-- intermediate), the trust marks it holds (objects {"trust_mark_type",
-- "trust_mark"}) and the contacts published in its metadata.
CREATE TABLE piazza.tenant_federation (
    tenant_id       bigint PRIMARY KEY REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    authority_hints text[] NOT NULL DEFAULT '{}',
    trust_marks     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(trust_marks) = 'array'),
    contacts        text[] NOT NULL DEFAULT '{}',
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Federation signing keys: a tenant's (tenant_id) or the installation's as
-- intermediate (tenant_id NULL). Distinct from the relying-party keys of
-- tenant_rp_keys; private keys are sealed with the installation's secret
-- key (platform/secret). The key signing is the latest whose active_from
-- has come; a rotation publishes the next key ahead of its active_from, so
-- that superiors' statements carry it before it signs, and a superseded key
-- stays published for an overlap, so that what it signed still verifies.
CREATE TABLE piazza.federation_keys (
    kid         text PRIMARY KEY,
    tenant_id   bigint REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    private_key bytea NOT NULL,
    public_jwk  jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    active_from timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX federation_keys_owner_idx ON piazza.federation_keys (COALESCE(tenant_id, 0), active_from);
