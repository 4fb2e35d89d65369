-- Plans: what a region sells or gives to the administrations it serves,
-- with the quotas the platform enforces. A price of NULL is "no charge"
-- (administrations under an inter-administration agreement). modules NULL
-- means every module; otherwise the keys of the modules a tenant may switch
-- on. Every tenant has one plan.
CREATE TABLE piazza.plans (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug              text NOT NULL UNIQUE
                      CHECK (slug ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND length(slug) BETWEEN 2 AND 40),
    name              text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    price_cents       bigint CHECK (price_cents >= 0),
    currency          text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    max_members       bigint NOT NULL CHECK (max_members >= 1),
    max_storage_bytes bigint NOT NULL CHECK (max_storage_bytes >= 0),
    modules           text[],
    max_hosts         integer NOT NULL CHECK (max_hosts >= 0),
    max_idps          integer NOT NULL CHECK (max_idps >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

INSERT INTO piazza.plans (slug, name, price_cents, max_members, max_storage_bytes, modules, max_hosts, max_idps)
VALUES ('standard', 'Standard', NULL, 100000, 107374182400, NULL, 20, 10);

-- The plan of a tenant created without naming one (and of every tenant
-- that existed before plans).
CREATE FUNCTION piazza.default_plan() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT id FROM piazza.plans WHERE slug = 'standard' $$;

ALTER TABLE piazza.tenants ADD COLUMN plan_id bigint REFERENCES piazza.plans (id);
UPDATE piazza.tenants SET plan_id = piazza.default_plan();
ALTER TABLE piazza.tenants ALTER COLUMN plan_id SET NOT NULL;
ALTER TABLE piazza.tenants ALTER COLUMN plan_id SET DEFAULT piazza.default_plan();
CREATE INDEX tenants_plan_idx ON piazza.tenants (plan_id);

-- Replicas cache a tenant with its plan's quotas: a change of either drops it.
DROP TRIGGER tenants_changed ON piazza.tenants;
CREATE TRIGGER tenants_changed
    AFTER INSERT OR DELETE OR UPDATE OF slug, name, status, schema_name, role_name, deleted_at, brand, plan_id
    ON piazza.tenants
    FOR EACH ROW EXECUTE FUNCTION piazza.notify_tenant_changed();

CREATE FUNCTION piazza.notify_plan_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('piazza_tenant_changed', id::text) FROM piazza.tenants WHERE plan_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER plans_changed AFTER UPDATE ON piazza.plans
    FOR EACH ROW EXECUTE FUNCTION piazza.notify_plan_changed();
