-- Listings that stay fast at national scale (see bench/README.md, read model).
--
-- An inbox is read one role at a time (db/cases.ts, listInbox), each in the order of this index:
-- earliest due first, tasks without a due date last (as infinity), then case and position, so a
-- page and the next one are index range scans whatever the inbox's size.
DROP INDEX case_tasks_inbox;
CREATE INDEX case_tasks_inbox ON case_tasks (unit_code, role, (COALESCE(due_at, 'infinity'::timestamptz)), case_id, position);

-- Open cases of a unit, newest first: a supervisor's list of a province's open cases reads each
-- commune's first page here instead of every case the commune ever had.
CREATE INDEX cases_unit_open_filed ON cases (unit_code, filed_at DESC, case_id DESC) WHERE status = 'open';
