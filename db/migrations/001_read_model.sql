-- The read model: what the API reads. Written only by the projection activity (cases, tasks,
-- clocks, journal) and by the API itself for the procedure registry, idempotency keys and calendars.
-- Shaped for millions of open cases: every list the API serves has an index matching its filter
-- and its sort, so keyset pagination never scans.

-- Procedure registry: one row per published version, immutable once published.
CREATE TABLE procedures (
  id            text        NOT NULL,
  version       integer     NOT NULL CHECK (version > 0),
  source        text        NOT NULL,
  -- json, not jsonb: the compiled text keeps its key order (form fields in the author's order).
  compiled      json        NOT NULL,
  hash          text        NOT NULL,
  published_by  text        NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);

-- One row per case: the latest projected view, plus the columns the API filters on.
CREATE TABLE cases (
  case_id            text        PRIMARY KEY,
  reference          text        NOT NULL UNIQUE,
  procedure_id       text        NOT NULL,
  procedure_version  integer     NOT NULL,
  procedure_hash     text        NOT NULL,
  unit_code          text        NOT NULL,
  applicant_id       text        NOT NULL,
  filed_by           text        NOT NULL,
  state              text        NOT NULL,
  status             text        NOT NULL CHECK (status IN ('open', 'closed')),
  outcome            text,
  filed_at           timestamptz NOT NULL,
  closed_at          timestamptz,
  last_sequence      integer     NOT NULL,
  escalation_level   text,
  escalation_unit    text,
  -- Earliest due instant of a running clock or open task: `overdue` is `next_due_at < now()`.
  next_due_at        timestamptz,
  view               jsonb       NOT NULL,
  -- Case facts (unit with ancestors, applicant, filed by, procedure title). The applicant's email
  -- lives here: personal data, returned only to the roles that need it.
  facts              jsonb       NOT NULL,
  -- The applicant's input: personal data, never logged, never in search attributes.
  data               jsonb       NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Lists by unit (agents, supervisors through their descendant units), newest first, keyset on (filed_at, case_id).
CREATE INDEX cases_unit_filed ON cases (unit_code, filed_at DESC, case_id DESC);
CREATE INDEX cases_unit_state_filed ON cases (unit_code, state, filed_at DESC, case_id DESC);
CREATE INDEX cases_procedure_filed ON cases (procedure_id, filed_at DESC, case_id DESC);
-- An applicant's own cases.
CREATE INDEX cases_applicant_filed ON cases (applicant_id, filed_at DESC, case_id DESC);
-- Overdue open cases: small partial index, the closed majority left out.
CREATE INDEX cases_open_due ON cases (next_due_at) WHERE status = 'open' AND next_due_at IS NOT NULL;
-- Escalated open cases by the unit they climbed to.
CREATE INDEX cases_escalated ON cases (escalation_unit, filed_at DESC, case_id DESC)
  WHERE status = 'open' AND escalation_level IS NOT NULL;
CREATE INDEX cases_updated ON cases (updated_at DESC, case_id DESC);

-- Open tasks, replaced from the view at each projection: the inboxes.
CREATE TABLE case_tasks (
  case_id    text        NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  -- Position of the task in the view's list (a view may hold parallel tasks).
  position   integer     NOT NULL,
  state      text        NOT NULL,
  role       text        NOT NULL,
  level      text        NOT NULL,
  unit_code  text        NOT NULL,
  assignee   text,
  opened_at  timestamptz NOT NULL,
  due_at     timestamptz,
  actions    jsonb       NOT NULL DEFAULT '[]',
  PRIMARY KEY (case_id, position)
);
-- An inbox: tasks at one unit for some roles, earliest due first (NULL due dates last).
CREATE INDEX case_tasks_inbox ON case_tasks (unit_code, role, due_at, case_id);

-- Clocks of each case, replaced from the view at each projection.
CREATE TABLE case_clocks (
  case_id     text        NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  name        text        NOT NULL,
  status      text        NOT NULL,
  counting    text        NOT NULL,
  started_at  timestamptz,
  due_at      timestamptz,
  due_date    date,
  extensions  integer     NOT NULL DEFAULT 0,
  expired_at  timestamptz,
  PRIMARY KEY (case_id, name)
);
-- Running clocks by due instant: what a late holiday announcement has to move.
CREATE INDEX case_clocks_running_due ON case_clocks (due_at) WHERE status = 'running';

-- The journal: append-only, hash-chained per case (hash = sha256(prev_hash || canonical entry)).
CREATE TABLE journal (
  case_id     text        NOT NULL,
  sequence    integer     NOT NULL CHECK (sequence > 0),
  at          timestamptz NOT NULL,
  actor       jsonb       NOT NULL,
  kind        text        NOT NULL,
  from_state  text,
  to_state    text,
  reason      text,
  data        jsonb,
  prev_hash   text        NOT NULL,
  hash        text        NOT NULL,
  PRIMARY KEY (case_id, sequence)
);

-- Entries that arrived ahead of a gap (a later projection delivered before an earlier one); moved
-- into the journal, in order, once the gap fills. Mutable on purpose: the journal itself is not.
CREATE TABLE journal_pending (
  case_id   text    NOT NULL,
  sequence  integer NOT NULL,
  entry     jsonb   NOT NULL,
  PRIMARY KEY (case_id, sequence)
);

CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journal is append-only: % refused on case %', TG_OP, COALESCE(OLD.case_id, '?')
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER journal_no_update BEFORE UPDATE OR DELETE ON journal
  FOR EACH ROW EXECUTE FUNCTION journal_append_only();

CREATE FUNCTION journal_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journal is append-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
  FOR EACH STATEMENT EXECUTE FUNCTION journal_no_truncate();

-- Idempotency of POST /cases: one row per (caller, key); the case id is derived from them.
CREATE TABLE idempotency_keys (
  caller        text        NOT NULL,
  key           text        NOT NULL,
  request_hash  text        NOT NULL,
  case_id       text        NOT NULL,
  reference     text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Case references (`AI-2026-000123`): numbers from one sequence, unique across procedures.
CREATE SEQUENCE case_reference_seq;

-- Calendars edited through the API (holidays announced late); the shipped YAML calendars are the base.
CREATE TABLE calendars (
  id          text        PRIMARY KEY,
  version     integer     NOT NULL DEFAULT 1,
  body        jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
