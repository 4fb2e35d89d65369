-- A project's budget and progress reports: partner referents record the
-- budget lines and expenses of their own partner ("budget") and write its
-- progress reports ("report"); which partner is theirs the projects
-- module checks on the partner's row. Managers hold every action of
-- their project already (control migration 0012), the decision on a
-- report ("review") and every partner's budget ("budget_all") included;
-- participants and observers read.
INSERT INTO piazza.casbin_rules (ptype, v0, v1, v2, v3) VALUES
    ('p', 'role:project_referent', '*', 'project/*', 'budget'),
    ('p', 'role:project_referent', '*', 'project/*', 'report')
ON CONFLICT DO NOTHING;
