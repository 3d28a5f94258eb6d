-- Cases that need an administrator: a step of the case failed in a way retrying cannot fix (a
-- value the read model cannot store, a clock that cannot be computed). The workflow records the
-- failure here through a small activity and waits; it never loops. One row per case: the latest
-- failure, since when the case has been waiting, and when it was resolved (NULL while open).
CREATE TABLE case_attention (
  case_id       text        PRIMARY KEY,
  reference     text        NOT NULL,
  procedure_id  text        NOT NULL,
  unit_code     text        NOT NULL,
  -- The step that failed (filing, action, clocks, recompute) and the error, sanitised and
  -- shortened by the activity so that recording it cannot fail the way the step did.
  step          text        NOT NULL,
  error         text        NOT NULL,
  error_type    text,
  since         timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  attempts      integer     NOT NULL DEFAULT 1,
  resolved_at   timestamptz
);
-- The administrators' list: open ones, oldest first.
CREATE INDEX case_attention_open ON case_attention (since, case_id) WHERE resolved_at IS NULL;
