-- Partnership profiles in the exchange between administrations (see
-- 0031_exchange.sql): an interest from a member of another administration
-- has no local user, its respondent's name, organisation and tenant as the
-- exchange delivered them, and the mailbox entry it came from (delivered
-- once). The advisors follow it up as any other.
ALTER TABLE partnership_interests ALTER COLUMN author_id DROP NOT NULL;
ALTER TABLE partnership_interests ADD COLUMN external_name text NOT NULL DEFAULT '' CHECK (length(external_name) <= 200);
ALTER TABLE partnership_interests ADD COLUMN external_organization text NOT NULL DEFAULT '' CHECK (length(external_organization) <= 300);
ALTER TABLE partnership_interests ADD COLUMN external_tenant text NOT NULL DEFAULT '' CHECK (length(external_tenant) <= 200);
ALTER TABLE partnership_interests ADD COLUMN external_ref bigint UNIQUE;
ALTER TABLE partnership_interests ADD CONSTRAINT partnership_interests_respondent
    CHECK (author_id IS NOT NULL OR (external_ref IS NOT NULL AND external_name <> ''));

-- The replies to respondents of other administrations: each evaluation of
-- an interest that came through the exchange (a proposal's relevant / not
-- relevant, each step of a partnership profile's follow-up) writes a row
-- here in the transaction that makes it; the exchange's job copies it to
-- the control plane, whence another job tells the respondent in their own
-- tenant. ref is the interest's mailbox entry (its external_ref).
CREATE TABLE exchange_reply_outbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_type   text NOT NULL CHECK (item_type IN ('proposal', 'partnership')),
    interest_id bigint NOT NULL,
    ref         bigint NOT NULL,
    state       text NOT NULL CHECK (length(state) BETWEEN 1 AND 30),
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_at     timestamptz
);
CREATE INDEX exchange_reply_outbox_pending_idx ON exchange_reply_outbox (id) WHERE done_at IS NULL;
