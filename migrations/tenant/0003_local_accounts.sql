-- Local accounts (a per-tenant switch, setting 'auth.local_accounts'):
-- passwords, e-mail verification, single-use links, throttling.
ALTER TABLE users
    ADD COLUMN password_hash     text,
    ADD COLUMN email_verified_at timestamptz;

-- Links sent by e-mail: only the SHA-256 of the token is kept; each is
-- single-use (used_at) and expires.
CREATE TABLE auth_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'invite')),
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX auth_tokens_user_idx ON auth_tokens (user_id, purpose);

-- Failed sign-ins, per account ('account:<e-mail>') and per client address
-- ('addr:<ip>'), counted over a sliding window.
CREATE TABLE auth_failures (
    key text NOT NULL,
    at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX auth_failures_key_idx ON auth_failures (key, at);
