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
-- key (platform/secret). One current key per owner; a retired key stays
-- published for an overlap, so that statements signed before a rotation
-- still verify.
CREATE TABLE piazza.federation_keys (
    kid         text PRIMARY KEY,
    tenant_id   bigint REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    private_key bytea NOT NULL,
    public_jwk  jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz
);
CREATE INDEX federation_keys_owner_idx ON piazza.federation_keys (COALESCE(tenant_id, 0));
CREATE UNIQUE INDEX federation_keys_current_idx ON piazza.federation_keys (COALESCE(tenant_id, 0))
    WHERE retired_at IS NULL;
