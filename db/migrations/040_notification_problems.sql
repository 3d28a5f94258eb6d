-- Messages that reached nobody they were meant for (no member holds the role at the unit, the
-- assignee left the directory, the applicant gave no address): one row per message and recipient
-- kind, written by the notify activity, idempotent by id (hash of case, occurrence, event, kind).
-- Administrators list them (GET /api/v1/notification-problems); the unit's supervisors are mailed.
CREATE TABLE notification_problems (
  id          text PRIMARY KEY,
  case_id     text NOT NULL,
  reference   text NOT NULL,
  occurrence  text NOT NULL,
  event       text NOT NULL,
  template    text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('applicant', 'assignee', 'unit_agents', 'supervisors')),
  role        text,
  unit_code   text,
  assignee    text,
  reason      text NOT NULL,
  -- Member ids of the supervisors told of the problem (empty: nobody could be told).
  alerted     text[] NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notification_problems_created_idx ON notification_problems (created_at DESC, id);
CREATE INDEX notification_problems_unit_idx ON notification_problems (unit_code, created_at DESC);

-- Who holds a role, across units: publishing a procedure looks for units where nobody holds one.
CREATE INDEX unit_members_roles_idx ON unit_members USING gin (roles) WHERE active;
