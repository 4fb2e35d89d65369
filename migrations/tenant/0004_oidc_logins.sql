-- OpenID Connect sign-ins under way: one row per redirect to an identity
-- provider, deleted when its callback arrives (single use). The browser that
-- started it holds a cookie whose hash is `browser`; the callback must come
-- from that browser.
CREATE TABLE oidc_logins (
    state_hash    bytea PRIMARY KEY,
    browser       bytea NOT NULL,
    idp_key       text NOT NULL,
    nonce         text NOT NULL,
    code_verifier text NOT NULL,
    return_to     text NOT NULL DEFAULT '/',
    expires_at    timestamptz NOT NULL
);

-- Which identity provider account is which user.
CREATE TABLE user_identities (
    idp_key    text NOT NULL,
    subject    text NOT NULL,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (idp_key, subject)
);
