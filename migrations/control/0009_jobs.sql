-- Background jobs (River) live in their own schema, beside the control
-- schema; River's own migrations create its tables there.
CREATE SCHEMA IF NOT EXISTS piazza_jobs;
