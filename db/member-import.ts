/**
 * Imports directory members with their roles from a CSV file: one row per member, columns `id`,
 * `unit` (or `unit_code`), `name`, `email`, `language`, `roles` (separated by `;`, `|` or spaces),
 * optional `phone` and `active` (`no` removes the member). Every row is checked as the API checks
 * a member (fields, the unit exists, every role is built in or declared by a published procedure);
 * a bad row is reported with its line and does not stop the others; the accepted rows are written
 * in one transaction. A row for an existing member updates it, at the unit the row names.
 */
import { humanList } from '../definitions/suggest';
import { parseCsv, type CsvRecord } from './csv';
import { createDirectory } from './directory';
import { CsvHeaderError, type ImportOptions, type ImportReport, type RejectedRow } from './directory-import';
import { checkRoles, checkRolesAtUnit, MemberError, MemberFields } from './members';
import type { Db } from './pool';

/** Columns that tell a members file from a units file. */
export const MEMBER_COLUMNS = ['id', 'name', 'email', 'language', 'roles'] as const;
const ACTIVE: Readonly<Record<string, boolean>> = { '': true, true: true, yes: true, oui: true, '1': true, false: false, no: false, non: false, '0': false };
// Advisory lock key serialising imports; the units import uses 7_206_118.
const IMPORT_LOCK_KEY = 7_206_119;

/** Whether a CSV header (first record) is a members file. */
export function isMembersHeader(fields: readonly string[]): boolean {
  const header = fields.map((f) => f.trim().toLowerCase());
  return MEMBER_COLUMNS.every((c) => header.includes(c)) && (header.includes('unit') || header.includes('unit_code'));
}

function readHeader(record: CsvRecord | undefined): string[] {
  if (!record) throw new CsvHeaderError(1, 'the file is empty (expected a header line such as id,unit,name,email,language,roles)');
  const header = record.fields.map((f) => f.trim().toLowerCase());
  const missing: string[] = MEMBER_COLUMNS.filter((c) => !header.includes(c));
  if (!header.includes('unit') && !header.includes('unit_code')) missing.push('unit');
  if (missing.length > 0) {
    throw new CsvHeaderError(record.line, `header lacks column ${humanList(missing.map((c) => `"${c}"`), 'and')} (found ${header.join(',')}; see docs/directory.md)`);
  }
  return header;
}

interface Row {
  line: number;
  unit: string;
  fields: MemberFields;
  active: boolean;
}

/** Imports members from CSV text; see the module comment. Throws only when the header is unusable. */
export async function importMembersCsv(db: Db, csvText: string, options: ImportOptions = {}): Promise<ImportReport> {
  const [headerRecord, ...records] = parseCsv(csvText);
  const header = readHeader(headerRecord);
  const rows: Row[] = [];
  const rejected: RejectedRow[] = [];
  const firstLine = new Map<string, number>();
  for (const record of records) {
    if (record.fields.every((f) => f.trim() === '')) continue;
    const raw = Object.fromEntries(header.map((column, i) => [column, record.fields[i] ?? '']));
    const id = (raw.id ?? '').trim();
    const reject = (errors: string[]) => rejected.push({ line: record.line, code: id, errors });
    if (record.error) {
      reject([record.error]);
      continue;
    }
    if (record.fields.length !== header.length) {
      reject([`has ${record.fields.length} fields, the header has ${header.length} (quote a field that contains a comma)`]);
      continue;
    }
    const errors: string[] = [];
    for (const [column, value] of Object.entries(raw)) if (value.includes('\uFFFD')) errors.push(`${column}: not valid UTF-8 (save the file as UTF-8)`);
    const unit = (raw.unit || raw.unit_code || '').trim();
    if (!unit) errors.push('unit: missing (fill the code of the unit the member acts for, e.g. 01.511.01.01)');
    const active = ACTIVE[(raw.active ?? '').trim().toLowerCase()];
    if (active === undefined) errors.push(`active: "${raw.active}" is not a yes/no value (true, false, yes, no, 1, 0)`);
    const parsed = MemberFields.safeParse({
      id,
      name: raw.name,
      email: raw.email,
      language: (raw.language ?? '').trim().toLowerCase(),
      roles: (raw.roles ?? '').split(/[;|\s]+/).filter((r) => r !== ''),
      ...(raw.phone?.trim() ? { phone: raw.phone } : {}),
    });
    if (!parsed.success) errors.push(...parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`));
    const seen = firstLine.get(id);
    if (id && seen !== undefined) errors.push(`id: "${id}" already appears on line ${seen} (keep one row per member)`);
    if (errors.length > 0 || !parsed.success) {
      reject(errors);
      continue;
    }
    firstLine.set(id, record.line);
    rows.push({ line: record.line, unit, fields: parsed.data, active: active ?? true });
  }

  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK_KEY]);
    const directory = createDirectory(client);
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    for (const row of rows) {
      const errors: string[] = [];
      const unit = await directory.getUnit(row.unit);
      if (!unit) errors.push(`unit: "${row.unit}" is not in the directory (import the unit first, or fix the code)`);
      try {
        await checkRoles(client, row.fields.roles);
        if (unit) checkRolesAtUnit(unit, row.fields.roles);
      } catch (err) {
        if (!(err instanceof MemberError)) throw err;
        errors.push(`roles: ${err.message}`);
      }
      if (errors.length > 0) {
        rejected.push({ line: row.line, code: row.fields.id, errors });
        continue;
      }
      const before = await client.query<{ same: boolean }>(
        `SELECT (unit_code, name, email, language, roles, active, phone) IS NOT DISTINCT FROM ($2, $3, $4, $5, $6::text[], $7, $8) AS same
           FROM unit_members WHERE id = $1`,
        [row.fields.id, row.unit, row.fields.name, row.fields.email, row.fields.language, [...new Set(row.fields.roles)], row.active, row.fields.phone ?? null],
      );
      if (before.rows[0]?.same) {
        unchanged += 1;
        continue;
      }
      await directory.upsertMember({ ...row.fields, roles: [...new Set(row.fields.roles)], unitCode: row.unit, active: row.active });
      if (before.rows.length === 0) added += 1;
      else updated += 1;
    }
    await client.query(options.dryRun ? 'ROLLBACK' : 'COMMIT');
    return { added, updated, unchanged, rejected: rejected.sort((a, b) => a.line - b.line) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
