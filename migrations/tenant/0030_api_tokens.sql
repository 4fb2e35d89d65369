-- Personal access tokens of the open JSON API (/api/v1): created by a
-- member in their profile, named, read-only or read and write, with an
-- optional expiry; only the SHA-256 of the secret is kept (the member is
-- shown the secret once). A revoked token stays listed, refused.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    digest       bytea NOT NULL UNIQUE CHECK (length(digest) = 32),
    -- what the member recognises the token by (its first characters)
    hint         text NOT NULL CHECK (length(hint) <= 20),
    write        boolean NOT NULL DEFAULT false,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);
