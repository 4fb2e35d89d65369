-- Who could be interested in an open proposal (its partner-matching
-- panel), as last ranked: the ranking reads hundreds of profiles and
-- organisations, so a panel is ranked once and read until what it was
-- ranked for changes (key: a digest of the proposal's themes, tags, text
-- and language and of those already involved) or it grows old
-- (ranked_at; the proposals' sweep ranks again those about to). Each
-- suggestion is {"kind", "id", "score", "themes", "tags",
-- "competencies", "words"}: no name, which is read when the panel is
-- shown, with whether the directory still shows them. The erasure of a
-- person deletes the rankings naming them.
CREATE TABLE proposal_suggestions (
    proposal_id bigint PRIMARY KEY REFERENCES proposals (id) ON DELETE CASCADE,
    key         bytea NOT NULL,
    ranked_at   timestamptz NOT NULL DEFAULT now(),
    suggestions jsonb NOT NULL CHECK (jsonb_typeof(suggestions) = 'array')
);

CREATE INDEX proposal_suggestions_ranked_idx ON proposal_suggestions (ranked_at);
