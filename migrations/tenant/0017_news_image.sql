-- A news item's picture: one of its own image attachments, with the text
-- that describes it to who cannot see it (empty: decorative).
ALTER TABLE news
    ADD COLUMN image_id  bigint REFERENCES attachments (id) ON DELETE SET NULL,
    ADD COLUMN image_alt text NOT NULL DEFAULT '' CHECK (length(image_alt) <= 300);
