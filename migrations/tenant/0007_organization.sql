-- Organisations (companies, administrations, research bodies …) with their
-- legal data, and the people linked to them: by their request or an
-- invitation, active once the other side approves.
CREATE TABLE organizations (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                 text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 200),
    vat_number           text CHECK (vat_number ~ '^[0-9]{11}$'),
    fiscal_code          text CHECK (fiscal_code ~ '^([0-9]{11}|[A-Z0-9]{16})$'),
    legal_form           text NOT NULL DEFAULT '',
    registered_office    text NOT NULL DEFAULT '',
    operating_office     text NOT NULL DEFAULT '',
    legal_representative text NOT NULL DEFAULT '',
    email                text NOT NULL DEFAULT '',
    phone                text NOT NULL DEFAULT '',
    website              text NOT NULL DEFAULT '',
    description          text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    competencies         text[] NOT NULL DEFAULT '{}',
    themes               text[] NOT NULL DEFAULT '{}',
    state                text NOT NULL DEFAULT 'validated'
        CHECK (state IN ('draft', 'to_validate', 'validated', 'not_validated')),
    created_by           bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organizations_vat_key ON organizations (vat_number) WHERE vat_number IS NOT NULL;
CREATE INDEX organizations_themes_idx ON organizations USING gin (themes);

CREATE TABLE organization_members (
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- referents manage the organisation's page and its people.
    role            text NOT NULL DEFAULT 'employee' CHECK (role IN ('referent', 'employee')),
    state           text NOT NULL CHECK (state IN ('request_sent', 'invited', 'active', 'rejected')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    decided_at      timestamptz,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_members_user_idx ON organization_members (user_id) WHERE state = 'active';
