-- The exchange between administrations: an installation-wide marketplace of
-- opportunities. Nothing here is read from a tenant's schema: a tenant's
-- outbox feeds a job that copies the public fields of a shared item into
-- exchange_snapshots; an expression of interest from another tenant waits
-- in exchange_mailbox until a job delivers it into the origin tenant, inside
-- that tenant's own transaction. Tenant roles have no privilege on any of it.

-- The tenants that take part (opted in by their admins). A tenant that opts
-- out, is suspended or deleted loses its snapshots at once.
CREATE TABLE piazza.exchange_members (
    tenant_id bigint PRIMARY KEY REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    joined_by text NOT NULL DEFAULT '',
    joined_at timestamptz NOT NULL DEFAULT now(),
    -- when every shared item of the tenant was last copied anew (after it
    -- joins, or its registry row changes: resumed)
    synced_at timestamptz NOT NULL DEFAULT '-infinity'
);

-- The published snapshots: only the fields meant for the public.
CREATE TABLE piazza.exchange_snapshots (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   bigint NOT NULL REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    item_type   text NOT NULL CHECK (item_type IN ('proposal', 'partnership')),
    item_id     bigint NOT NULL,
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    summary     text NOT NULL DEFAULT '' CHECK (length(summary) <= 2000),
    kind        text NOT NULL DEFAULT '' CHECK (length(kind) <= 60),
    themes      text[] NOT NULL DEFAULT '{}',
    countries   text[] NOT NULL DEFAULT '{}',
    -- the TRL of a proposal, the development stage of a partnership profile
    stage       text NOT NULL DEFAULT '' CHECK (length(stage) <= 200),
    -- the closing date of a proposal, the deadline of a profile
    closes_at   timestamptz,
    language    text NOT NULL DEFAULT '' CHECK (length(language) <= 10),
    origin_name text NOT NULL CHECK (length(origin_name) BETWEEN 1 AND 200),
    -- when the origin last changed the item (the newest copy wins)
    source_at   timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    search      tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', summary), 'B')) STORED,
    UNIQUE (tenant_id, item_type, item_id)
);
CREATE INDEX exchange_snapshots_list_idx ON piazza.exchange_snapshots (updated_at DESC, id DESC);
CREATE INDEX exchange_snapshots_search_idx ON piazza.exchange_snapshots USING gin (search);
CREATE INDEX exchange_snapshots_themes_idx ON piazza.exchange_snapshots USING gin (themes);

-- Expressions of interest crossing from a respondent's tenant to the
-- item's: who, for which organisation, from which tenant, what they offer.
CREATE TABLE piazza.exchange_mailbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    snapshot_id     bigint REFERENCES piazza.exchange_snapshots (id) ON DELETE SET NULL,
    -- where it goes: the item's tenant and the item
    to_tenant_id    bigint NOT NULL REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    item_type       text NOT NULL CHECK (item_type IN ('proposal', 'partnership')),
    item_id         bigint NOT NULL,
    item_title      text NOT NULL DEFAULT '',
    -- where it comes from: the respondent's tenant and user there
    from_tenant_id  bigint NOT NULL REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    from_user_id    bigint NOT NULL,
    from_tenant     text NOT NULL CHECK (length(from_tenant) BETWEEN 1 AND 200),
    respondent      text NOT NULL CHECK (length(respondent) BETWEEN 1 AND 200),
    organization    text NOT NULL DEFAULT '' CHECK (length(organization) <= 300),
    message         text NOT NULL CHECK (length(btrim(message)) BETWEEN 1 AND 4000),
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'refused')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    UNIQUE (to_tenant_id, item_type, item_id, from_tenant_id, from_user_id)
);
CREATE INDEX exchange_mailbox_pending_idx ON piazza.exchange_mailbox (id) WHERE state = 'pending';
CREATE INDEX exchange_mailbox_from_idx ON piazza.exchange_mailbox (from_tenant_id, from_user_id);
