-- The eight themes of the regional smart specialisation strategy (S3), the
-- same in every tenant (their names are translated by the interface under
-- theme.<key>), and the tags a tenant's admins add: trees (a tag with a
-- parent) and free tags.
CREATE TABLE themes (
    key      text PRIMARY KEY CHECK (key ~ '^[a-z][a-z_]*$'),
    position int NOT NULL
);
INSERT INTO themes (key, position) VALUES
    ('aerospace', 1), ('agrifood', 2), ('eco_industries', 3), ('creative_cultural', 4),
    ('health', 5), ('advanced_manufacturing', 6), ('sustainable_mobility', 7), ('smart_communities', 8);

CREATE TABLE tags (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id  bigint REFERENCES tags (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 80),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tags_name_key ON tags (coalesce(parent_id, 0), lower(name));
