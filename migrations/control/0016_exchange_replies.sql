-- Replies to respondents of other administrations (the exchange, see
-- 0015_exchange.sql): each evaluation of an interest that crossed through
-- the mailbox (a proposal judged relevant or not, each step of a
-- partnership profile's follow-up), with its note. The origin tenant
-- writes it to its own reply outbox in the transaction of the evaluation;
-- the exchange's job copies it here (only for a letter addressed to that
-- tenant), and another job tells the respondent inside their own tenant's
-- transaction. Tenant roles have no privilege on it.
CREATE TABLE piazza.exchange_replies (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mailbox_id   bigint NOT NULL REFERENCES piazza.exchange_mailbox (id) ON DELETE CASCADE,
    -- the origin tenant's outbox entry it was copied from: copied once
    source_id    bigint NOT NULL,
    state        text NOT NULL CHECK (length(state) BETWEEN 1 AND 30),
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    evaluated_at timestamptz NOT NULL,
    delivery     text NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'delivered', 'refused')),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    UNIQUE (mailbox_id, source_id)
);
CREATE INDEX exchange_replies_pending_idx ON piazza.exchange_replies (id) WHERE delivery = 'pending';
