-- Late stays late (issue 12.2). An escalation now lasts until the case is decided and keeps
-- climbing: the supervisors of every level it reached (not only the last) see it in their
-- escalations list, so the read model keeps the reached units.
ALTER TABLE cases ADD COLUMN escalation_units text[];
UPDATE cases SET escalation_units = ARRAY[escalation_unit] WHERE escalation_unit IS NOT NULL;
-- Escalated open cases are few: a GIN index answers "reached any unit of my scope".
CREATE INDEX cases_escalated_reach ON cases USING gin (escalation_units) WHERE status = 'open' AND escalation_level IS NOT NULL;

-- `overdue` counts a clock that expired without a decision (it stays late until the case
-- closes), not only running clocks past due: fill next_due_at for open cases projected before.
UPDATE cases c SET next_due_at = e.due
  FROM (
    SELECT case_id, min((clock ->> 'dueAt')::timestamptz) AS due
      FROM cases, jsonb_array_elements(view -> 'clocks') AS clock
     WHERE status = 'open' AND clock ->> 'status' = 'expired' AND clock ->> 'dueAt' IS NOT NULL
     GROUP BY case_id
  ) e
 WHERE c.case_id = e.case_id AND (c.next_due_at IS NULL OR e.due < c.next_due_at);
