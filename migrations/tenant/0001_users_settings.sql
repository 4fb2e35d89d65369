-- The people of a tenant and the tenant's own settings. Names are unqualified:
-- this runs inside the tenant's schema, as the tenant's role.

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
    display_name  text NOT NULL DEFAULT '',
    given_name    text NOT NULL DEFAULT '',
    family_name   text NOT NULL DEFAULT '',
    -- Italian fiscal code as sent by SPID/CIE (without the TINIT- prefix).
    fiscal_number text,
    locale        text NOT NULL DEFAULT '',
    -- invited: recorded (e.g. the first admin at provisioning) but never signed in.
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'suspended')),
    is_admin      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_fiscal_number_key ON users (fiscal_number) WHERE fiscal_number IS NOT NULL;

-- Tenant-wide settings (branding, languages, module switches …) as JSON
-- values under dotted keys, e.g. 'auth.local_accounts' = true.
CREATE TABLE settings (
    key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$'),
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
