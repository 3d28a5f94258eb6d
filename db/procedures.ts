/**
 * The procedure registry: every published version of every procedure, with its YAML source and
 * compiled form. A published version never changes: publishing the same id and version again is
 * accepted only with the same content (same compiled hash).
 */
import type { CompiledProcedure } from '../definitions/compiled';
import type { Db } from './pool';

export interface PublishedProcedure {
  id: string;
  version: number;
  hash: string;
  source: string;
  compiled: CompiledProcedure;
  publishedBy: string;
  publishedAt: string;
}

interface ProcedureRow {
  id: string;
  version: number;
  hash: string;
  source: string;
  compiled: CompiledProcedure;
  published_by: string;
  published_at: Date;
}

function toPublished(r: ProcedureRow): PublishedProcedure {
  return {
    id: r.id,
    version: r.version,
    hash: r.hash,
    source: r.source,
    compiled: r.compiled,
    publishedBy: r.published_by,
    publishedAt: r.published_at.toISOString(),
  };
}

export type PublishOutcome =
  | { outcome: 'published'; procedure: PublishedProcedure }
  | { outcome: 'unchanged'; procedure: PublishedProcedure }
  | { outcome: 'conflict'; existing: PublishedProcedure };

/** Publishes a compiled procedure; idempotent for identical content, refused for a changed one. */
export async function publishProcedure(
  db: Db,
  compiled: CompiledProcedure,
  source: string,
  publishedBy: string,
): Promise<PublishOutcome> {
  const inserted = await db.query<ProcedureRow>(
    `INSERT INTO procedures (id, version, source, compiled, hash, published_by)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id, version) DO NOTHING RETURNING *`,
    [compiled.id, compiled.version, source, JSON.stringify(compiled), compiled.hash, publishedBy],
  );
  if (inserted.rows[0]) return { outcome: 'published', procedure: toPublished(inserted.rows[0]) };
  const existing = await getProcedure(db, compiled.id, compiled.version);
  if (!existing) throw new Error(`procedure ${compiled.id} v${compiled.version}: neither inserted nor found (retry)`);
  return existing.hash === compiled.hash ? { outcome: 'unchanged', procedure: existing } : { outcome: 'conflict', existing };
}

/** One version, or the latest when `version` is absent. */
export async function getProcedure(db: Db, id: string, version?: number): Promise<PublishedProcedure | undefined> {
  const res =
    version === undefined
      ? await db.query<ProcedureRow>('SELECT * FROM procedures WHERE id = $1 ORDER BY version DESC LIMIT 1', [id])
      : await db.query<ProcedureRow>('SELECT * FROM procedures WHERE id = $1 AND version = $2', [id, version]);
  return res.rows[0] ? toPublished(res.rows[0]) : undefined;
}

export interface ProcedureVersionSummary {
  version: number;
  hash: string;
  publishedBy: string;
  publishedAt: string;
}

/** Every version of a procedure, newest first. */
export async function listVersions(db: Db, id: string): Promise<ProcedureVersionSummary[]> {
  const res = await db.query<{ version: number; hash: string; published_by: string; published_at: Date }>(
    'SELECT version, hash, published_by, published_at FROM procedures WHERE id = $1 ORDER BY version DESC',
    [id],
  );
  return res.rows.map((r) => ({ version: r.version, hash: r.hash, publishedBy: r.published_by, publishedAt: r.published_at.toISOString() }));
}

export interface ProcedureSummary {
  id: string;
  latestVersion: number;
  title: CompiledProcedure['title'];
  versions: number[];
}

/** Every procedure with its latest version's title. */
export async function listProcedures(db: Db): Promise<ProcedureSummary[]> {
  const res = await db.query<{ id: string; versions: number[]; title: CompiledProcedure['title'] }>(
    `SELECT p.id, array_agg(p.version ORDER BY p.version DESC) AS versions,
            (SELECT compiled->'title' FROM procedures l WHERE l.id = p.id ORDER BY version DESC LIMIT 1) AS title
     FROM procedures p GROUP BY p.id ORDER BY p.id`,
  );
  return res.rows.map((r) => ({ id: r.id, latestVersion: r.versions[0] as number, title: r.title, versions: r.versions }));
}

/** The latest published version of every procedure, compiled (the law 55-19 catalogue reads them). */
export async function latestCompiled(db: Db): Promise<CompiledProcedure[]> {
  const res = await db.query<{ compiled: CompiledProcedure }>(
    'SELECT DISTINCT ON (id) compiled FROM procedures ORDER BY id, version DESC',
  );
  return res.rows.map((r) => r.compiled);
}

/** Open cases of one version of a procedure. */
export interface VersionCaseCount {
  id: string;
  version: number;
  running: number;
}

/**
 * How many open cases run on each published version (of one procedure, or of all): one grouped
 * query, whatever the number of procedures and versions. Versions without a running case are absent.
 */
export async function countRunningCases(db: Db, id?: string): Promise<VersionCaseCount[]> {
  const res = await db.query<{ procedure_id: string; procedure_version: number; running: string }>(
    `SELECT procedure_id, procedure_version, count(*) AS running FROM cases
     WHERE status = 'open' AND ($1::text IS NULL OR procedure_id = $1)
     GROUP BY procedure_id, procedure_version`,
    [id ?? null],
  );
  return res.rows.map((r) => ({ id: r.procedure_id, version: r.procedure_version, running: Number(r.running) }));
}
