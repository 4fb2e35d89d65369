-- Authorisation rules (Casbin): role permissions per tenant (seeded at
-- provisioning) and elevated role assignments. The domain is the tenant id as
-- text, or '*' for every tenant: it is v1 of a 'p' rule and v2 of a 'g' rule.
CREATE TABLE piazza.casbin_rules (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ptype text NOT NULL CHECK (ptype IN ('p', 'g')),
    v0    text NOT NULL DEFAULT '',
    v1    text NOT NULL DEFAULT '',
    v2    text NOT NULL DEFAULT '',
    v3    text NOT NULL DEFAULT '',
    v4    text NOT NULL DEFAULT '',
    v5    text NOT NULL DEFAULT '',
    -- the rule's domain, for filtered loading and for purging a tenant's rules
    domain text GENERATED ALWAYS AS (CASE ptype WHEN 'p' THEN v1 ELSE v2 END) STORED,
    UNIQUE (ptype, v0, v1, v2, v3, v4, v5)
);
CREATE INDEX casbin_rules_domain_idx ON piazza.casbin_rules (domain);

-- Every change tells every replica to reload that domain's policy.
CREATE FUNCTION piazza.notify_authz_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('piazza_authz_changed', COALESCE(NEW.domain, OLD.domain));
    RETURN NULL;
END $$;

CREATE TRIGGER casbin_rules_changed AFTER INSERT OR UPDATE OR DELETE ON piazza.casbin_rules
    FOR EACH ROW EXECUTE FUNCTION piazza.notify_authz_changed();

-- Operators may do everything, in every tenant.
INSERT INTO piazza.casbin_rules (ptype, v0, v1, v2, v3) VALUES ('p', 'role:operator', '*', '*', '*');
