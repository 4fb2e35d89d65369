-- A member's profile: what they are interested in and good at, their photo
-- and how often they want to be told of news. Validation by a facilitator is
-- optional per tenant (setting profile.validation).
CREATE TABLE profiles (
    user_id          bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    bio              text NOT NULL DEFAULT '' CHECK (length(bio) <= 2000),
    competencies     text[] NOT NULL DEFAULT '{}',
    themes           text[] NOT NULL DEFAULT '{}',
    tags             bigint[] NOT NULL DEFAULT '{}',
    photo            bytea CHECK (octet_length(photo) <= 1048576),
    photo_type       text,
    notify_frequency text NOT NULL DEFAULT 'daily'
        CHECK (notify_frequency IN ('immediate', 'daily', 'weekly', 'monthly', 'off')),
    state            text NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'to_validate', 'validated', 'not_validated')),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profiles_themes_idx ON profiles USING gin (themes);
CREATE INDEX profiles_tags_idx ON profiles USING gin (tags);
CREATE INDEX profiles_competencies_idx ON profiles USING gin (competencies);
