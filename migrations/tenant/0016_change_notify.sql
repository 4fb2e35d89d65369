-- Every statement that changes the tenant's data tells every replica to drop
-- what it cached for the tenant (LISTEN piazza_tenant_data; the payload is
-- the schema). PostgreSQL delivers it once the transaction commits, and
-- sends it once per transaction however many statements fired it.
CREATE FUNCTION piazza_notify_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('piazza_tenant_data', TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;

-- On every table but those no cached view reads: the migration ledger, the
-- sign-in throttle, one-time tokens and OpenID Connect round trips. Sessions
-- notify when they end (a session's idle timer is refreshed every minute of
-- use, which must not empty the cache). A table added later gets the same
-- trigger in its migration (a test checks that none is missing).
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN
        SELECT c.relname FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
          AND c.relname NOT IN ('schema_migrations', 'auth_failures', 'auth_tokens', 'oidc_logins', 'sessions')
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
            FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed()', t || '_changed', t);
    END LOOP;
END $$;

CREATE TRIGGER sessions_changed AFTER DELETE OR TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
