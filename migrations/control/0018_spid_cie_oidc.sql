-- SPID/CIE OpenID Connect: what the authentication request asks for, the
-- tenants' relying-party encryption keys (the UserInfo of SPID and CIE is a
-- signed JWT encrypted to the RP), and the provider tokens kept until sign-
-- out so that they can be revoked (RFC 7009). Expand only: binaries that
-- predate it ignore the new columns and tables.

-- The attributes asked for in the request object's claims parameter (short
-- names from the SPID/CIE attribute list; empty for generic providers) and
-- the prompt sent ('' for none).
ALTER TABLE piazza.tenant_idps
    ADD COLUMN claims text[] NOT NULL DEFAULT '{}',
    ADD COLUMN prompt text NOT NULL DEFAULT ''
        CHECK (prompt IN ('', 'login', 'consent', 'consent login'));

-- What the rules say for the providers already configured: SPID and CIE ask
-- for the default attributes with consent, at level 2 at least, and release
-- the fiscal number under the eID attributes' namespace; a generic provider
-- with a request object keeps the prompt it was sent.
UPDATE piazza.tenant_idps SET
    claims = '{given_name,family_name,email,fiscal_number}',
    prompt = 'consent login',
    request_object = true,
    acr_values = CASE WHEN acr_values = '{}' THEN '{https://www.spid.gov.it/SpidL2}' ELSE acr_values END,
    claim_fiscal_number = CASE WHEN claim_fiscal_number = 'fiscal_number'
        THEN 'https://attributes.eid.gov.it/fiscal_number' ELSE claim_fiscal_number END
  WHERE kind IN ('spid', 'cie');
UPDATE piazza.tenant_idps SET prompt = 'login' WHERE kind = 'generic' AND request_object;

-- A tenant's encryption keys (RSA-OAEP-256), sealed like its signing keys;
-- in a table of their own so that a binary that predates them never takes
-- one for a signing key. At most one current key per tenant.
CREATE TABLE piazza.tenant_rp_enc_keys (
    tenant_id   bigint NOT NULL REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    kid         text NOT NULL,
    private_key bytea NOT NULL,
    public_jwk  jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz,
    PRIMARY KEY (tenant_id, kid)
);
CREATE UNIQUE INDEX tenant_rp_enc_keys_current ON piazza.tenant_rp_enc_keys (tenant_id) WHERE retired_at IS NULL;
CREATE TRIGGER tenant_rp_enc_keys_changed AFTER INSERT OR UPDATE OR DELETE ON piazza.tenant_rp_enc_keys
    FOR EACH ROW EXECUTE FUNCTION piazza.notify_tenant_changed();

-- The access and refresh tokens of a sign-in, sealed, found again at sign-
-- out by the digest of the session's ID token; removed once revoked or
-- past the session's end.
CREATE TABLE piazza.tenant_idp_tokens (
    tenant_id     bigint NOT NULL REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    id_token_hash bytea NOT NULL,
    idp_key       text NOT NULL,
    tokens        bytea NOT NULL,
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id_token_hash)
);
CREATE INDEX tenant_idp_tokens_expiry ON piazza.tenant_idp_tokens (expires_at);
