-- The supervisors' overdue dashboard (db/supervision.ts): per unit, open and late cases, the oldest
-- late one, and the compliance rate over a period (decided within the legal deadline / decided).
-- Every number is read from one of these indexes, one unit at a time, so a region's dashboard costs
-- the number of its units times a few index range reads, whatever the number of cases.

-- Open cases of a unit by due instant: count(*) of open cases, count(*) of those past due (late
-- stays late until the case closes: next_due_at keeps an expired clock's due instant), and the
-- oldest late one, all from the same index range.
CREATE INDEX cases_unit_open_due ON cases (unit_code, next_due_at) WHERE status = 'open';

-- Decided (closed) cases of a unit by closing instant: the denominator of the compliance rate.
CREATE INDEX cases_unit_closed ON cases (unit_code, closed_at) WHERE status = 'closed';

-- Decided late: a clock of the case expired (an extension granted in time clears the expiry, and a
-- tacit decision by silence is an expiry), the numerator's complement. The predicate is the one
-- db/supervision.ts writes, word for word, so the planner matches it.
CREATE INDEX cases_unit_closed_late ON cases (unit_code, closed_at)
  WHERE status = 'closed' AND view @? '$.clocks[*] ? (@.status == "expired")';
