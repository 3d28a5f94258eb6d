/**
 * The territorial unit a simulated case is filed at, with its province and region, read from the
 * directory seed shipped with Masar (`db/seed/units.csv`, `db/seed/communes-demo.csv`): a
 * simulation needs no database. Names are printed beside codes in the timeline.
 */
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../db/csv';
import { MINISTRY_CODE } from '../../db/directory-model';
import { SEED_UNIT_FILES } from '../../db/seed/seed-directory';
import type { Label } from '../../definitions/schema';
import type { CaseUnit } from '../../workflows/messages';

/** The default unit: the demo commune of Tanger (prefecture Tanger-Assilah, region 01). */
export const DEFAULT_UNIT = '01.511.01.01';

interface SeedUnit {
  code: string;
  name: Label;
  kind: string;
  parent?: string;
}

/** Every unit of the seed files, by code. */
export function seedUnits(files: readonly string[] = SEED_UNIT_FILES): Map<string, SeedUnit> {
  const units = new Map<string, SeedUnit>();
  for (const file of files) {
    const records = parseCsv(readFileSync(file, 'utf8'));
    const header = records.shift()?.fields ?? [];
    const col = (name: string) => header.indexOf(name);
    for (const { fields } of records) {
      const get = (name: string) => (col(name) >= 0 ? (fields[col(name)] ?? '').trim() : '');
      const code = get('code');
      if (!code) continue;
      const parent = get('parent_code') || get('region_code') || undefined;
      units.set(code, { code, name: { fr: get('name_fr'), ar: get('name_ar') }, kind: get('type'), ...(parent ? { parent } : {}) });
    }
  }
  units.set(MINISTRY_CODE, { code: MINISTRY_CODE, name: { fr: 'Direction Générale des Collectivités Territoriales', ar: 'المديرية العامة للجماعات الترابية' }, kind: 'ministry' });
  return units;
}

/** The unit `code` with its ancestors, as the API resolves it at filing; undefined when unknown. */
export function resolveUnit(code: string, units: Map<string, SeedUnit> = seedUnits()): CaseUnit | undefined {
  const unit = units.get(code);
  if (!unit || unit.kind === 'ministry') return undefined;
  const chain: SeedUnit[] = [];
  for (let u: SeedUnit | undefined = unit; u && chain.length < 5; u = u.parent ? units.get(u.parent) : undefined) chain.push(u);
  const province = chain.find((u) => u.kind !== 'commune' && u.kind !== 'region' && u !== unit) ?? (unit.kind !== 'commune' && unit.kind !== 'region' ? unit : undefined);
  const region = chain.find((u) => u.kind === 'region');
  return {
    code: unit.code,
    name: unit.name,
    ...(province ? { province: province.code } : {}),
    ...(region ? { region: region.code } : {}),
    ministry: MINISTRY_CODE,
  };
}

/** `01.511 Tanger-Assilah`, or the bare code when the seed does not know it. */
export function unitName(code: string, units: Map<string, SeedUnit>): string {
  const unit = units.get(code);
  return unit ? `${code} ${unit.name.fr}` : code;
}
