-- Operators: the people who run the service, signing in on the operator host.
CREATE TABLE piazza.operators (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name  text NOT NULL DEFAULT '',
    password_hash text NOT NULL,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX operators_email_key ON piazza.operators (lower(email));

-- The operators' sessions, kept like the tenants' (see tenant 0002_sessions).
CREATE TABLE piazza.operator_sessions (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      bigint NOT NULL REFERENCES piazza.operators (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    client_addr  text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    method       text NOT NULL DEFAULT 'local',
    id_token     text
);
CREATE INDEX operator_sessions_user_idx ON piazza.operator_sessions (user_id);
