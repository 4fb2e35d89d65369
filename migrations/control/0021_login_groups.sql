-- Login groups (platform/db/group.go): login roles (LOGIN NOINHERIT, no
-- privilege of their own) each a member of the roles of a few hundred
-- tenants, so that no role's membership list grows with the number of
-- tenants. A tenant's (or a spare schema's) login_role names its group;
-- NULL means the main login role is a member of its role, as before this
-- migration, until `piazza migrate` moves it. Expand only: binaries that
-- predate it ignore the columns (and, for a tenant moved to a group, fail
-- to take its role, so roll out the new binary before migrating).
CREATE TABLE piazza.login_groups (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role_name  text NOT NULL UNIQUE,
    -- tenant and spare roles that are members of it
    members    integer NOT NULL DEFAULT 0 CHECK (members >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE piazza.tenants
    ADD COLUMN login_role text REFERENCES piazza.login_groups (role_name);
ALTER TABLE piazza.spare_schemas
    ADD COLUMN login_role text REFERENCES piazza.login_groups (role_name);

-- `piazza migrate` finds the tenants still to move without a full scan.
CREATE INDEX tenants_ungrouped_idx ON piazza.tenants (id) WHERE login_role IS NULL;
