-- Collaboration proposals, a content type on the shared scope and
-- workflow (draft → to validate → published → closed → archived), their
-- expressions of interest (private to their author, the proposer and the
-- facilitators) and the work group a proposer makes of the relevant
-- respondents; and personal notifications (an event for one person, told
-- in their language), first used to tell respondents of their answer.
CREATE TABLE proposals (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title               text NOT NULL CHECK (length(btrim(title)) BETWEEN 3 AND 200),
    summary             text NOT NULL DEFAULT '' CHECK (length(summary) <= 600),
    body                text NOT NULL DEFAULT '' CHECK (length(body) <= 100000),
    -- what the proposer offers and what partners are expected to bring
    offer               text NOT NULL DEFAULT '' CHECK (length(offer) <= 4000),
    expected            text NOT NULL DEFAULT '' CHECK (length(expected) <= 4000),
    kind                text NOT NULL CHECK (kind IN ('research', 'technology', 'challenge', 'commercial', 'public_need')),
    trl                 smallint NOT NULL CHECK (trl BETWEEN 1 AND 9),
    ip_status           text NOT NULL DEFAULT 'none' CHECK (ip_status IN ('patent', 'pending', 'know_how', 'copyright', 'none')),
    countries           text[] NOT NULL DEFAULT '{}',
    languages           text[] NOT NULL DEFAULT '{}',
    themes              text[] NOT NULL DEFAULT '{}',
    tags                bigint[] NOT NULL DEFAULT '{}',
    organization_id     bigint REFERENCES organizations (id) ON DELETE SET NULL,
    closes_at           timestamptz,
    -- the private community made of the relevant respondents
    work_group_id       bigint REFERENCES communities (id) ON DELETE SET NULL,
    language            text NOT NULL DEFAULT 'it',
    state               text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'to_validate', 'published', 'closed', 'archived')),
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
        setweight(to_tsvector(piazza_ts_config(language), summary || ' ' || offer || ' ' || expected), 'B') ||
        setweight(to_tsvector(piazza_ts_config(language), regexp_replace(body, '<[^>]*>', ' ', 'g')), 'C')) STORED
);
-- the list's keyset order, the feed, what waits for validation, search,
-- a community's items, the proposer's proposals (the inbox's start), the
-- closing schedule and the work group's way back to its proposal
CREATE INDEX proposals_list_idx ON proposals ((coalesce(published_at, created_at)), id);
CREATE INDEX proposals_feed_idx ON proposals (published_at DESC, id DESC) WHERE state = 'published';
CREATE INDEX proposals_waiting_idx ON proposals (updated_at, id) WHERE state = 'to_validate';
CREATE INDEX proposals_search_idx ON proposals USING gin (search);
CREATE INDEX proposals_scope_communities_idx ON proposals USING gin (scope_communities);
CREATE INDEX proposals_author_idx ON proposals (author_id) WHERE state IN ('published', 'closed');
CREATE INDEX proposals_closing_idx ON proposals (closes_at) WHERE state = 'published';
CREATE UNIQUE INDEX proposals_work_group_idx ON proposals (work_group_id) WHERE work_group_id IS NOT NULL;

INSERT INTO workflow_transitions (content_type, action, from_state, to_state, permission) VALUES
    ('proposal', 'submit', 'draft', 'to_validate', 'submit'),
    ('proposal', 'publish', 'draft', 'published', 'publish'),
    ('proposal', 'approve', 'to_validate', 'published', 'validate'),
    ('proposal', 'reject', 'to_validate', 'draft', 'validate'),
    ('proposal', 'close', 'published', 'closed', 'close'),
    ('proposal', 'archive', 'published', 'archived', 'archive'),
    ('proposal', 'archive', 'closed', 'archived', 'archive');

-- An expression of interest: one per respondent and proposal, on their
-- own behalf or for an organisation they belong to.
CREATE TABLE proposal_interests (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id     bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    author_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id bigint REFERENCES organizations (id) ON DELETE SET NULL,
    offer           text NOT NULL CHECK (length(btrim(offer)) BETWEEN 1 AND 4000),
    role            text NOT NULL DEFAULT '' CHECK (length(role) <= 200),
    state           text NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'submitted', 'in_evaluation', 'relevant', 'not_relevant', 'withdrawn')),
    -- the proposer's note to the respondent with their decision
    note            text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (proposal_id, author_id)
);
CREATE INDEX proposal_interests_waiting_idx ON proposal_interests (proposal_id, updated_at) WHERE state IN ('submitted', 'in_evaluation');
CREATE INDEX proposal_interests_author_idx ON proposal_interests (author_id);

INSERT INTO workflow_transitions (content_type, action, from_state, to_state, permission) VALUES
    ('proposal_interest', 'submit', 'draft', 'submitted', 'respond'),
    ('proposal_interest', 'evaluate', 'submitted', 'in_evaluation', 'evaluate'),
    ('proposal_interest', 'relevant', 'submitted', 'relevant', 'evaluate'),
    ('proposal_interest', 'relevant', 'in_evaluation', 'relevant', 'evaluate'),
    ('proposal_interest', 'not_relevant', 'submitted', 'not_relevant', 'evaluate'),
    ('proposal_interest', 'not_relevant', 'in_evaluation', 'not_relevant', 'evaluate'),
    ('proposal_interest', 'withdraw', 'draft', 'withdrawn', 'respond'),
    ('proposal_interest', 'withdraw', 'submitted', 'withdrawn', 'respond'),
    ('proposal_interest', 'withdraw', 'in_evaluation', 'withdrawn', 'respond');

-- Personal notifications: an event for one person, whatever its scope,
-- told by the sentence of a message key in their language.
ALTER TABLE events ADD COLUMN recipient_id bigint REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE events ADD COLUMN message text NOT NULL DEFAULT '';

CREATE TRIGGER proposals_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON proposals
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER proposal_interests_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON proposal_interests
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
