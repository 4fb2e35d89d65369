-- Indexes for search, the people directory and the inbox at a region's
-- volumes (tens of thousands of people, thousands of items): each query
-- of these pages starts from an index instead of reading a whole table.

-- People: the names members are searched and filtered by (a document of
-- users that search and the directory's words match, beside profiles'
-- own search column), and the directory's order (the name shown, lowered,
-- then id: platform/keyset), which also serves every page's start.
CREATE INDEX users_name_search_idx ON users
    USING gin (to_tsvector('simple', display_name || ' ' || given_name || ' ' || family_name));
CREATE INDEX users_directory_idx ON users
    ((lower(coalesce(nullif(display_name, ''), nullif(btrim(given_name || ' ' || family_name), ''), split_part(email, '@', 1)))), id)
    WHERE status = 'active';

-- The inbox: what waits for someone's decision, oldest first, each source
-- reading only the rows that wait.
CREATE INDEX news_waiting_idx ON news (updated_at, id) WHERE state = 'to_validate';
CREATE INDEX discussions_waiting_idx ON discussions (updated_at, id) WHERE state = 'to_validate';
CREATE INDEX profiles_waiting_idx ON profiles (updated_at) WHERE state = 'to_validate';
CREATE INDEX messages_unread_idx ON messages (recipient_id, created_at, id) WHERE read_at IS NULL;
CREATE INDEX community_members_invited_idx ON community_members (user_id) WHERE state = 'invited';
CREATE INDEX organization_members_invited_idx ON organization_members (user_id) WHERE state = 'invited';
CREATE INDEX community_members_requests_idx ON community_members (community_id, created_at) WHERE state = 'request_sent';
CREATE INDEX organization_members_requests_idx ON organization_members (organization_id, created_at) WHERE state = 'request_sent';
