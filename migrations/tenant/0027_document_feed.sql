-- Documents in the dashboard's feed: the date a document shows under
-- there, when it was added or last given a version (a restore is one);
-- renaming, describing or moving it does not bring it back. Existing
-- documents take their last version's date, else their publication's.
-- Old binaries insert without it (the default applies); a version they
-- add leaves it where it was.
ALTER TABLE documents ADD COLUMN feed_at timestamptz;
UPDATE documents AS d SET feed_at = coalesce(
    (SELECT max(v.created_at) FROM document_versions AS v WHERE v.document_id = d.id), d.published_at);
ALTER TABLE documents ALTER COLUMN feed_at SET DEFAULT now(), ALTER COLUMN feed_at SET NOT NULL;
-- the feed's order; the visibility of each row is checked as the scan goes
CREATE INDEX documents_feed_idx ON documents (feed_at DESC, id DESC);
