/**
 * The procedure registry: list and read published procedures (any signed-in caller: applicants need
 * the input fields to file), validate and publish new versions (admins). A definition arrives as its
 * YAML text; every problem comes back with its line and column.
 *
 * `authorizeValidate`/`authorizePublish` are exported so that a transport can refuse a caller who
 * may not before it even reads the body; the use cases check again.
 */
import {
  countRunningCases,
  getProcedure,
  listProcedures as listPublished,
  listVersions,
  publishProcedure as publish,
  type ProcedureSummary,
  type ProcedureVersionSummary,
  type PublishedProcedure,
} from '../db/procedures';
import { roleWarnings, type RoleWarning } from '../db/role-coverage';
import { compileProcedure } from '../definitions/compile';
import type { CompiledProcedure } from '../definitions/compiled';
import { formatDefinitionError } from '../definitions/errors';
import { loadProcedureSource } from '../definitions/load';
import { requireAdmin } from './access';
import type { UseCaseDeps } from './deps';
import { conflict, invalid, notFound } from './errors';
import type { Principal } from './principal';

export interface DefinitionOptions {
  /** Templates a definition may name besides its own `templates` (the shipped ones). */
  knownTemplates: ReadonlySet<string>;
}

/** Something allowed but suspicious in a definition (a deadline above the law's ceiling...): never blocking. */
export interface DefinitionWarning {
  path: string;
  message: string;
  line: number;
  column: number;
}

/** A compiled definition and its warnings. */
export interface CheckedDefinition {
  compiled: CompiledProcedure;
  warnings: DefinitionWarning[];
}

/** Loads and compiles, or throws `invalid-definition` listing every problem with its line and column. */
export function compileSource(source: string, options: DefinitionOptions): CompiledProcedure {
  return checkSource(source, options).compiled;
}

/** As `compileSource`, with the definition's warnings. */
export function checkSource(source: string, options: DefinitionOptions): CheckedDefinition {
  const loaded = loadProcedureSource(source, 'request.yaml', { knownTemplates: options.knownTemplates });
  if (!loaded.ok) {
    throw invalid(
      `the definition has ${loaded.errors.length} problem(s): ${loaded.errors.slice(0, 3).map(formatDefinitionError).join('; ')}`,
      loaded.errors.map((e) => ({ path: e.path, message: e.hint ? `${e.message} (${e.hint})` : e.message, line: e.line, column: e.column })),
      'invalid-definition',
    );
  }
  const warnings = loaded.warnings.map((w) => ({ path: w.path, message: w.hint ? `${w.message} (${w.hint})` : w.message, line: w.line, column: w.column }));
  return { compiled: compileProcedure(loaded.procedure), warnings };
}

/** Every published procedure, latest version of each. */
export async function listProcedures(deps: Pick<UseCaseDeps, 'db'>): Promise<ProcedureSummary[]> {
  return listPublished(deps.db);
}

/** One published version (the latest without `version`) and the list of its versions. */
export async function readProcedure(
  deps: Pick<UseCaseDeps, 'db'>,
  id: string,
  version?: number,
): Promise<{ published: PublishedProcedure; versions: ProcedureVersionSummary[] }> {
  const published = await getProcedure(deps.db, id, version);
  if (!published) throw notFound(version ? `no procedure ${id} version ${version}` : `no procedure ${id}`);
  const versions = await listVersions(deps.db, id);
  return { published, versions };
}

/** Only admins validate definitions. */
export const authorizeValidate = (p: Principal): void => requireAdmin(p, 'validating a procedure');
/** Only admins publish procedures. */
export const authorizePublish = (p: Principal): void => requireAdmin(p, 'publishing a procedure');

/** Checks a definition without publishing it (admins). */
export function validateProcedure(p: Principal, source: string, options: DefinitionOptions): CheckedDefinition {
  authorizeValidate(p);
  return checkSource(source, options);
}

/**
 * Publishes a new version (admins). The same content again is not an error (`unchanged`); other
 * content under a published version number is a conflict: versions are immutable.
 */
export async function publishProcedure(
  deps: Pick<UseCaseDeps, 'db'>,
  p: Principal,
  source: string,
  options: DefinitionOptions,
): Promise<{
  outcome: 'published' | 'unchanged';
  compiled: CompiledProcedure;
  procedure: PublishedProcedure;
  warnings: RoleWarning[];
  definitionWarnings: DefinitionWarning[];
}> {
  authorizePublish(p);
  const { compiled, warnings: definitionWarnings } = checkSource(source, options);
  const result = await publish(deps.db, compiled, source, p.sub);
  if (result.outcome === 'conflict') {
    throw conflict(
      'procedure-version-exists',
      `procedure ${compiled.id} version ${compiled.version} is already published with different content (hash ${result.existing.hash.slice(0, 12)}); bump version to publish a change`,
    );
  }
  // Warned, not refused: members are often given their roles once the procedure is published.
  return { outcome: result.outcome, compiled, procedure: result.procedure, warnings: await roleWarnings(deps.db, compiled), definitionWarnings };
}

/**
 * The roles a procedure needs (task roles at their level, supervisors along its escalation) that no
 * active member holds at some active units of that level: what publishing warns about.
 */
export async function procedureWarnings(deps: Pick<UseCaseDeps, 'db'>, compiled: CompiledProcedure): Promise<RoleWarning[]> {
  return roleWarnings(deps.db, compiled);
}

/** One version in the administrators' catalogue: whether new cases get it, how many cases run on it. */
export interface CatalogueVersion {
  version: number;
  /** New cases are filed on the latest version. */
  current: boolean;
  /** Open cases on this version. */
  running: number;
}

/** A procedure in the administrators' catalogue. */
export interface CatalogueProcedure {
  id: string;
  title: ProcedureSummary['title'];
  /** The version new cases get. */
  current: number;
  /** Newest first. */
  versions: CatalogueVersion[];
  /** Open cases over every version. */
  running: number;
}

const versionsWithCounts = (versions: number[], latest: number, counts: Map<number, number>): CatalogueVersion[] =>
  versions.map((version) => ({ version, current: version === latest, running: counts.get(version) ?? 0 }));

/** Every procedure with its versions and the open cases on each (admins): two set-based queries. */
export async function procedureCatalogue(deps: Pick<UseCaseDeps, 'db'>, p: Principal): Promise<CatalogueProcedure[]> {
  requireAdmin(p, 'the catalogue of procedures with their running cases');
  const [procedures, counts] = await Promise.all([listPublished(deps.db), countRunningCases(deps.db)]);
  const byProcedure = new Map<string, Map<number, number>>();
  for (const c of counts) {
    const versions = byProcedure.get(c.id) ?? new Map<number, number>();
    versions.set(c.version, c.running);
    byProcedure.set(c.id, versions);
  }
  return procedures.map((s) => {
    const versions = versionsWithCounts(s.versions, s.latestVersion, byProcedure.get(s.id) ?? new Map());
    return { id: s.id, title: s.title, current: s.latestVersion, versions, running: versions.reduce((n, v) => n + v.running, 0) };
  });
}

/** One procedure's versions with their publication and the open cases on each (admins). */
export async function procedureVersions(
  deps: Pick<UseCaseDeps, 'db'>,
  p: Principal,
  id: string,
): Promise<(ProcedureVersionSummary & CatalogueVersion)[]> {
  requireAdmin(p, 'the versions of a procedure with their running cases');
  const [versions, counts] = await Promise.all([listVersions(deps.db, id), countRunningCases(deps.db, id)]);
  if (versions.length === 0) throw notFound(`no procedure ${id}`);
  const running = new Map(counts.map((c) => [c.version, c.running]));
  const latest = versions[0]?.version;
  return versions.map((v) => ({ ...v, current: v.version === latest, running: running.get(v.version) ?? 0 }));
}
