-- The dashboard's feed of documents, read by library: each library's
-- newest documents by date (the tenant library's and those of the
-- member's communities), a few rows each, whatever the member; a plan
-- that holds for any member's libraries, so the feed goes prepared.
CREATE INDEX documents_library_feed_idx ON documents (coalesce(community_id, 0), feed_at DESC, id DESC);
