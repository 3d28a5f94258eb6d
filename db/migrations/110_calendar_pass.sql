-- A calendar change moves due dates in bulk (activities/calendar-pass.ts) instead of signalling
-- every running case. Each running clock keeps its plan: how its due instant is recomputed (the
-- due-date activity's input), the calendar version it was computed with, its pending reminders and
-- the `deadline_moved` messages it would send (these hold the applicant's contact: the plan is kept
-- only while the clock runs, so a closed case's clocks hold none).
ALTER TABLE case_clocks
  ADD COLUMN calendar_id text,
  ADD COLUMN calendar_version integer,
  ADD COLUMN plan jsonb;
-- What a change to calendar X from date D has to look at: running clocks with a plan, by due date.
CREATE INDEX case_clocks_calendar_pass ON case_clocks (calendar_id, due_date) WHERE status = 'running' AND plan IS NOT NULL;

-- The moves the pass made, one per clock and calendar version: the case journals them when it next
-- wakes (the journal has one writer per case, its workflow), without telling anyone twice.
CREATE TABLE case_calendar_moves (
  case_id          text        NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  clock            text        NOT NULL,
  calendar_version integer     NOT NULL,
  from_due         timestamptz,
  to_due           timestamptz NOT NULL,
  at               timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, clock, calendar_version)
);

-- Messages queued in bulk (the pass's `deadline_moved` notices), rendered and sent by the
-- dispatcher through the same path as a case's own messages (activities/notifications/notify.ts),
-- then deleted: a row is a message not yet in notification_outbox.
CREATE TABLE notice_queue (
  id          text        PRIMARY KEY,
  case_id     text        NOT NULL,
  input       jsonb       NOT NULL,
  attempts    integer     NOT NULL DEFAULT 0,
  last_error  text,
  not_before  timestamptz NOT NULL DEFAULT now(),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notice_queue_due ON notice_queue (not_before);
