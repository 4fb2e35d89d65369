-- Attachments of content items (and of comments): the file's bytes are in
-- the storage (under the data directory, per tenant), named by storage_key.
CREATE TABLE attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_type text NOT NULL,
    item_id      bigint NOT NULL,
    comment_id   bigint REFERENCES comments (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    mime         text NOT NULL,
    size         bigint NOT NULL CHECK (size > 0),
    sha256       text NOT NULL,
    storage_key  text NOT NULL UNIQUE,
    uploaded_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_item_idx ON attachments (content_type, item_id);
