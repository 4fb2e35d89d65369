-- Comments on any content type that enables them, threaded, with optional
-- moderation (settings comment.moderation and comment.blacklist); and
-- discussions: topics on the shared scope and workflow, whose replies are
-- comments, closed to new replies when the topic is closed.
CREATE TABLE comments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_type text NOT NULL,
    item_id      bigint NOT NULL,
    parent_id    bigint REFERENCES comments (id) ON DELETE CASCADE,
    author_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    body         text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 10000),
    state        text NOT NULL DEFAULT 'published' CHECK (state IN ('to_validate', 'published', 'rejected')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    decided_at   timestamptz
);
CREATE INDEX comments_item_idx ON comments (content_type, item_id, created_at);
CREATE INDEX comments_waiting_idx ON comments (created_at) WHERE state = 'to_validate';

CREATE TABLE discussions (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title               text NOT NULL CHECK (length(btrim(title)) BETWEEN 3 AND 200),
    body                text NOT NULL DEFAULT '' CHECK (length(body) <= 100000),
    language            text NOT NULL DEFAULT 'it',
    state               text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'to_validate', 'published', 'archived')),
    closed              boolean NOT NULL DEFAULT false,
    author_id           bigint REFERENCES users (id) ON DELETE SET NULL,
    scope_kind          text NOT NULL DEFAULT 'tenant' CHECK (scope_kind IN ('tenant', 'interests', 'communities', 'organizations')),
    scope_themes        text[] NOT NULL DEFAULT '{}',
    scope_tags          bigint[] NOT NULL DEFAULT '{}',
    scope_communities   bigint[] NOT NULL DEFAULT '{}',
    scope_organizations bigint[] NOT NULL DEFAULT '{}',
    public              boolean NOT NULL DEFAULT false CHECK (NOT public OR scope_kind = 'tenant'),
    published_at        timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    search              tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(piazza_ts_config(language), title), 'A') ||
        setweight(to_tsvector(piazza_ts_config(language), regexp_replace(body, '<[^>]*>', ' ', 'g')), 'C')) STORED
);
CREATE INDEX discussions_feed_idx ON discussions (published_at DESC, id DESC) WHERE state = 'published';
CREATE INDEX discussions_scope_communities_idx ON discussions USING gin (scope_communities);
CREATE INDEX discussions_search_idx ON discussions USING gin (search);

INSERT INTO workflow_transitions (content_type, action, from_state, to_state, permission) VALUES
    ('discussion', 'submit', 'draft', 'to_validate', 'submit'),
    ('discussion', 'publish', 'draft', 'published', 'publish'),
    ('discussion', 'approve', 'to_validate', 'published', 'validate'),
    ('discussion', 'reject', 'to_validate', 'draft', 'validate'),
    ('discussion', 'archive', 'published', 'archived', 'archive'),
    ('discussion', 'unarchive', 'archived', 'published', 'archive');
