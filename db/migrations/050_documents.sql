-- Documents uploaded through the API (POST /api/v1/documents). The bytes live in the document
-- store (filesystem or S3-compatible, documents/); this row says what they are and whose. A
-- document is uploaded unattached (case_id NULL), then attached once, when a filing or an action
-- names it; one never attached within a day is purged (usecases/documents.ts).
CREATE TABLE documents (
  id           uuid        PRIMARY KEY,
  -- NULL until a filing or an action of the case names the document.
  case_id      text,
  -- The definition field it was uploaded for: `input.plans`, `states.S.actions.A.input.documents`.
  field        text        NOT NULL,
  sha256       text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size         bigint      NOT NULL CHECK (size >= 0),
  -- Sniffed from the bytes, never the client's word.
  media_type   text        NOT NULL,
  -- Sanitised (documents/file-name.ts): shown and sent in Content-Disposition, never a path.
  file_name    text        NOT NULL,
  uploaded_by  text        NOT NULL,
  uploaded_at  timestamptz NOT NULL DEFAULT now(),
  attached_at  timestamptz,
  -- Where the case names it: `data.plans`, `answer:input.document` (action:path).
  attached_as  text,
  CHECK ((case_id IS NULL) = (attached_at IS NULL)),
  CHECK ((case_id IS NULL) = (attached_as IS NULL))
);

CREATE INDEX documents_case_idx ON documents (case_id, attached_at, id) WHERE case_id IS NOT NULL;
-- The purge's scan: unattached uploads by age.
CREATE INDEX documents_unattached_idx ON documents (uploaded_at) WHERE case_id IS NULL;
