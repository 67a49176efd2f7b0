CREATE TABLE cat_action_type (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, label TEXT NOT NULL, system INTEGER NOT NULL DEFAULT 0);
CREATE TABLE cat_job_function (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, label TEXT NOT NULL, system INTEGER NOT NULL DEFAULT 0);
CREATE TABLE cat_department (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, label TEXT NOT NULL, system INTEGER NOT NULL DEFAULT 0);
CREATE TABLE cat_funding_body (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, label TEXT NOT NULL, system INTEGER NOT NULL DEFAULT 0);
CREATE TABLE cat_funding_type (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, label TEXT NOT NULL, system INTEGER NOT NULL DEFAULT 0);
CREATE TABLE cat_measure (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, label TEXT NOT NULL, system INTEGER NOT NULL DEFAULT 0);

INSERT INTO cat_action_type (code, label, system) VALUES
    ('FIRST_CONTACT', 'Erstkontakt', 1),
    ('FUNDING_APPLICATION', 'Förderantrag', 1),
    ('REFUSAL_ABORT', 'Ablehnung/Abbruch', 1),
    ('CASE_CLOSED', 'Abschluss', 1);
INSERT INTO cat_funding_body (code, label, system) VALUES
    ('INTEGRATIONSAMT', 'Integrationsamt/Inklusionsamt', 1),
    ('DRV', 'Deutsche Rentenversicherung', 1),
    ('BA', 'Bundesagentur für Arbeit', 1),
    ('GKV', 'Gesetzliche Krankenversicherung', 1),
    ('DGUV', 'Gesetzliche Unfallversicherung', 1);

CREATE TABLE clients (
    id                INTEGER PRIMARY KEY,
    uuid              TEXT NOT NULL UNIQUE,
    bem_id            TEXT NOT NULL UNIQUE,
    anonymous         INTEGER NOT NULL DEFAULT 0,
    personnel_no      TEXT,
    last_name         TEXT,
    first_name        TEXT,
    birth_date        TEXT,
    gender            TEXT,
    department_id     INTEGER REFERENCES cat_department(id),
    job               TEXT,
    disability_status TEXT NOT NULL DEFAULT 'none' CHECK (disability_status IN ('none', 'sb', 'equal', 'applied')),
    sick_days_at_start INTEGER,
    survey_consent    INTEGER NOT NULL DEFAULT 0,
    case_manager      TEXT
);

CREATE TABLE sick_leave_periods (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    from_date TEXT NOT NULL,
    to_date   TEXT,
    source    TEXT NOT NULL CHECK (source IN ('hr', 'self'))
);
CREATE INDEX sick_leave_periods_client ON sick_leave_periods(client_id);

CREATE TABLE documents (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size      INTEGER NOT NULL,
    sha256    TEXT NOT NULL,
    content   BLOB NOT NULL
);
CREATE INDEX documents_client ON documents(client_id);

CREATE TABLE consents (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('participation', 'data_processing', 'third_parties', 'survey', 'confidentiality_release', 'handover')),
    given_on    TEXT NOT NULL,
    revoked_on  TEXT,
    document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE
);
CREATE INDEX consents_client ON consents(client_id);
CREATE INDEX consents_document ON consents(document_id);

CREATE TABLE bem_cases (
    id         INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    trigger    TEXT NOT NULL CHECK (trigger IN ('six_weeks', 'own_wish', 'preventive')),
    status     TEXT NOT NULL CHECK (status IN ('open', 'refused', 'running', 'aborted', 'closed')),
    ended_by   TEXT CHECK (ended_by IN ('client', 'team', 'mutual')),
    start_date TEXT NOT NULL,
    end_date   TEXT,
    locked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX bem_cases_client ON bem_cases(client_id);

CREATE TABLE actions (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES bem_cases(id) ON DELETE CASCADE,
    action_type_id INTEGER NOT NULL REFERENCES cat_action_type(id),
    date           TEXT NOT NULL,
    minutes        INTEGER,
    topic          TEXT NOT NULL,
    details        TEXT
);
CREATE INDEX actions_case ON actions(case_id);

CREATE TABLE action_participants (
    id              INTEGER PRIMARY KEY,
    action_id       INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    job_function_id INTEGER NOT NULL REFERENCES cat_job_function(id)
);
CREATE INDEX action_participants_action ON action_participants(action_id);

CREATE TABLE action_results (
    id        INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    text      TEXT NOT NULL,
    binding   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX action_results_action ON action_results(action_id);

CREATE TABLE action_tasks (
    id        INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    text      TEXT NOT NULL,
    due_date  TEXT,
    done      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX action_tasks_action ON action_tasks(action_id);

CREATE TABLE measures (
    id                   INTEGER PRIMARY KEY,
    case_id              INTEGER NOT NULL REFERENCES bem_cases(id) ON DELETE CASCADE,
    measure_id           INTEGER NOT NULL REFERENCES cat_measure(id),
    description          TEXT,
    planned_from         TEXT,
    planned_to           TEXT,
    status               TEXT NOT NULL CHECK (status IN ('planned', 'running', 'done', 'cancelled')),
    effectiveness_review TEXT
);
CREATE INDEX measures_case ON measures(case_id);

CREATE TABLE funding_applications (
    id                     INTEGER PRIMARY KEY,
    case_id                INTEGER NOT NULL REFERENCES bem_cases(id) ON DELETE CASCADE,
    funding_body_id        INTEGER NOT NULL REFERENCES cat_funding_body(id),
    funding_type_id        INTEGER NOT NULL REFERENCES cat_funding_type(id),
    applicant              TEXT NOT NULL,
    applied_on             TEXT NOT NULL,
    decided_on             TEXT,
    status                 TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'granted', 'partly_granted', 'rejected', 'withdrawn')),
    amount_requested_cents INTEGER,
    amount_granted_cents   INTEGER,
    reference_no           TEXT
);
CREATE INDEX funding_applications_case ON funding_applications(case_id);

CREATE TABLE surveys (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES bem_cases(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('first', 'follow_up')),
    planned_date TEXT NOT NULL,
    done_date    TEXT
);
CREATE INDEX surveys_case ON surveys(case_id);

CREATE TABLE survey_answers (
    id            INTEGER PRIMARY KEY,
    survey_id     INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    question_code TEXT NOT NULL,
    answer        TEXT
);
CREATE INDEX survey_answers_survey ON survey_answers(survey_id);

CREATE TABLE sick_days_after (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES bem_cases(id) ON DELETE CASCADE,
    year    INTEGER NOT NULL CHECK (year BETWEEN 1 AND 3),
    days    INTEGER NOT NULL,
    UNIQUE (case_id, year)
);

CREATE TABLE deletion_schedule (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    delete_on TEXT NOT NULL,
    reason    TEXT
);
CREATE INDEX deletion_schedule_client ON deletion_schedule(client_id);

CREATE TRIGGER clients_handed_over_no_update
BEFORE UPDATE ON clients
WHEN EXISTS (SELECT 1 FROM handover_clients hc JOIN handovers h ON h.bundle_id = hc.bundle_id
             WHERE h.state = 'open' AND hc.client_uuid = OLD.uuid)
BEGIN
    SELECT RAISE(ABORT, 'client is handed over and read-only: confirm or cancel the handover first');
END;

CREATE TRIGGER clients_handed_over_no_delete
BEFORE DELETE ON clients
WHEN EXISTS (SELECT 1 FROM handover_clients hc JOIN handovers h ON h.bundle_id = hc.bundle_id
             WHERE h.state = 'open' AND hc.client_uuid = OLD.uuid)
 AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'purging' AND value = '1')
BEGIN
    SELECT RAISE(ABORT, 'client is handed over and read-only: confirm or cancel the handover first');
END;
