-- Retention and erasure (law 09-08 art. 3: personal data kept no longer than the purpose needs;
-- law 69-99: the record the archives need is kept). See docs/retention.md.

-- Journal entries, format 2: the free-text and input fields (`reason`, `data`) are chained through
-- a salted digest (`personal_digest` = sha256(salt || canonical {reason, data})), not their bytes,
-- so erasing them (and the salt) leaves the chain, the signatures and the checkpoint intact.
-- Format 1 rows (written before this migration) keep their meaning and still verify as they are;
-- erasing one records its remaining fields' digest in the erasure entry (db/journal-erasure.ts).
-- ADD COLUMN fires no row trigger: the append-only guard stays as it is.
ALTER TABLE journal
  ADD COLUMN format smallint NOT NULL DEFAULT 1 CHECK (format IN (1, 2)),
  ADD COLUMN personal_salt text,
  ADD COLUMN personal_digest text,
  ADD COLUMN erased_at timestamptz,
  ADD CHECK (format = 1 OR personal_digest IS NOT NULL),
  ADD CHECK (erased_at IS NULL OR (reason IS NULL AND data IS NULL AND personal_salt IS NULL));

-- The append-only guard lets exactly one UPDATE through: the erasure of an entry's personal fields,
-- once, every other column unchanged. Anything else is refused as before.
CREATE OR REPLACE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
     AND NEW.reason IS NULL AND NEW.data IS NULL AND NEW.personal_salt IS NULL
     AND (NEW.case_id, NEW.sequence, NEW.at, NEW.actor, NEW.kind, NEW.from_state, NEW.to_state,
          NEW.prev_hash, NEW.hash, NEW.key_id, NEW.mac, NEW.format, NEW.personal_digest)
         IS NOT DISTINCT FROM
         (OLD.case_id, OLD.sequence, OLD.at, OLD.actor, OLD.kind, OLD.from_state, OLD.to_state,
          OLD.prev_hash, OLD.hash, OLD.key_id, OLD.mac, OLD.format, OLD.personal_digest) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'journal is append-only: % refused on case %', TG_OP, COALESCE(OLD.case_id, '?')
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- When a case's personal data was erased (NULL: not yet). What stays: reference, procedure
-- version, unit, dates, state and outcome, the journal's chain.
ALTER TABLE cases ADD COLUMN erased_at timestamptz;

-- The retention job's scan: closed cases not yet erased, oldest closure first.
CREATE INDEX cases_retention_due ON cases (closed_at, case_id) WHERE status = 'closed' AND erased_at IS NULL;

-- A document whose bytes were deleted from the store at erasure: the row (hash, size, type, dates)
-- stays as the archives' record of what was filed; the file name (often a person's name) goes.
ALTER TABLE documents ADD COLUMN erased_at timestamptz;

-- A message of an erased case that was never sent is not sent after its address and body are gone:
-- `erased`, which the sweeper does not pick (db/outbox.ts). Sent messages stay `sent`.
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_status_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_status_check CHECK (status IN ('queued', 'sent', 'failed', 'erased'));
DROP INDEX notification_outbox_pending_idx;
CREATE INDEX notification_outbox_pending_idx ON notification_outbox (created_at) WHERE status IN ('queued', 'failed');
