-- Partnership profiles of the Enterprise Europe Network (EEN), a content
-- type on the shared scope and workflow: imported from a file export,
-- published tenant-wide at once, expired (state closed: still readable,
-- taking no new interest) when a full export no longer holds them; the
-- keyword → S3 theme mapping the tenant's admins keep, applied at import;
-- and members' interests in a profile, followed up by the tenant's EEN
-- advisors (new → taken over → information requested → agreement reached
-- or closed without agreement; withdrawn by the member until closed).
CREATE TABLE partnerships (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- the EEN reference (TOIT20251002001 …): what makes a re-import update
    -- rather than duplicate
    reference           text NOT NULL UNIQUE CHECK (reference ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{2,39}$'),
    kind                text NOT NULL CHECK (kind IN ('technology_offer', 'technology_request', 'business_offer',
                            'business_request', 'rd_request')),
    title               text NOT NULL CHECK (length(btrim(title)) BETWEEN 3 AND 200),
    summary             text NOT NULL DEFAULT '' CHECK (length(summary) <= 2000),
    -- the description, plain text
    body                text NOT NULL DEFAULT '' CHECK (length(body) <= 20000),
    innovation          text NOT NULL DEFAULT '' CHECK (length(innovation) <= 8000),
    stage               text NOT NULL DEFAULT '' CHECK (length(stage) <= 200),
    ipr                 text NOT NULL DEFAULT '' CHECK (length(ipr) <= 500),
    partner_type        text NOT NULL DEFAULT '' CHECK (length(partner_type) <= 500),
    partner_role        text NOT NULL DEFAULT '' CHECK (length(partner_role) <= 4000),
    -- ISO 3166 codes
    countries           text[] NOT NULL DEFAULT '{}',
    deadline            date,
    -- technology and market codes ([{"code": …, "label": …}]) and free words
    technologies        jsonb NOT NULL DEFAULT '[]',
    markets             jsonb NOT NULL DEFAULT '[]',
    keywords            text[] NOT NULL DEFAULT '{}',
    -- the codes and words in lower case, which the mapping matches, and
    -- the labels and words the search reads
    match_words         text[] NOT NULL DEFAULT '{}',
    keyword_text        text NOT NULL DEFAULT '',
    -- the S3 themes the mapping gives it
    themes              text[] NOT NULL DEFAULT '{}',
    -- the digest of the imported fields: an import that brings the same
    -- ones changes nothing
    source_hash         text NOT NULL,
    expired_at          timestamptz,
    language            text NOT NULL DEFAULT 'en',
    state               text NOT NULL DEFAULT 'published' CHECK (state IN ('published', 'closed', 'archived')),
    -- the kit's columns: imported profiles have no author and are for the
    -- whole tenant
    author_id           bigint REFERENCES users (id) ON DELETE SET NULL,
    scope_kind          text NOT NULL DEFAULT 'tenant' CHECK (scope_kind = 'tenant'),
    scope_themes        text[] NOT NULL DEFAULT '{}',
    scope_tags          bigint[] NOT NULL DEFAULT '{}',
    scope_communities   bigint[] NOT NULL DEFAULT '{}',
    scope_organizations bigint[] NOT NULL DEFAULT '{}',
    public              boolean NOT NULL DEFAULT false,
    -- the EEN publication date
    published_at        timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    search              tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(piazza_ts_config(language), reference || ' ' || title), 'A') ||
        setweight(to_tsvector(piazza_ts_config(language), summary || ' ' || keyword_text), 'B') ||
        setweight(to_tsvector(piazza_ts_config(language), body || ' ' || innovation || ' ' || partner_role), 'C')) STORED
);
-- the list's keyset order, search, the filters by theme and country
CREATE INDEX partnerships_list_idx ON partnerships ((coalesce(published_at, created_at)), id);
CREATE INDEX partnerships_search_idx ON partnerships USING gin (search);
CREATE INDEX partnerships_themes_idx ON partnerships USING gin (themes);
CREATE INDEX partnerships_countries_idx ON partnerships USING gin (countries);

-- Admins archive a profile (it leaves the list); imports expire and
-- reopen them without a transition of the workflow.
INSERT INTO workflow_transitions (content_type, action, from_state, to_state, permission) VALUES
    ('partnership', 'archive', 'published', 'archived', 'archive'),
    ('partnership', 'archive', 'closed', 'archived', 'archive');

-- The keyword → theme mapping: a technology or market code, or a free
-- word, in lower case, and the S3 theme it gives.
CREATE TABLE partnership_keywords (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    keyword    text NOT NULL CHECK (keyword = lower(btrim(keyword)) AND length(keyword) BETWEEN 1 AND 100),
    theme      text NOT NULL REFERENCES themes (key),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (keyword, theme)
);

-- A member's interest in a profile, on their own behalf or for an
-- organisation they belong to; one at a time per member and profile.
CREATE TABLE partnership_interests (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    profile_id      bigint NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    author_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id bigint REFERENCES organizations (id) ON DELETE SET NULL,
    message         text NOT NULL CHECK (length(btrim(message)) BETWEEN 1 AND 4000),
    state           text NOT NULL DEFAULT 'new'
        CHECK (state IN ('new', 'taken_over', 'info_requested', 'agreement', 'no_agreement', 'withdrawn')),
    -- the advisor who took it over
    advisor_id      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX partnership_interests_one_idx ON partnership_interests (profile_id, author_id) WHERE state <> 'withdrawn';
CREATE INDEX partnership_interests_new_idx ON partnership_interests (updated_at, id) WHERE state = 'new';
CREATE INDEX partnership_interests_advisor_idx ON partnership_interests (advisor_id) WHERE state IN ('taken_over', 'info_requested');
CREATE INDEX partnership_interests_author_idx ON partnership_interests (author_id);

INSERT INTO workflow_transitions (content_type, action, from_state, to_state, permission) VALUES
    ('partnership_interest', 'take_over', 'new', 'taken_over', 'advise'),
    ('partnership_interest', 'request_info', 'taken_over', 'info_requested', 'advise'),
    ('partnership_interest', 'resume', 'info_requested', 'taken_over', 'advise'),
    ('partnership_interest', 'agree', 'taken_over', 'agreement', 'advise'),
    ('partnership_interest', 'agree', 'info_requested', 'agreement', 'advise'),
    ('partnership_interest', 'no_agreement', 'new', 'no_agreement', 'advise'),
    ('partnership_interest', 'no_agreement', 'taken_over', 'no_agreement', 'advise'),
    ('partnership_interest', 'no_agreement', 'info_requested', 'no_agreement', 'advise'),
    ('partnership_interest', 'withdraw', 'new', 'withdrawn', 'respond'),
    ('partnership_interest', 'withdraw', 'taken_over', 'withdrawn', 'respond'),
    ('partnership_interest', 'withdraw', 'info_requested', 'withdrawn', 'respond');

CREATE TRIGGER partnerships_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partnerships
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER partnership_keywords_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partnership_keywords
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER partnership_interests_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partnership_interests
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
