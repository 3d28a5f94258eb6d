-- Registration numbers of a bureau d'ordre: gapless per unit, register and year. The number is
-- taken from `registration_sequences` (one row per unit, register and year, locked by the
-- increment) in the same transaction that writes the case's filing row: a filing that rolls back
-- takes its number back with it, so the register never shows a hole. A case whose workflow could
-- not be started after its filing committed keeps its entry, marked `voided_at` (a register keeps
-- every number it gave); a retry of the same filing gets the same number again.
CREATE TABLE registration_sequences (
  unit_code    text    NOT NULL,
  -- `<procedure id>:<register>`, e.g. `bureau-ordre:incoming`.
  register     text    NOT NULL,
  year         integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
  last_number  integer NOT NULL CHECK (last_number > 0),
  PRIMARY KEY (unit_code, register, year)
);

CREATE TABLE registrations (
  case_id        text        PRIMARY KEY,
  unit_code      text        NOT NULL,
  register       text        NOT NULL,
  year           integer     NOT NULL,
  number         integer     NOT NULL CHECK (number > 0),
  registered_at  timestamptz NOT NULL,
  voided_at      timestamptz,
  UNIQUE (unit_code, register, year, number)
);
