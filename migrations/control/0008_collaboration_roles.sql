-- Permissions of the roles people hold inside a community (held in the
-- tenant's own community_members table and added to the request's roles by
-- the community module), the same in every tenant. Objects are
-- "community/<id>" and "community/<id>/content/<type>".
INSERT INTO piazza.casbin_rules (ptype, v0, v1, v2, v3) VALUES
    ('p', 'role:admin', '*', 'community/*', '*'),
    ('p', 'role:community_manager', '*', 'community/*', '*'),
    ('p', 'role:community_editor', '*', 'community/*', 'read'),
    ('p', 'role:community_editor', '*', 'community/*', 'create'),
    ('p', 'role:community_editor', '*', 'community/*', 'submit'),
    ('p', 'role:community_editor', '*', 'community/*', 'publish'),
    ('p', 'role:community_editor', '*', 'community/*', 'archive'),
    ('p', 'role:community_author', '*', 'community/*', 'read'),
    ('p', 'role:community_author', '*', 'community/*', 'create'),
    ('p', 'role:community_author', '*', 'community/*', 'submit'),
    ('p', 'role:community_participant', '*', 'community/*', 'read'),
    ('p', 'role:community_participant', '*', 'community/*', 'create'),
    ('p', 'role:community_participant', '*', 'community/*', 'submit'),
    ('p', 'role:community_reader', '*', 'community/*', 'read'),
    ('p', 'role:community_guest', '*', 'community/*', 'read'),
    -- Tenant-wide content: members submit, validators decide, and they and
    -- admins archive. (The older per-tenant rules of content/* stay.)
    ('p', 'role:member', '*', 'content/*', 'submit'),
    ('p', 'role:validator', '*', 'content/*', 'archive'),
    ('p', 'role:facilitator', '*', 'community/new', 'validate'),
    ('p', 'role:validator', '*', 'community/new', 'validate')
ON CONFLICT DO NOTHING;
