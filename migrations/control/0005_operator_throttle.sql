-- Failed operator sign-ins, per account and per client address (see the
-- tenants' auth_failures).
CREATE TABLE piazza.operator_auth_failures (
    key text NOT NULL,
    at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operator_auth_failures_key_idx ON piazza.operator_auth_failures (key, at);
