-- Full-text search: a stored tsvector per searchable table, in the text
-- search configuration of the item's language (news) or 'simple' for
-- people, organisations and communities (which carry no language), with
-- GIN indexes. Profiles are searched with their member's name, which lives
-- in users: the name is folded into the query there.
CREATE FUNCTION piazza_ts_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (CASE lang WHEN 'it' THEN 'italian' WHEN 'en' THEN 'english' ELSE 'simple' END)::regconfig
$$;

CREATE FUNCTION piazza_join(items text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_to_string(items, ' '), '')
$$;

ALTER TABLE news ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(piazza_ts_config(language), title), 'A') ||
    setweight(to_tsvector(piazza_ts_config(language), summary), 'B') ||
    setweight(to_tsvector(piazza_ts_config(language), body), 'C')) STORED;
CREATE INDEX news_search_idx ON news USING gin (search);

ALTER TABLE profiles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', piazza_join(competencies)), 'B') ||
    setweight(to_tsvector('simple', bio), 'C')) STORED;
CREATE INDEX profiles_search_idx ON profiles USING gin (search);

ALTER TABLE organizations ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', name), 'A') ||
    setweight(to_tsvector('simple', piazza_join(competencies)), 'B') ||
    setweight(to_tsvector('simple', description), 'C')) STORED;
CREATE INDEX organizations_search_idx ON organizations USING gin (search);

ALTER TABLE communities ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', name), 'A') ||
    setweight(to_tsvector('simple', description), 'C')) STORED;
CREATE INDEX communities_search_idx ON communities USING gin (search);
