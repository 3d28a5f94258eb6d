-- Issued PDFs (receipts, decisions) move to the document store (filesystem or S3-compatible,
-- documents/): PostgreSQL keeps the public record and `store_key`, the id of the immutable bytes
-- in the store. Rows issued before this migration keep their bytes in issued_document_files and a
-- NULL store_key: they stay readable there (db/issued-documents.ts reads one place or the other),
-- since SQL cannot copy bytes into an object store. New issues write no row to that table.
ALTER TABLE issued_documents ADD COLUMN store_key uuid;

CREATE UNIQUE INDEX issued_documents_store_key_idx ON issued_documents (store_key) WHERE store_key IS NOT NULL;
