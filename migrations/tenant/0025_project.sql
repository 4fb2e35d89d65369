-- Research and innovation projects: the project (funding in euro cents,
-- never floats), its people with their role in it (manager, partner
-- referent, participant, observer), its partners (organisations of the
-- tenant, each with a referent), its closed community, and its plan: work
-- packages, tasks with finish-to-start dependencies and assignees, and
-- milestones. A project may be born from another module's item (a
-- proposal's work group): origin_kind and origin_id name it. Only the
-- project's people see any of it.
CREATE TABLE projects (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title        text NOT NULL CHECK (length(btrim(title)) BETWEEN 3 AND 200),
    acronym      text NOT NULL DEFAULT '' CHECK (length(acronym) <= 30),
    summary      text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
    themes       text[] NOT NULL DEFAULT '{}',
    starts_on    date NOT NULL,
    ends_on      date NOT NULL,
    status       text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'running', 'suspended', 'closed')),
    programme    text NOT NULL DEFAULT '' CHECK (length(programme) <= 200),
    funding_call text NOT NULL DEFAULT '' CHECK (length(funding_call) <= 200),
    grant_cents  bigint CHECK (grant_cents >= 0),
    community_id bigint REFERENCES communities (id) ON DELETE SET NULL,
    origin_kind  text CHECK (origin_kind IN ('proposal')),
    origin_id    bigint,
    created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    search       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title || ' ' || acronym), 'A') || setweight(to_tsvector('simple', summary), 'B')) STORED,
    CHECK (ends_on >= starts_on),
    CHECK ((origin_kind IS NULL) = (origin_id IS NULL))
);
-- one project per item it is born from; a community's way back to its project
CREATE UNIQUE INDEX projects_origin_idx ON projects (origin_kind, origin_id) WHERE origin_id IS NOT NULL;
CREATE INDEX projects_community_idx ON projects (community_id) WHERE community_id IS NOT NULL;
CREATE INDEX projects_search_idx ON projects USING gin (search);

-- The people of a project and their role: every check of the module
-- starts here (a person without a row sees nothing of the project).
CREATE TABLE project_members (
    project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('manager', 'referent', 'participant', 'observer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id)
);
-- a member's projects, newest first (the list's keyset order)
CREATE INDEX project_members_user_idx ON project_members (user_id, project_id);

-- The partners: organisations of the tenant, each with a referent.
CREATE TABLE project_partners (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id      bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    organization_id bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    referent_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, organization_id),
    UNIQUE (id, project_id)
);

CREATE TABLE project_work_packages (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    code        text NOT NULL CHECK (length(btrim(code)) BETWEEN 1 AND 20),
    title       text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on),
    UNIQUE (id, project_id)
);
CREATE INDEX project_work_packages_project_idx ON project_work_packages (project_id, starts_on, id);

CREATE TABLE project_tasks (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id      bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    work_package_id bigint NOT NULL,
    title           text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    starts_on       date NOT NULL,
    ends_on         date NOT NULL,
    status          text NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'done', 'on_hold')),
    progress        smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on),
    UNIQUE (id, project_id),
    -- a task belongs to a work package of its own project
    FOREIGN KEY (work_package_id, project_id) REFERENCES project_work_packages (id, project_id) ON DELETE CASCADE
);
-- the plan's tasks in order (the Gantt, the paged task table), a work
-- package's tasks
CREATE INDEX project_tasks_project_idx ON project_tasks (project_id, starts_on, id);
CREATE INDEX project_tasks_work_package_idx ON project_tasks (work_package_id);

CREATE TABLE project_task_assignees (
    task_id bigint NOT NULL REFERENCES project_tasks (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, user_id)
);
-- "my activities": the tasks assigned to a person
CREATE INDEX project_task_assignees_user_idx ON project_task_assignees (user_id);

-- Finish-to-start: the successor starts after the predecessor ends; both
-- tasks of the same project, and the graph without cycles (checked by the
-- module with the project's plan locked).
CREATE TABLE project_task_dependencies (
    project_id     bigint NOT NULL,
    predecessor_id bigint NOT NULL,
    successor_id   bigint NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id),
    CHECK (predecessor_id <> successor_id),
    FOREIGN KEY (predecessor_id, project_id) REFERENCES project_tasks (id, project_id) ON DELETE CASCADE,
    FOREIGN KEY (successor_id, project_id) REFERENCES project_tasks (id, project_id) ON DELETE CASCADE
);
CREATE INDEX project_task_dependencies_project_idx ON project_task_dependencies (project_id);
CREATE INDEX project_task_dependencies_successor_idx ON project_task_dependencies (successor_id);

CREATE TABLE project_milestones (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id      bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    work_package_id bigint,
    title           text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    due_on          date NOT NULL,
    deliverables    text NOT NULL DEFAULT '' CHECK (length(deliverables) <= 4000),
    reached         boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (work_package_id, project_id) REFERENCES project_work_packages (id, project_id) ON DELETE CASCADE
);
CREATE INDEX project_milestones_project_idx ON project_milestones (project_id, due_on, id);

CREATE TRIGGER projects_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER project_members_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_members
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER project_partners_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_partners
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER project_work_packages_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_work_packages
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER project_tasks_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER project_task_assignees_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_task_assignees
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER project_task_dependencies_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_task_dependencies
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
CREATE TRIGGER project_milestones_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_milestones
    FOR EACH STATEMENT EXECUTE FUNCTION piazza_notify_changed();
