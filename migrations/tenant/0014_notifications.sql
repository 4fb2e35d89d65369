-- Notifications. A published item leaves an event (in the same
-- transaction); a background job fans it out to the people in its scope as
-- in-app notifications; digests e-mail them at each person's frequency,
-- once per period (digests' unique key).
CREATE TABLE events (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_type        text NOT NULL,
    item_id             bigint NOT NULL,
    title               text NOT NULL,
    url                 text NOT NULL,
    author_id           bigint REFERENCES users (id) ON DELETE SET NULL,
    state               text NOT NULL DEFAULT 'published',
    public              boolean NOT NULL DEFAULT false,
    scope_kind          text NOT NULL,
    scope_themes        text[] NOT NULL DEFAULT '{}',
    scope_tags          bigint[] NOT NULL DEFAULT '{}',
    scope_communities   bigint[] NOT NULL DEFAULT '{}',
    scope_organizations bigint[] NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    dispatched_at       timestamptz
);
CREATE INDEX events_pending_idx ON events (created_at) WHERE dispatched_at IS NULL;

CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id   bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- the frequency the person wants for this item (their profile's, or
    -- their community's override).
    frequency  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    emailed_at timestamptz,
    UNIQUE (user_id, event_id)
);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_unsent_idx ON notifications (user_id, frequency) WHERE emailed_at IS NULL;

CREATE TABLE digests (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    frequency text NOT NULL,
    period    text NOT NULL,
    items     int NOT NULL DEFAULT 0,
    sent_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, frequency, period)
);
