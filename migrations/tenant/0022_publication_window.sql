-- The next time a news item's publication window opens or closes (until
-- when the dashboard's first page stays true): the published items with
-- a window, through these instead of every published item.
CREATE INDEX news_publish_from_idx ON news (publish_from) WHERE state = 'published' AND publish_from IS NOT NULL;
CREATE INDEX news_publish_until_idx ON news (publish_until) WHERE state = 'published' AND publish_until IS NOT NULL;
