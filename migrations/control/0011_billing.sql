-- Billing with Stripe (when PIAZZA_STRIPE_KEY is set). A tenant's billing
-- state lives on its row, so that replicas cache it with the tenant and
-- drop it when it changes: 'none' (not billed), 'active', 'grace' (a
-- payment failed: read-only until grace_until), 'suspended' (not paid
-- after the grace, or the subscription canceled).
ALTER TABLE piazza.tenants
    ADD COLUMN billing_state text NOT NULL DEFAULT 'none'
        CHECK (billing_state IN ('none', 'active', 'grace', 'suspended')),
    ADD COLUMN billing_grace_until timestamptz;

DROP TRIGGER tenants_changed ON piazza.tenants;
CREATE TRIGGER tenants_changed
    AFTER INSERT OR DELETE OR UPDATE OF slug, name, status, schema_name, role_name, deleted_at, brand, plan_id,
        billing_state, billing_grace_until
    ON piazza.tenants
    FOR EACH ROW EXECUTE FUNCTION piazza.notify_tenant_changed();

-- The Stripe prices of a priced plan, created in Stripe the first time a
-- tenant is put on it: the monthly base price and the metered prices of
-- active members and of storage (GiB).
ALTER TABLE piazza.plans
    ADD COLUMN stripe_price_id text,
    ADD COLUMN stripe_members_price_id text,
    ADD COLUMN stripe_storage_price_id text;

-- A paying administration's billing account: who Stripe invoices, and its
-- customer, subscription and metered subscription items there.
-- event_at is the creation time of the last Stripe event applied, so that
-- events arriving out of order never undo a newer one.
CREATE TABLE piazza.billing_accounts (
    tenant_id            bigint PRIMARY KEY REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    legal_name           text NOT NULL CHECK (length(btrim(legal_name)) BETWEEN 1 AND 200),
    vat_number           text NOT NULL DEFAULT '' CHECK (length(vat_number) <= 40),
    invoice_email        text NOT NULL CHECK (length(invoice_email) BETWEEN 3 AND 254),
    customer_id          text UNIQUE,
    subscription_id      text UNIQUE,
    price_id             text,
    members_item_id      text,
    storage_item_id      text,
    subscription_status  text NOT NULL DEFAULT '',
    event_at             timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Stripe's webhook events, recorded before they are applied: an event id
-- already here was processed (Stripe delivers at least once).
CREATE TABLE piazza.billing_events (
    event_id    text PRIMARY KEY,
    type        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- Usage reported to Stripe, one row per tenant, period and metric: a
-- period's usage is reported once.
CREATE TABLE piazza.billing_usage_reports (
    tenant_id   bigint NOT NULL REFERENCES piazza.tenants (id) ON DELETE CASCADE,
    period      text NOT NULL,
    metric      text NOT NULL CHECK (metric IN ('members', 'storage')),
    quantity    bigint NOT NULL CHECK (quantity >= 0),
    reported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, period, metric)
);
