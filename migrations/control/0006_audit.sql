-- The audit trail of administrative actions: who did what, when, to which
-- tenant. Rows are only ever added.
CREATE TABLE piazza.audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    tenant_id   bigint REFERENCES piazza.tenants (id) ON DELETE SET NULL,
    tenant_slug text NOT NULL DEFAULT '',
    action      text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}',
    client_addr text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_tenant_idx ON piazza.audit_log (tenant_id, at DESC);
CREATE INDEX audit_log_at_idx ON piazza.audit_log (at DESC);
