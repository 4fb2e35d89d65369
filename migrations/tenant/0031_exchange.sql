-- The tenant's side of the exchange between administrations: which of its
-- items its members shared, and the outbox from which a job copies their
-- public fields to the control plane. Every change to a shared item (an
-- edit, closing, archiving, deletion) writes the outbox in the transaction
-- that makes it, through the trigger below, whatever code path makes it.
CREATE TABLE exchange_shares (
    item_type text NOT NULL CHECK (item_type IN ('proposal', 'partnership')),
    item_id   bigint NOT NULL,
    shared_by bigint REFERENCES users (id) ON DELETE SET NULL,
    shared_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_type, item_id)
);

CREATE TABLE exchange_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_type  text NOT NULL CHECK (item_type IN ('proposal', 'partnership')),
    item_id    bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    done_at    timestamptz
);
CREATE INDEX exchange_outbox_pending_idx ON exchange_outbox (id) WHERE done_at IS NULL;

-- exchange_changed writes the outbox when a shared item changes (its type
-- is the trigger's argument).
CREATE FUNCTION exchange_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    item bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    IF EXISTS (SELECT 1 FROM exchange_shares WHERE item_type = TG_ARGV[0] AND item_id = item) THEN
        INSERT INTO exchange_outbox (item_type, item_id) VALUES (TG_ARGV[0], item);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER proposals_exchange AFTER UPDATE OR DELETE ON proposals
    FOR EACH ROW EXECUTE FUNCTION exchange_changed('proposal');
CREATE TRIGGER partnerships_exchange AFTER UPDATE OR DELETE ON partnerships
    FOR EACH ROW EXECUTE FUNCTION exchange_changed('partnership');

-- Expressions of interest from members of other administrations: no local
-- user, their name, organisation and tenant as the exchange delivered
-- them, and the mailbox entry they came from (delivered once).
ALTER TABLE proposal_interests ALTER COLUMN author_id DROP NOT NULL;
ALTER TABLE proposal_interests ADD COLUMN external_name text NOT NULL DEFAULT '' CHECK (length(external_name) <= 200);
ALTER TABLE proposal_interests ADD COLUMN external_organization text NOT NULL DEFAULT '' CHECK (length(external_organization) <= 300);
ALTER TABLE proposal_interests ADD COLUMN external_tenant text NOT NULL DEFAULT '' CHECK (length(external_tenant) <= 200);
ALTER TABLE proposal_interests ADD COLUMN external_ref bigint UNIQUE;
ALTER TABLE proposal_interests ADD CONSTRAINT proposal_interests_respondent
    CHECK (author_id IS NOT NULL OR (external_ref IS NOT NULL AND external_name <> ''));
