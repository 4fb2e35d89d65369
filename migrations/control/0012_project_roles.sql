-- Permissions of the roles people hold inside a project (held in the
-- tenant's own project_members table and added to the request's roles by
-- the projects module), the same in every tenant. Objects are
-- "project/<id>/<what>": managers do everything in their project; partner
-- referents and participants read it and report the progress of their
-- tasks; observers read. Who may start a project from scratch holds
-- "create" on "project/new": tenant admins and facilitators.
INSERT INTO piazza.casbin_rules (ptype, v0, v1, v2, v3) VALUES
    ('p', 'role:project_manager', '*', 'project/*', '*'),
    ('p', 'role:project_referent', '*', 'project/*', 'read'),
    ('p', 'role:project_referent', '*', 'project/*', 'progress'),
    ('p', 'role:project_participant', '*', 'project/*', 'read'),
    ('p', 'role:project_participant', '*', 'project/*', 'progress'),
    ('p', 'role:project_observer', '*', 'project/*', 'read'),
    ('p', 'role:admin', '*', 'project/new', 'create'),
    ('p', 'role:facilitator', '*', 'project/new', 'create')
ON CONFLICT DO NOTHING;
