-- The lists' keyset order (platform/keyset): each page of a list starts
-- after the last row of the one before, in the list's order, which these
-- indexes serve, the start of every page included.
-- News and discussions: newest first (publication, else creation), then id.
CREATE INDEX news_list_idx ON news ((coalesce(published_at, created_at)), id);
CREATE INDEX discussions_list_idx ON discussions ((coalesce(published_at, created_at)), id);
-- Communities and organisations: by name as lowered, then id.
CREATE INDEX communities_list_idx ON communities (lower(name), id);
CREATE INDEX organizations_list_idx ON organizations (lower(name), id);
-- The active members of the groups a page lists, counted in one query
-- from the index alone.
CREATE INDEX community_members_active_idx ON community_members (community_id) WHERE state = 'active';
CREATE INDEX organization_members_active_idx ON organization_members (organization_id) WHERE state = 'active';
-- The viewer's own link to each group of a page (and whether they see a
-- closed community), whatever its state.
CREATE INDEX community_members_user_any_idx ON community_members (user_id, community_id);
CREATE INDEX organization_members_user_any_idx ON organization_members (user_id, organization_id);
