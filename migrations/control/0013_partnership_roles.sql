-- The tenant's EEN advisors follow up members' interests in partnership
-- profiles: who holds "advise" on "partnership/interests" reads every
-- interest and takes each step. Tenant admins give the role (admin area,
-- members) and hold the permission themselves.
INSERT INTO piazza.casbin_rules (ptype, v0, v1, v2, v3) VALUES
    ('p', 'role:een_advisor', '*', 'partnership/interests', 'advise'),
    ('p', 'role:admin', '*', 'partnership/interests', 'advise')
ON CONFLICT DO NOTHING;
