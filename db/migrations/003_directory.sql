-- The territorial directory: the ministry (DGCT) above the 12 regions, the prefectures and provinces
-- (and Casablanca's prefectures of arrondissements), then the communes; and the people who act for
-- each unit. Codes follow the HCP's dotted format; see docs/directory.md.

-- Folds a text for search: lower case, Latin accents and Arabic hamza forms of alef removed, hyphens
-- as spaces, apostrophes dropped, so "fes" finds "Fès", "mdiq" finds "M'diq" and "افران" finds "إفران".
-- IMMUTABLE because the generated column below needs it; keep the two character lists the same length.
CREATE FUNCTION directory_fold(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN translate(lower(t), 'àáâäãåçèéêëìíîïñòóôöõùúûüýÿœأإآ-''’', 'aaaaaaceeeeiiiinooooouuuuyyoااا ');

CREATE TABLE units (
  code text PRIMARY KEY,
  kind text NOT NULL
    CHECK (kind IN ('ministry', 'region', 'province', 'prefecture', 'arrondissements_prefecture', 'commune')),
  name_fr text NOT NULL CHECK (btrim(name_fr) <> ''),
  name_ar text NOT NULL CHECK (btrim(name_ar) <> ''),
  parent_code text REFERENCES units (code),
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  search_key text GENERATED ALWAYS AS (directory_fold(code || ' ' || name_fr || ' ' || name_ar)) STORED,
  -- Only the ministry is a root; everything else hangs below it.
  CONSTRAINT units_root_is_ministry CHECK ((kind = 'ministry') = (parent_code IS NULL)),
  -- The code's shape follows from the kind (HCP format); the importer says the same in words.
  CONSTRAINT units_code_format CHECK (
    CASE kind
      WHEN 'ministry' THEN code ~ '^[A-Z]{2,12}$'
      WHEN 'region' THEN code ~ '^[0-9]{2}$'
      WHEN 'province' THEN code ~ '^[0-9]{2}\.[0-9]{3}$'
      WHEN 'prefecture' THEN code ~ '^[0-9]{2}\.[0-9]{3}$'
      ELSE code ~ '^[0-9]{2}\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}$'
    END)
);

-- Children of a unit (listing, and the recursive walk down for supervisors).
CREATE INDEX units_parent_code_idx ON units (parent_code, code);
CREATE INDEX units_kind_idx ON units (kind, code);

CREATE TABLE unit_members (
  id text PRIMARY KEY,
  unit_code text NOT NULL REFERENCES units (code),
  name text NOT NULL CHECK (btrim(name) <> ''),
  email text NOT NULL CHECK (email LIKE '%_@_%'),
  phone text,
  language text NOT NULL CHECK (language IN ('fr', 'ar')),
  roles text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX unit_members_unit_code_idx ON unit_members (unit_code) WHERE active;

-- The root of the tree is structural, not data an operator imports: regions need it as their parent.
INSERT INTO units (code, kind, name_fr, name_ar, parent_code)
VALUES ('DGCT', 'ministry', 'Direction Générale des Collectivités Territoriales (Ministère de l''Intérieur)',
        'المديرية العامة للجماعات الترابية (وزارة الداخلية)', NULL);
