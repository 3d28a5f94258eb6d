/**
 * Seeds the territorial directory: the ministry, the 12 regions, the prefectures and provinces
 * (`units.csv`, HCP RGPH 2024), a dozen demo communes (`communes-demo.csv`, demo codes) and their demo
 * members (`members-demo.ts`). Idempotent: running it again changes nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDirectory } from '../directory';
import { importUnitsCsv, type ImportReport } from '../directory-import';
import { MINISTRY_CODE } from '../directory-model';
import type { Db } from '../pool';
import { DEMO_MEMBERS } from './members-demo';

/** The seed's unit files, parents first. */
export const SEED_UNIT_FILES = [path.join(__dirname, 'units.csv'), path.join(__dirname, 'communes-demo.csv')] as const;

export interface SeedReport {
  units: { added: number; updated: number; unchanged: number };
  members: number;
}

/** Loads the seed into the directory; throws if a seed row is rejected (a bug in the seed files). */
export async function seedDirectory(db: Db): Promise<SeedReport> {
  const directory = createDirectory(db);
  // The migration creates the ministry; restating it keeps its names current if the seed changes them.
  const units = await directory.upsertUnits([
    {
      code: MINISTRY_CODE,
      kind: 'ministry',
      name: {
        fr: 'Direction Générale des Collectivités Territoriales (Ministère de l\'Intérieur)',
        ar: 'المديرية العامة للجماعات الترابية (وزارة الداخلية)',
      },
      parentCode: null,
    },
  ]);
  for (const file of SEED_UNIT_FILES) {
    const report: ImportReport = await importUnitsCsv(db, readFileSync(file, 'utf8'));
    const first = report.rejected[0];
    if (first) {
      throw new Error(`seedDirectory: ${file}:${first.line}: ${first.code}: ${first.errors.join('; ')} (fix the seed file)`);
    }
    units.added += report.added;
    units.updated += report.updated;
    units.unchanged += report.unchanged;
  }
  for (const member of DEMO_MEMBERS) await directory.upsertMember(member);
  return { units, members: DEMO_MEMBERS.length };
}
