-- Document libraries: one per community (community_id set: its members
-- see it) and the tenant's own (community_id NULL: its items carry a
-- publication scope), each with nested folders and documents — files with
-- versions, or external links. A version's bytes are an attachment of the
-- document (content_type 'document'), so they are checked, stored and
-- counted against the site's storage as every attachment is.
CREATE TABLE document_folders (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id bigint REFERENCES communities (id) ON DELETE RESTRICT,
    parent_id    bigint REFERENCES document_folders (id) ON DELETE RESTRICT,
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS DISTINCT FROM id)
);
-- a folder's name is unique among its siblings; its children by name
CREATE UNIQUE INDEX document_folders_name_idx ON document_folders (coalesce(community_id, 0), coalesce(parent_id, 0), lower(name));

CREATE TABLE documents (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id        bigint REFERENCES communities (id) ON DELETE RESTRICT,
    folder_id           bigint REFERENCES document_folders (id) ON DELETE RESTRICT,
    kind                text NOT NULL CHECK (kind IN ('file', 'link')),
    title               text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    -- the description, plain text
    body                text NOT NULL DEFAULT '' CHECK (length(body) <= 2000),
    link                text NOT NULL DEFAULT '' CHECK (length(link) <= 2000 AND (kind = 'link') = (link <> '')),
    language            text NOT NULL DEFAULT 'it',
    themes              text[] NOT NULL DEFAULT '{}',
    tags                bigint[] NOT NULL DEFAULT '{}',
    -- the tags' names when the document was saved, for search
    tag_names           text NOT NULL DEFAULT '',
    -- the current version: how many there are, and the last one's file
    versions            int NOT NULL DEFAULT 0,
    size                bigint NOT NULL DEFAULT 0,
    mime                text NOT NULL DEFAULT '',
    file_name           text NOT NULL DEFAULT '',
    -- documents take no workflow: they are published when added
    state               text NOT NULL DEFAULT 'published' CHECK (state = 'published'),
    author_id           bigint REFERENCES users (id) ON DELETE SET NULL,
    scope_kind          text NOT NULL DEFAULT 'tenant' CHECK (scope_kind IN ('tenant', 'interests', 'communities', 'organizations')),
    scope_themes        text[] NOT NULL DEFAULT '{}',
    scope_tags          bigint[] NOT NULL DEFAULT '{}',
    scope_communities   bigint[] NOT NULL DEFAULT '{}',
    scope_organizations bigint[] NOT NULL DEFAULT '{}',
    public              boolean NOT NULL DEFAULT false CHECK (NOT public OR scope_kind = 'tenant'),
    published_at        timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- a community's document is for its members
    CHECK (community_id IS NULL OR (scope_kind = 'communities' AND scope_communities = ARRAY[community_id])),
    search              tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(piazza_ts_config(language), title), 'A') ||
        setweight(to_tsvector(piazza_ts_config(language), tag_names), 'B') ||
        setweight(to_tsvector(piazza_ts_config(language), body), 'C')) STORED
);
-- a folder's documents in each order of the list; search; a community's items
CREATE INDEX documents_folder_name_idx ON documents (coalesce(community_id, 0), folder_id, lower(title), id);
CREATE INDEX documents_folder_date_idx ON documents (coalesce(community_id, 0), folder_id, updated_at, id);
CREATE INDEX documents_search_idx ON documents USING gin (search);
CREATE INDEX documents_scope_communities_idx ON documents USING gin (scope_communities);

-- A file's versions, numbered from 1: who uploaded which bytes and when;
-- a restored version repeats the bytes of the one it names.
CREATE TABLE document_versions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id   bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number        int NOT NULL CHECK (number > 0),
    attachment_id bigint NOT NULL UNIQUE REFERENCES attachments (id) ON DELETE RESTRICT,
    restored_from int,
    created_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (document_id, number)
);

CREATE TRIGGER document_folders_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON document_folders
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER documents_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON documents
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER document_versions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON document_versions
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
