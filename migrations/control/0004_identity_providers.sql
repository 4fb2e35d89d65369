-- Tenants' OpenID Connect identity providers and the tenants' own relying-
-- party signing keys (private_key_jwt, signed request objects). Secrets are
-- sealed with the installation's secret key (platform/secret).
CREATE TABLE piazza.tenant_idps (
    tenant_id          bigint NOT NULL REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    key                text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
    label              text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    kind               text NOT NULL DEFAULT 'generic' CHECK (kind IN ('generic', 'spid', 'cie')),
    issuer             text NOT NULL,
    client_id          text NOT NULL CHECK (client_id <> ''),
    client_auth        text NOT NULL
                       CHECK (client_auth IN ('client_secret_basic', 'client_secret_post', 'private_key_jwt')),
    client_secret      bytea,
    scopes             text[] NOT NULL DEFAULT '{openid,profile,email}',
    acr_values         text[] NOT NULL DEFAULT '{}',
    claim_subject      text NOT NULL DEFAULT 'sub',
    claim_email        text NOT NULL DEFAULT 'email',
    claim_given_name   text NOT NULL DEFAULT 'given_name',
    claim_family_name  text NOT NULL DEFAULT 'family_name',
    claim_fiscal_number text NOT NULL DEFAULT 'fiscal_number',
    link_by            text NOT NULL DEFAULT 'email' CHECK (link_by IN ('fiscal_number', 'email', 'never')),
    request_object     boolean NOT NULL DEFAULT false,
    enabled            boolean NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key),
    CHECK ((client_auth = 'private_key_jwt') = (client_secret IS NULL))
);

CREATE TABLE piazza.tenant_rp_keys (
    tenant_id   bigint NOT NULL REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    kid         text NOT NULL,
    private_key bytea NOT NULL,
    public_jwk  jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz,
    PRIMARY KEY (tenant_id, kid)
);

CREATE TRIGGER tenant_idps_changed AFTER INSERT OR UPDATE OR DELETE ON piazza.tenant_idps
    FOR EACH ROW EXECUTE FUNCTION piazza.notify_tenant_changed();
CREATE TRIGGER tenant_rp_keys_changed AFTER INSERT OR UPDATE OR DELETE ON piazza.tenant_rp_keys
    FOR EACH ROW EXECUTE FUNCTION piazza.notify_tenant_changed();
