-- News, the first content type on the shared machinery: its publication scope
-- (scope_* columns, read by the platform's scope filter inside every query
-- that lists or fetches news) and its workflow.
CREATE TABLE news (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title               text NOT NULL CHECK (length(btrim(title)) BETWEEN 3 AND 200),
    summary             text NOT NULL DEFAULT '' CHECK (length(summary) <= 600),
    body                text NOT NULL DEFAULT '' CHECK (length(body) <= 100000),
    language            text NOT NULL DEFAULT 'it',
    state               text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'to_validate', 'published', 'archived')),
    author_id           bigint REFERENCES users (id) ON DELETE SET NULL,
    scope_kind          text NOT NULL DEFAULT 'tenant' CHECK (scope_kind IN ('tenant', 'interests', 'communities', 'organizations')),
    scope_themes        text[] NOT NULL DEFAULT '{}',
    scope_tags          bigint[] NOT NULL DEFAULT '{}',
    scope_communities   bigint[] NOT NULL DEFAULT '{}',
    scope_organizations bigint[] NOT NULL DEFAULT '{}',
    -- public: published tenant-wide items are also shown to guests.
    public              boolean NOT NULL DEFAULT false CHECK (NOT public OR scope_kind = 'tenant'),
    published_at        timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX news_published_idx ON news (published_at DESC, id DESC) WHERE state = 'published';
CREATE INDEX news_scope_communities_idx ON news USING gin (scope_communities);

INSERT INTO workflow_transitions (content_type, action, from_state, to_state, permission) VALUES
    ('news', 'submit', 'draft', 'to_validate', 'submit'),
    ('news', 'publish', 'draft', 'published', 'publish'),
    ('news', 'approve', 'to_validate', 'published', 'validate'),
    ('news', 'reject', 'to_validate', 'draft', 'validate'),
    ('news', 'archive', 'published', 'archived', 'archive'),
    ('news', 'unarchive', 'archived', 'published', 'archive');
