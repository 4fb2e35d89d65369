-- A project's budget and its progress reports. Amounts are euro cents in
-- bigint, never floats. A budget line is one partner's planned amount in
-- one category; its expenses (a correction is a negative amount) add up
-- to the line's actual, kept on the line by the module in the writing
-- transaction that holds the line's row, so that the actual never goes
-- below zero whatever runs at the same time (the CHECK is the last word).
-- Every change of the budget is kept in its history.
CREATE TABLE project_budget_lines (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    partner_id    bigint NOT NULL,
    category      text NOT NULL CHECK (category IN ('personnel', 'equipment', 'travel', 'subcontracting', 'other', 'indirect')),
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    planned_cents bigint NOT NULL CHECK (planned_cents BETWEEN 0 AND 10000000000000),
    actual_cents  bigint NOT NULL DEFAULT 0 CHECK (actual_cents >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- one line per partner and category, of the partner's own project
    UNIQUE (partner_id, category),
    UNIQUE (id, project_id),
    FOREIGN KEY (partner_id, project_id) REFERENCES project_partners (id, project_id) ON DELETE CASCADE
);
CREATE INDEX project_budget_lines_project_idx ON project_budget_lines (project_id);

CREATE TABLE project_expenses (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL,
    line_id      bigint NOT NULL,
    spent_on     date NOT NULL,
    amount_cents bigint NOT NULL CHECK (amount_cents <> 0 AND amount_cents BETWEEN -10000000000000 AND 10000000000000),
    description  text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 1000),
    created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (line_id, project_id) REFERENCES project_budget_lines (id, project_id) ON DELETE CASCADE
);
-- the expense list's keyset order (newest first) and the months' sums
CREATE INDEX project_expenses_project_idx ON project_expenses (project_id, spent_on, id);
CREATE INDEX project_expenses_line_idx ON project_expenses (line_id);

-- Who changed what in a budget, when, and the amounts before and after:
-- a line's planned amount, an expense's amount. Rows name the line and
-- the expense without keys to them, as they outlive what they tell of.
CREATE TABLE project_budget_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    line_id      bigint,
    expense_id   bigint,
    action       text NOT NULL CHECK (action IN ('line_created', 'line_changed', 'line_removed',
        'expense_recorded', 'expense_corrected', 'expense_removed')),
    what         text NOT NULL DEFAULT '' CHECK (length(what) <= 1200),
    before_cents bigint,
    after_cents  bigint,
    actor_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX project_budget_history_project_idx ON project_budget_history (project_id, at, id);

-- Progress reports: one per partner and period, written by the partner's
-- referent, decided by the project's managers (workflow below).
CREATE TABLE project_reports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL,
    partner_id   bigint NOT NULL,
    period_start date NOT NULL,
    period_end   date NOT NULL,
    body         text NOT NULL DEFAULT '' CHECK (length(body) <= 100000),
    state        text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'approved', 'sent_back')),
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    author_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (period_end >= period_start),
    UNIQUE (partner_id, period_start, period_end),
    FOREIGN KEY (partner_id, project_id) REFERENCES project_partners (id, project_id) ON DELETE CASCADE
);
CREATE INDEX project_reports_project_idx ON project_reports (project_id, period_end, id);
-- "my activities": reports not submitted whose period has ended, and
-- reports waiting for a manager's decision
CREATE INDEX project_reports_open_idx ON project_reports (partner_id, period_end) WHERE state IN ('draft', 'sent_back');
CREATE INDEX project_reports_submitted_idx ON project_reports (project_id) WHERE state = 'submitted';
-- the partners a person is the referent of (their reports in "my activities")
CREATE INDEX project_partners_referent_idx ON project_partners (referent_id) WHERE referent_id IS NOT NULL;

INSERT INTO workflow_transitions (content_type, action, from_state, to_state, permission) VALUES
    ('project_report', 'submit', 'draft', 'submitted', 'write'),
    ('project_report', 'submit', 'sent_back', 'submitted', 'write'),
    ('project_report', 'approve', 'submitted', 'approved', 'review'),
    ('project_report', 'send_back', 'submitted', 'sent_back', 'review');

CREATE TRIGGER project_budget_lines_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_budget_lines
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER project_expenses_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_expenses
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER project_budget_history_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_budget_history
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER project_reports_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_reports
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
