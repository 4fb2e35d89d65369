-- The people and organisations a proposer (or a facilitator) invited to
-- look at a proposal from its partner-matching panel: each once, so that
-- a second click tells no one again.
CREATE TABLE proposal_invitations (
    proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('person', 'organization')),
    -- a user's or an organisation's id, by kind
    target_id   bigint NOT NULL,
    invited_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (proposal_id, kind, target_id)
);

CREATE TRIGGER proposal_invitations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON proposal_invitations
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
