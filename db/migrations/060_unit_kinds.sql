-- Issue 15: the directory models the authorities a procedure meets. Below the communes with
-- arrondissements (Casablanca, Rabat, Fès, Marrakech, Salé, Tanger) come their arrondissements;
-- under the governor, the State's local administration: pachaliks, caïdats and annexes
-- administratives. The HCP codes arrondissements like communes (RR.PPP.CC.NN); it does not code the
-- State's local administration, so those take Masar codes RR.PPP.PA.NN, RR.PPP.CA.NN, RR.PPP.AN.NN
-- (db/directory-model.ts says the same in CODE_FORMATS).
ALTER TABLE units DROP CONSTRAINT units_kind_check;
ALTER TABLE units ADD CONSTRAINT units_kind_check CHECK (kind IN (
  'ministry', 'region', 'province', 'prefecture', 'arrondissements_prefecture', 'commune',
  'arrondissement', 'pachalik', 'caidat', 'annexe'));

ALTER TABLE units DROP CONSTRAINT units_code_format;
ALTER TABLE units ADD CONSTRAINT units_code_format CHECK (
  CASE kind
    WHEN 'ministry' THEN code ~ '^[A-Z]{2,12}$'
    WHEN 'region' THEN code ~ '^[0-9]{2}$'
    WHEN 'province' THEN code ~ '^[0-9]{2}\.[0-9]{3}$'
    WHEN 'prefecture' THEN code ~ '^[0-9]{2}\.[0-9]{3}$'
    WHEN 'pachalik' THEN code ~ '^[0-9]{2}\.[0-9]{3}\.PA\.[0-9]{2}$'
    WHEN 'caidat' THEN code ~ '^[0-9]{2}\.[0-9]{3}\.CA\.[0-9]{2}$'
    WHEN 'annexe' THEN code ~ '^[0-9]{2}\.[0-9]{3}\.AN\.[0-9]{2}$'
    ELSE code ~ '^[0-9]{2}\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}$'
  END);
