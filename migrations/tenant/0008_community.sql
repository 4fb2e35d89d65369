-- Communities, the unit of publication scope: open (anyone joins), reserved
-- (join on request) or closed (by invitation, invisible to outsiders), with
-- sub-communities, and their members with a role and a state.
CREATE TABLE communities (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id   bigint REFERENCES communities (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 120),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    kind        text NOT NULL CHECK (kind IN ('open', 'reserved', 'closed')),
    themes      text[] NOT NULL DEFAULT '{}',
    -- to_validate: created by a member while the tenant validates new
    -- communities (setting community.validation); rejected ones stay visible
    -- to their creator only.
    state       text NOT NULL DEFAULT 'active' CHECK (state IN ('to_validate', 'active', 'rejected', 'archived')),
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX communities_parent_idx ON communities (parent_id);

CREATE TABLE community_members (
    community_id     bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role             text NOT NULL DEFAULT 'participant'
        CHECK (role IN ('manager', 'participant', 'editor', 'author', 'reader', 'guest')),
    state            text NOT NULL CHECK (state IN ('request_sent', 'invited', 'active', 'rejected')),
    invited_by       bigint REFERENCES users (id) ON DELETE SET NULL,
    -- the member's own notification frequency for this community (NULL: their profile's).
    notify_frequency text CHECK (notify_frequency IN ('immediate', 'daily', 'weekly', 'monthly', 'off')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    decided_at       timestamptz,
    PRIMARY KEY (community_id, user_id)
);
CREATE INDEX community_members_user_idx ON community_members (user_id) WHERE state = 'active';
