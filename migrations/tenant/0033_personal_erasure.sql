-- Erasure of a person by a tenant admin (the GDPR's right to erasure): the
-- account stays, so that what the person wrote and the tenant keeps reads
-- "former member", but every personal field is cleared and erased_at says
-- when. An erased account cannot sign in: it has no password, no link to
-- an identity provider and no fiscal number to be found by (the CHECK
-- keeps any code path, an older binary's included, from giving it one
-- back), and its address is one nobody receives mail at.
ALTER TABLE users ADD COLUMN erased_at timestamptz;
ALTER TABLE users ADD CONSTRAINT users_erased_no_login
    CHECK (erased_at IS NULL OR (password_hash IS NULL AND fiscal_number IS NULL));
