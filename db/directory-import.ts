/**
 * Imports territorial units from a CSV file: the HCP reference format (`code,code_digits,name_fr,
 * name_ar,type,region_code,...`) for regions and prefectures/provinces, or a communes file with a
 * `parent_code` or `province_code` column. Every row is checked (code shape, known parent, known type,
 * both names); a bad row is reported with its line and does not stop the others; the accepted rows
 * are written in one transaction. Accepted columns: docs/directory.md.
 */
import { z } from 'zod';
import { didYouMean, humanList } from '../definitions/suggest';
import { parseCsv, type CsvRecord } from './csv';
import { createDirectory } from './directory';
import {
  CODE_FORMATS,
  KIND_DEPTH,
  MINISTRY_CODE,
  PARENT_KINDS,
  childCodePrefix,
  type UnitInput,
  type UnitKind,
} from './directory-model';
import type { Db } from './pool';

/** A row left out of the import, with every reason found. */
export interface RejectedRow {
  /** 1-based line of the file where the row starts (the header is line 1 when nothing precedes it). */
  line: number;
  /** The row's code as written, trimmed ('' when missing). */
  code: string;
  errors: string[];
}

export interface ImportReport {
  added: number;
  updated: number;
  unchanged: number;
  rejected: RejectedRow[];
}

export interface ImportOptions {
  /** Check and count everything, write nothing. @default false */
  dryRun?: boolean;
}

/** The file cannot be imported at all: no header, or a header without the required columns. */
export class CsvHeaderError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvHeaderError';
  }
}

/** Values of the `type` column, folded (lower case, no accents, `_` for spaces and hyphens). */
const TYPE_ALIASES: Readonly<Record<string, UnitKind>> = {
  ministry: 'ministry',
  region: 'region',
  province: 'province',
  prefecture: 'prefecture',
  prefecture_of_arrondissements: 'arrondissements_prefecture',
  arrondissements_prefecture: 'arrondissements_prefecture',
  prefecture_d_arrondissements: 'arrondissements_prefecture',
  commune: 'commune',
  municipality: 'commune',
  municipalite: 'commune',
  commune_urbaine: 'commune',
  commune_rurale: 'commune',
  arrondissement: 'arrondissement',
  arrondissement_communal: 'arrondissement',
  pachalik: 'pachalik',
  caidat: 'caidat',
  annexe: 'annexe',
  annexe_administrative: 'annexe',
};

const REQUIRED_COLUMNS = ['code', 'name_fr', 'name_ar'] as const;
/** Where a row names its parent, first non-empty wins. */
const PARENT_COLUMNS = ['parent_code', 'province_code', 'region_code'] as const;
const ARABIC_LETTER = /\p{Script=Arabic}/u;
const ACTIVE_VALUES: Readonly<Record<string, boolean>> = { '': true, true: true, yes: true, oui: true, '1': true, false: false, no: false, non: false, '0': false };
// Advisory lock key serialising imports; distinct from the migrations' key.
const IMPORT_LOCK_KEY = 7_206_118;

const fold = (s: string): string =>
  s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().trim().replace(/[\s'’-]+/g, '_');

/** The kind a row declares, or the one its code implies when the `type` column is absent or empty. */
function resolveKind(type: string | undefined, code: string): { kind: UnitKind } | { error: string } {
  if (type) {
    const kind = TYPE_ALIASES[fold(type)];
    if (kind) return { kind };
    const hint = didYouMean(fold(type), Object.keys(TYPE_ALIASES));
    const kinds = humanList(['region', 'province', 'prefecture', 'prefecture_of_arrondissements', 'commune', 'arrondissement', 'pachalik', 'caidat', 'annexe']);
    return { error: `type: unknown type "${type}" (${hint ? `${hint}; ` : ''}use ${kinds})` };
  }
  if (CODE_FORMATS.region.pattern.test(code)) return { kind: 'region' };
  if (CODE_FORMATS.commune.pattern.test(code)) return { kind: 'commune' };
  return { error: `type: missing, and the code "${code}" does not tell the kind (fill the type column: province, prefecture...)` };
}

const text = z.string().trim().optional();
const invalidUtf8 = (value: string | undefined): boolean => value?.includes('\uFFFD') ?? false;

/** One CSV row, keyed by the (lower-cased) header; all values are strings as read. */
const CsvUnitRow = z
  .object({
    code: z.string().trim().min(1, 'code: missing (fill the HCP code, e.g. 01.511)'),
    code_digits: text,
    name_fr: z.string().trim().min(1, 'name_fr: missing (fill the French name)'),
    name_ar: z
      .string()
      .trim()
      .min(1, { error: 'name_ar: missing (fill the Arabic name, in Arabic script)', abort: true })
      .regex(ARABIC_LETTER, { error: (iss) => `name_ar: "${String(iss.input)}" has no Arabic letter (write the name in Arabic script, save the file as UTF-8)` }),
    type: text,
    parent_code: text,
    province_code: text,
    region_code: text,
    active: text,
  })
  .superRefine((row, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    for (const [column, value] of Object.entries(row)) {
      if (invalidUtf8(value)) fail(`${column}: not valid UTF-8 (save the file as UTF-8)`);
    }
    if (!row.code) return;
    const resolved = resolveKind(row.type, row.code);
    if ('error' in resolved) return fail(resolved.error);
    const { kind } = resolved;
    const format = CODE_FORMATS[kind];
    if (!format.pattern.test(row.code)) fail(`code: "${row.code}" is not a ${kind} code (expected the form ${format.example})`);
    if (row.code_digits && row.code_digits !== row.code.replaceAll('.', '')) {
      fail(`code_digits: "${row.code_digits}" does not match the code "${row.code}" (expected ${row.code.replaceAll('.', '')})`);
    }
    const parent = parentOf(row, kind);
    if (kind === 'ministry' && parent.code) fail(`${parent.column}: a ministry has no parent (leave it empty)`);
    if (kind !== 'ministry' && !parent.code) fail(`parent: missing (fill ${humanList([...PARENT_COLUMNS])})`);
    if (row.active !== undefined && ACTIVE_VALUES[row.active.toLowerCase()] === undefined) {
      fail(`active: "${row.active}" is not a yes/no value (true, false, yes, no, 1, 0)`);
    }
  });
type CsvUnitRow = z.infer<typeof CsvUnitRow>;

function parentOf(row: CsvUnitRow, kind: UnitKind): { code: string | null; column: string } {
  // A region's own region_code names itself, not its parent.
  const columns = kind === 'region' ? (['parent_code'] as const) : PARENT_COLUMNS;
  for (const column of columns) {
    const code = row[column];
    if (code) return { code, column };
  }
  // Regions hang below the ministry without saying so: the reference regions file has no parent column.
  return kind === 'region' ? { code: MINISTRY_CODE, column: 'parent' } : { code: null, column: 'parent' };
}

interface ParsedRow {
  line: number;
  unit: UnitInput;
  parentColumn: string;
}

/** Header names as keys: the columns this importer reads, the others (population...) ignored. */
function readHeader(record: CsvRecord | undefined): string[] {
  if (!record) throw new CsvHeaderError(1, 'the file is empty (expected a header line such as code,name_fr,name_ar,type,region_code)');
  const header = record.fields.map((f) => f.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new CsvHeaderError(
      record.line,
      `header lacks column ${humanList(missing.map((c) => `"${c}"`), 'and')} (found ${header.join(',')}; see docs/directory.md for the accepted columns)`,
    );
  }
  return header;
}

/** Checks each row alone: shape, names, code format, type. */
function parseRows(records: CsvRecord[], header: string[]): { rows: ParsedRow[]; rejected: RejectedRow[] } {
  const rows: ParsedRow[] = [];
  const rejected: RejectedRow[] = [];
  const firstLine = new Map<string, number>();
  for (const record of records) {
    if (record.fields.every((f) => f.trim() === '')) continue;
    const raw = Object.fromEntries(header.map((column, i) => [column, record.fields[i]]));
    const code = (raw.code ?? '').trim();
    const reject = (errors: string[]) => rejected.push({ line: record.line, code, errors });
    if (record.error) {
      reject([record.error]);
      continue;
    }
    if (record.fields.length !== header.length) {
      reject([`has ${record.fields.length} fields, the header has ${header.length} (quote a field that contains a comma: "Tanger, Asilah")`]);
      continue;
    }
    const parsed = CsvUnitRow.safeParse(raw);
    if (!parsed.success) {
      reject(parsed.error.issues.map((issue) => issue.message));
      continue;
    }
    const seen = firstLine.get(code);
    if (seen !== undefined) {
      reject([`code: "${code}" already appears on line ${seen} (keep one row per unit)`]);
      continue;
    }
    firstLine.set(code, record.line);
    const row = parsed.data;
    const resolved = resolveKind(row.type, row.code);
    if ('error' in resolved) throw new Error(`directory import: line ${record.line}: the row passed validation without a kind (a bug)`);
    const parent = parentOf(row, resolved.kind);
    rows.push({
      line: record.line,
      parentColumn: parent.column,
      unit: {
        code: row.code,
        kind: resolved.kind,
        name: { fr: row.name_fr, ar: row.name_ar },
        parentCode: parent.code,
        active: ACTIVE_VALUES[(row.active ?? '').toLowerCase()] ?? true,
      },
    });
  }
  return { rows, rejected };
}

/**
 * Checks each row's parent against the rows of the file and the units already stored, parents
 * first: a row whose parent was rejected is rejected too.
 */
function checkParents(
  rows: ParsedRow[],
  stored: Map<string, UnitKind>,
  rejectedLines: Map<string, number>,
): { accepted: UnitInput[]; rejected: RejectedRow[] } {
  const inFile = new Map(rows.map((r) => [r.unit.code, r]));
  const accepted = new Map<string, UnitInput>();
  const rejected: RejectedRow[] = [];
  const ordered = [...rows].sort((a, b) => KIND_DEPTH[a.unit.kind] - KIND_DEPTH[b.unit.kind] || a.line - b.line);
  for (const { line, unit, parentColumn } of ordered) {
    if (unit.parentCode === null) {
      accepted.set(unit.code, unit);
      continue;
    }
    const parentCode = unit.parentCode;
    const fileParent = inFile.get(parentCode);
    const parentKind = fileParent?.unit.kind ?? stored.get(parentCode);
    const errors: string[] = [];
    if (parentKind === undefined) {
      const rejectedOn = rejectedLines.get(parentCode);
      const candidates = [...inFile.values()].map((r) => [r.unit.code, r.unit.kind] as const).concat([...stored]);
      const allowed = candidates.filter(([, kind]) => PARENT_KINDS[unit.kind].includes(kind)).map(([code]) => code);
      const hint = didYouMean(parentCode, allowed);
      errors.push(
        rejectedOn !== undefined
          ? `${parentColumn}: parent "${parentCode}" is rejected on line ${rejectedOn} (fix that row first)`
          : `${parentColumn}: unknown parent "${parentCode}", neither in the directory nor in this file (${hint ? `${hint}; ` : ''}import the parent first or fix the code)`,
      );
    } else if (!PARENT_KINDS[unit.kind].includes(parentKind)) {
      errors.push(`${parentColumn}: "${parentCode}" is a ${parentKind}; a ${unit.kind} belongs to a ${humanList([...PARENT_KINDS[unit.kind]])}`);
    } else if (fileParent && !accepted.has(parentCode)) {
      errors.push(`${parentColumn}: parent "${parentCode}" is rejected on line ${fileParent.line} (fix that row first)`);
    } else {
      const prefix = childCodePrefix({ code: parentCode, kind: parentKind });
      if (prefix && !unit.code.startsWith(`${prefix}.`)) {
        errors.push(`code: "${unit.code}" does not start with "${prefix}." as every unit below ${parentCode} does (fix the code or the parent)`);
      }
    }
    if (errors.length > 0) rejected.push({ line, code: unit.code, errors });
    else accepted.set(unit.code, unit);
  }
  return { accepted: [...accepted.values()], rejected };
}

/** Imports units from CSV text; see the module comment. Throws only when the header is unusable. */
export async function importUnitsCsv(db: Db, csvText: string, options: ImportOptions = {}): Promise<ImportReport> {
  const [headerRecord, ...records] = parseCsv(csvText);
  const header = readHeader(headerRecord);
  const parsed = parseRows(records, header);
  const rejectedLines = new Map(parsed.rejected.map((r) => [r.code, r.line]));

  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK_KEY]);
    // Every possible parent (the units above the communes, a few hundred), and the stored units the
    // rows name as parent whatever their kind, to say "is a commune" rather than "unknown".
    const named = [...new Set(parsed.rows.flatMap((r) => (r.unit.parentCode === null ? [] : [r.unit.parentCode])))];
    const { rows: parents } = await client.query<{ code: string; kind: UnitKind }>(
      `SELECT code, kind FROM units WHERE kind <> 'commune' OR code = ANY ($1::text[])`,
      [named],
    );
    const checked = checkParents(parsed.rows, new Map(parents.map((p) => [p.code, p.kind])), rejectedLines);
    const counts = await createDirectory(client).upsertUnits(checked.accepted);
    await client.query(options.dryRun ? 'ROLLBACK' : 'COMMIT');
    const rejected = [...parsed.rejected, ...checked.rejected].sort((a, b) => a.line - b.line);
    return { ...counts, rejected };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
