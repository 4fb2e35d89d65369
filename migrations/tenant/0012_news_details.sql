-- News in full: subtitle, category, "in evidence", a publication window
-- (publish_from: scheduled publication; publish_until: expiry), related
-- items; the body becomes sanitised rich text, searched without its tags.
ALTER TABLE news
    ADD COLUMN subtitle      text NOT NULL DEFAULT '' CHECK (length(subtitle) <= 300),
    ADD COLUMN category      text NOT NULL DEFAULT '' CHECK (length(category) <= 80),
    ADD COLUMN in_evidence   boolean NOT NULL DEFAULT false,
    ADD COLUMN publish_from  timestamptz,
    ADD COLUMN publish_until timestamptz CHECK (publish_until IS NULL OR publish_from IS NULL OR publish_until > publish_from),
    ADD COLUMN related       bigint[] NOT NULL DEFAULT '{}';

-- The dashboard reads published items in evidence first, newest first.
CREATE INDEX news_feed_idx ON news (in_evidence DESC, (coalesce(publish_from, published_at)) DESC, id DESC) WHERE state = 'published';

ALTER TABLE news DROP COLUMN search;
ALTER TABLE news ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(piazza_ts_config(language), title), 'A') ||
    setweight(to_tsvector(piazza_ts_config(language), subtitle || ' ' || summary), 'B') ||
    setweight(to_tsvector(piazza_ts_config(language), regexp_replace(body, '<[^>]*>', ' ', 'g')), 'C')) STORED;
CREATE INDEX news_search_idx ON news USING gin (search);
