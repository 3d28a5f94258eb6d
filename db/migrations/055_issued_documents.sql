-- Documents Masar issued and sealed (receipts, decisions): what the public verification page
-- (/verify/{code}) answers from, with no personal data. One per case and kind: a receipt is issued
-- once, and every later download or e-mail hands out the same bytes, so the hash printed, mailed
-- and verified is one and the same. The unit's name is kept as it was at issue (units get renamed).
CREATE TABLE issued_documents (
  code          text        PRIMARY KEY,
  case_id       text        NOT NULL,
  kind          text        NOT NULL CHECK (kind IN ('receipt', 'decision')),
  sha256        text        NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size          integer     NOT NULL CHECK (size > 0),
  unit_code     text        NOT NULL,
  unit_name_fr  text        NOT NULL,
  unit_name_ar  text        NOT NULL,
  reference     text        NOT NULL,
  issued_at     timestamptz NOT NULL,
  UNIQUE (case_id, kind)
);

-- The sealed bytes, apart from the record: the document store (issue 14) can take them over
-- without touching what verification reads. Written before the record (no foreign key): bytes of
-- an issue that lost a race to a concurrent one are never referenced and never served.
CREATE TABLE issued_document_files (
  code  text  PRIMARY KEY,
  pdf   bytea NOT NULL
);
