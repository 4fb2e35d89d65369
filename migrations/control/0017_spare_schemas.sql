-- Spare tenant schemas: a NOLOGIN role and a schema it owns, with every
-- tenant migration applied, made ahead of need (`piazza migrate`, and the
-- servers in the background) so that provisioning a tenant only claims one
-- (a row deleted in the provisioning transaction) instead of running the
-- whole migration history. A spare is no tenant: nothing but provisioning
-- and the rollout reads this table, so no list, resolver, quota or bill
-- ever sees one. Its names are the tenant's for good once claimed; they
-- start with t__ and <prefix>__, which no slug-derived name can (a slug
-- starts with a letter or digit).
CREATE TABLE piazza.spare_schemas (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    schema_name    text NOT NULL UNIQUE CHECK (schema_name ~ '^t__[a-z0-9]+$'),
    role_name      text NOT NULL UNIQUE,
    -- the newest tenant migration applied in the spare's schema; only a
    -- spare at the binary's version is claimed
    schema_version integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX spare_schemas_version_idx ON piazza.spare_schemas (schema_version, id);
