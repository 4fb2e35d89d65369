-- The tenant registry. The control schema is owned by the login role; tenant
-- roles have no privilege on it.

-- One row: what this installation's cluster-wide names start with, so that
-- several installations (or test databases) can share one PostgreSQL cluster.
CREATE TABLE piazza.installation (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    role_prefix text NOT NULL CHECK (role_prefix ~ '^[a-z][a-z0-9]{1,15}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO piazza.installation (role_prefix)
VALUES ('pz' || substr(md5(random()::text || clock_timestamp()::text), 1, 8));

CREATE TABLE piazza.tenants (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug           text NOT NULL UNIQUE
                   CHECK (slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND length(slug) BETWEEN 2 AND 40),
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    status         text NOT NULL
                   CHECK (status IN ('provisioning', 'active', 'suspended', 'deleting')),
    schema_name    text NOT NULL UNIQUE,
    role_name      text NOT NULL UNIQUE,
    -- Cache of the newest migration applied in the tenant's schema (whose own
    -- schema_migrations table is authoritative), so that `piazza migrate`
    -- finds the tenants with work to do in one query.
    schema_version integer NOT NULL DEFAULT 0,
    admin_email    text,
    deleted_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'deleting') = (deleted_at IS NOT NULL))
);
CREATE INDEX tenants_schema_version_idx ON piazza.tenants (schema_version);

CREATE TABLE piazza.tenant_hosts (
    host       text PRIMARY KEY CHECK (host = lower(host) AND length(host) BETWEEN 1 AND 259),
    tenant_id  bigint NOT NULL REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_hosts_tenant_idx ON piazza.tenant_hosts (tenant_id);

-- Every change to a tenant or its hosts tells every replica to drop what it
-- cached about that tenant (LISTEN piazza_tenant_changed).
CREATE FUNCTION piazza.notify_tenant_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed bigint;
BEGIN
    IF TG_TABLE_NAME = 'tenants' THEN
        changed := COALESCE(NEW.id, OLD.id);
    ELSE
        changed := COALESCE(NEW.tenant_id, OLD.tenant_id);
    END IF;
    PERFORM pg_notify('piazza_tenant_changed', changed::text);
    RETURN NULL;
END $$;

-- (schema_version is left out: migrating a tenant changes nothing a replica caches.)
CREATE TRIGGER tenants_changed
    AFTER INSERT OR DELETE OR UPDATE OF slug, name, status, schema_name, role_name, deleted_at
    ON piazza.tenants
    FOR EACH ROW EXECUTE FUNCTION piazza.notify_tenant_changed();
CREATE TRIGGER tenant_hosts_changed AFTER INSERT OR UPDATE OR DELETE ON piazza.tenant_hosts
    FOR EACH ROW EXECUTE FUNCTION piazza.notify_tenant_changed();
