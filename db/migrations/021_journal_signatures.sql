-- The journal proves itself (db/journal-keys.ts, db/journal-verify.ts).
--
-- Each entry is signed: mac = HMAC-SHA256(key, case id, sequence, hash) under the key named by
-- key_id. The key lives in the worker's environment, never here, so a chain recomputed after an
-- edit fails at the edited entry. Rows written before this migration stay unsigned (NULL).
-- ADD COLUMN fires no row trigger: the append-only guard stays as it is.
ALTER TABLE journal ADD COLUMN key_id text, ADD COLUMN mac text;

-- One head per case, written in the projection's transaction with the entries it covers: the last
-- sequence and its hash, signed the same way. Deleting the last entries leaves the head pointing
-- past them; moving the head back needs the key. Mutable on purpose (it moves with every append).
CREATE TABLE journal_checkpoints (
  case_id     text        PRIMARY KEY,
  sequence    integer     NOT NULL CHECK (sequence > 0),
  head_hash   text        NOT NULL,
  key_id      text,
  mac         text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Heads of the journals written before this migration, unsigned: their truncation shows from now on.
INSERT INTO journal_checkpoints (case_id, sequence, head_hash)
SELECT DISTINCT ON (case_id) case_id, sequence, hash FROM journal ORDER BY case_id, sequence DESC;
