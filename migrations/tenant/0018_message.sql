-- Messages between members: one writes to another from their page; the
-- platform keeps both e-mail addresses to itself, e-mails the recipient who
-- wrote (with the text) and shows the message on their messages page, where
-- they answer. reply_to is the message answered, if any.
CREATE TABLE messages (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sender_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recipient_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reply_to     bigint REFERENCES messages (id) ON DELETE SET NULL,
    body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    read_at      timestamptz,
    CHECK (sender_id <> recipient_id)
);
CREATE INDEX messages_recipient_idx ON messages (recipient_id, created_at DESC);
-- Also counts a sender's messages of the last hour (the limit).
CREATE INDEX messages_sender_idx ON messages (sender_id, created_at DESC);

CREATE TRIGGER messages_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON messages
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();

-- A member who does not want to be written to: their page shows no form and
-- a message sent anyway is refused.
ALTER TABLE profiles ADD COLUMN contact_off boolean NOT NULL DEFAULT false;
