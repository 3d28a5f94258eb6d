-- The access log (law 09-08: every access to personal data accounted for): one row each time someone
-- other than the applicant reads a case, its journal or its documents, written by the use case that
-- served the read (usecases/access-log.ts), whatever the transport (API, console, CLI); and each time
-- an administrator has Temporal payloads decrypted through the codec endpoint (no case id: the Web UI
-- sends payloads, not cases).
-- Append-only like the journal: the trigger refuses UPDATE, DELETE and TRUNCATE, so an agent who
-- looked cannot erase that they did, even with the application's database role. Retention erases
-- applicants' data, never this record of who consulted it (it names staff and case ids only).
CREATE TABLE case_access_log (
  id           bigserial   PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  case_id      text,
  -- The reader as the transport verified them: token subject, display name, roles, unit.
  actor_id     text        NOT NULL,
  actor_name   text,
  actor_roles  text[]      NOT NULL,
  actor_unit   text,
  -- What was read.
  what         text        NOT NULL CHECK (what IN ('case', 'journal', 'documents', 'payloads')),
  CHECK ((what = 'payloads') = (case_id IS NULL)),
  -- Through which transport and route (`api` + `GET /api/v1/cases/:id`, `console` + a page path).
  transport    text        NOT NULL,
  route        text        NOT NULL
);

-- "Who read case X" (the applicant's page, investigations), newest first.
CREATE INDEX case_access_log_case ON case_access_log (case_id, id DESC);
-- "What did this person read", "what was read from this unit" (administrators).
CREATE INDEX case_access_log_actor ON case_access_log (actor_id, id DESC);
CREATE INDEX case_access_log_unit ON case_access_log (actor_unit, id DESC) WHERE actor_unit IS NOT NULL;

CREATE FUNCTION case_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_access_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER case_access_log_no_update BEFORE UPDATE OR DELETE ON case_access_log
  FOR EACH ROW EXECUTE FUNCTION case_access_log_append_only();
CREATE TRIGGER case_access_log_no_truncate BEFORE TRUNCATE ON case_access_log
  FOR EACH STATEMENT EXECUTE FUNCTION case_access_log_append_only();
