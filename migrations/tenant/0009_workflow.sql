-- The shared content machinery. Each content type's workflow is data: its
-- transitions (action, from, to) and the permission each needs, checked
-- against the item's object ("content/<type>" or, for an item of
-- communities, "community/<id>/content/<type>"). Every transition taken is
-- kept in the history.
CREATE TABLE workflow_transitions (
    content_type text NOT NULL,
    action       text NOT NULL,
    from_state   text NOT NULL,
    to_state     text NOT NULL,
    permission   text NOT NULL,
    PRIMARY KEY (content_type, action, from_state)
);

CREATE TABLE workflow_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_type text NOT NULL,
    item_id      bigint NOT NULL,
    action       text NOT NULL,
    from_state   text NOT NULL,
    to_state     text NOT NULL,
    actor_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflow_history_item_idx ON workflow_history (content_type, item_id, at);
