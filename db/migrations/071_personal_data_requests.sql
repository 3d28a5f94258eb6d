-- The rights register (law 09-08, arts. 7 and 8): each time a person exercises a right over their
-- data through Masar (a download of everything held about them; later, rectification), one row:
-- who, when, what, through which transport and route. Append-only like the access log.
CREATE TABLE personal_data_requests (
  id          bigserial   PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  -- The person whose data it is (the applicant's token subject).
  subject_id  text        NOT NULL,
  kind        text        NOT NULL CHECK (kind IN ('export', 'rectification')),
  transport   text        NOT NULL,
  route       text        NOT NULL,
  -- What was asked or given (counts, fields changed): never the personal data itself.
  detail      jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX personal_data_requests_subject ON personal_data_requests (subject_id, id DESC);

CREATE FUNCTION personal_data_requests_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'personal_data_requests is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER personal_data_requests_no_update BEFORE UPDATE OR DELETE ON personal_data_requests
  FOR EACH ROW EXECUTE FUNCTION personal_data_requests_append_only();
CREATE TRIGGER personal_data_requests_no_truncate BEFORE TRUNCATE ON personal_data_requests
  FOR EACH STATEMENT EXECUTE FUNCTION personal_data_requests_append_only();
