-- Server-side sessions of the tenant's users. The cookie carries a random
-- 256-bit token; only its SHA-256 is stored, so a database leak yields no
-- usable session.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    client_addr  text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    -- How the user signed in: 'local' or 'oidc:<idp key>'; with OIDC, the ID
    -- token is kept for RP-initiated logout (id_token_hint).
    method       text NOT NULL DEFAULT 'local',
    id_token     text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
