-- A tenant's branding (primary colour, logo): the published one and a draft
-- its admins preview. It lives with the tenant's registry row so that every
-- replica's host cache carries it and drops it on change.
ALTER TABLE piazza.tenants ADD COLUMN brand jsonb NOT NULL DEFAULT '{}';

DROP TRIGGER tenants_changed ON piazza.tenants;
CREATE TRIGGER tenants_changed
    AFTER INSERT OR DELETE OR UPDATE OF slug, name, status, schema_name, role_name, deleted_at, brand
    ON piazza.tenants
    FOR EACH ROW EXECUTE FUNCTION piazza.notify_tenant_changed();

-- Uploaded brand images (logo, favicon), addressed by their SHA-256.
CREATE TABLE piazza.tenant_assets (
    tenant_id    bigint NOT NULL REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/svg+xml')),
    data         bytea NOT NULL CHECK (length(data) <= 262144),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, sha256)
);
