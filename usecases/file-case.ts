/**
 * Filing a case. Everything is checked before anything changes (who files for whom, procedure,
 * unit, the applicant's data against the procedure's input fields); then the idempotency key is
 * claimed, which fixes the case id and reference, and the workflow is started under an id derived
 * from the case id, so concurrent retries converge on one workflow (Temporal dedupes by workflow id).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CaseRecord } from '../db/cases';
import { UnitLookupError } from '../db/directory';
import { forgetFiling, recordFiling } from '../db/filing';
import { claimIdempotencyKey, nextReferenceNumber } from '../db/idempotency';
import { getProcedure } from '../db/procedures';
import { canonicalJson } from '../definitions/compile';
import { validateInput } from '../definitions/input-validate';
import type { Actor, Applicant, CaseInput, CaseRegistration, CaseUnit } from '../workflows/messages';
import { isApplicant, isStaff } from './access';
import { attach, checkDocuments, detach } from './documents';
import type { UseCaseDeps } from './deps';
import { conflict, forbidden, invalid } from './errors';
import type { Principal } from './principal';

/** What a caller files (the API's `POST /cases` body, parsed). */
export interface FileCaseInput {
  procedure: string;
  version?: number | undefined;
  unit: string;
  data: Record<string, unknown>;
  /** Only when an agent files at the counter for someone. */
  applicant?: Applicant | undefined;
}

/** A retried filing: the caller's key and a hash of the request as they sent it. */
export interface FilingIdempotency {
  key: string;
  requestHash: string;
}

export interface FileCaseOptions {
  /** Calendar of the new case's working-day clocks. */
  calendarId: string;
  /** How long to wait for the new case's first view. */
  firstViewTimeoutMs: number;
  idempotency?: FilingIdempotency | undefined;
}

export interface FiledCase {
  caseId: string;
  reference: string;
  /** The same key was filed before: this is that case, not a new one. */
  replayed: boolean;
  procedureId: string;
  /** The registration number given at filing, when the procedure keeps a register. */
  registration?: CaseRegistration;
  /** The case as filed; absent when no worker answered in time (the case exists and will show up). */
  record?: CaseRecord;
}

/** The hash `FilingIdempotency.requestHash` expects: of the request as the caller sent it. */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/** A stable UUID-shaped case id from the caller and their key: the same retry, the same case. */
export function caseIdFromKey(caller: string, key: string): string {
  const h = createHash('sha256').update(`masar-case\n${caller}\n${key}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `acces-information` -> `AI-2026-000123`. */
export function formatReference(procedureId: string, year: number, n: number): string {
  const prefix = procedureId
    .split('-')
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('')
    .slice(0, 4);
  return `${prefix}-${year}-${String(n).padStart(6, '0')}`;
}

/** Who the applicant is and who files: an applicant for themselves, or staff at their own unit's counter. */
export function whoFiles(p: Principal, input: Pick<FileCaseInput, 'unit' | 'applicant'>): { applicant: Applicant; filedBy: Actor } {
  const filedBy: Actor = { id: p.sub, roles: p.roles, ...(p.name ? { name: p.name } : {}), ...(p.unit ? { unit: p.unit } : {}) };
  if (isStaff(p)) {
    if (!input.applicant) {
      throw invalid('filing at the counter needs the applicant', [{ path: 'applicant', message: 'is required when an agent files' }]);
    }
    if (input.unit !== p.unit) throw forbidden(`agents file cases at their own unit (${p.unit}), not at ${input.unit}`);
    return { applicant: input.applicant, filedBy };
  }
  if (isApplicant(p)) {
    if (input.applicant && input.applicant.id !== p.sub) throw forbidden('an applicant files only for themselves (leave out "applicant")');
    const applicant: Applicant = { id: p.sub, name: p.name ?? p.sub, language: p.lang, ...(p.email ? { email: p.email } : {}) };
    return { applicant, filedBy };
  }
  throw forbidden('filing a case needs the applicant role, or a staff role with a unit (filing at the counter)');
}

/** Files a case for `p` and waits (a bounded time) for its first view. */
export async function fileCase(
  deps: Pick<UseCaseDeps, 'db' | 'engine' | 'directory' | 'now'>,
  p: Principal,
  input: FileCaseInput,
  options: FileCaseOptions,
): Promise<FiledCase> {
  const { db, directory, engine } = deps;
  const { applicant, filedBy } = whoFiles(p, input);

  const published = await getProcedure(db, input.procedure, input.version);
  if (!published) {
    const what = input.version ? `procedure "${input.procedure}" version ${input.version}` : `procedure "${input.procedure}"`;
    throw invalid(`${what} is not published (see GET /api/v1/procedures)`, [{ path: input.version ? 'version' : 'procedure', message: 'unknown' }]);
  }
  let unit: CaseUnit;
  try {
    unit = await directory.caseUnit(input.unit);
  } catch (err) {
    if (err instanceof UnitLookupError) throw invalid(err.message, [{ path: 'unit', message: err.reason.replace('_', ' ') }]);
    throw err;
  }
  const procedure = published.compiled;
  const fieldErrors = validateInput(procedure.input, input.data);
  if (fieldErrors.length > 0) {
    throw invalid(
      `the data does not match the input of ${procedure.id} v${procedure.version}`,
      fieldErrors.map((e) => ({ path: e.path ? `data.${e.path}` : 'data', message: e.message })),
    );
  }

  const idem = options.idempotency;
  // A retried filing names documents its first try attached to this very case: they pass.
  const documents = await checkDocuments(db, p, procedure.input, input.data, 'data', idem ? caseIdFromKey(p.sub, idem.key) : undefined);

  const year = deps.now().getUTCFullYear();
  let caseId: string;
  let reference: string;
  let replayed = false;
  if (idem) {
    const candidate = { caseId: caseIdFromKey(p.sub, idem.key), reference: formatReference(procedure.id, year, await nextReferenceNumber(db)) };
    const claim = await claimIdempotencyKey(db, p.sub, idem.key, idem.requestHash, candidate);
    if (claim.requestHash !== idem.requestHash) {
      throw conflict('idempotency-key-reused', `Idempotency-Key "${idem.key}" was already used with a different body (use a new key for a new case)`);
    }
    ({ caseId, reference } = claim);
    replayed = !claim.created;
  } else {
    caseId = randomUUID();
    reference = formatReference(procedure.id, year, await nextReferenceNumber(db));
  }

  const filing: CaseInput = {
    caseId,
    reference,
    procedure,
    unit,
    applicant,
    data: input.data,
    filedBy,
    calendarId: options.calendarId,
    ...(documents.length ? { documents } : {}),
  };
  // A 2xx must mean the case can be read: its row exists before its workflow does. A procedure
  // that keeps a register gets the case's number in that same transaction.
  const filedAt = deps.now().toISOString();
  const registration = await recordFiling(db, filing, filedAt);
  const caseInput: CaseInput = registration ? { ...filing, registration } : filing;
  try {
    // Attached before the workflow starts: once it runs, the case names them for good.
    await attach(db, caseId, documents, 'data', filedAt);
  } catch (err) {
    if (!replayed) await forgetFiling(db, caseId).catch(() => undefined);
    throw err;
  }
  try {
    await engine.start(caseInput);
  } catch (err) {
    if (!replayed) {
      await detach(db, caseId, documents, filedAt).catch(() => undefined);
      await forgetFiling(db, caseId).catch(() => undefined);
    }
    throw err;
  }
  const filed = { caseId, reference, replayed, procedureId: procedure.id, ...(registration ? { registration } : {}) };

  const view = await engine.filed(caseId, options.firstViewTimeoutMs).catch(() => undefined);
  if (!view) return filed;
  const record: CaseRecord = {
    view,
    facts: { reference, unit, applicant, filedBy, procedureTitle: procedure.title },
    data: input.data,
    applicantId: applicant.id,
    unitCode: unit.code,
    updatedAt: deps.now().toISOString(),
  };
  return { ...filed, record };
}
