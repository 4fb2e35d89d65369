-- The lists of a group's people (a community's members, an organisation's
-- people, the requests and invitations waiting), paged by keyset
-- (platform/membership): each part of a list (those who lead, then the
-- others) is ordered by the name shown, lowered, then id. This index holds
-- that order for every account, whatever its status (a group lists the
-- invited and the suspended too, unlike the directory's users_directory_idx),
-- so that a page of a large group walks the names from its cursor and finds
-- each link by the links' primary key, reading about a page of rows.
CREATE INDEX users_name_order_idx ON users
    ((lower(coalesce(nullif(display_name, ''), nullif(btrim(given_name || ' ' || family_name), ''), split_part(email, '@', 1)))), id);

-- Those who lead each group, the first part of its lists: a few rows per
-- group, found without reading the group's other links.
CREATE INDEX community_members_leaders_idx ON community_members (community_id, state) WHERE role = 'manager';
CREATE INDEX organization_members_leaders_idx ON organization_members (organization_id, state) WHERE role = 'referent';
