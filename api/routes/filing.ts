/**
 * `POST /cases`: files a case. Everything is checked before anything changes (procedure, unit,
 * the applicant's data against the procedure's input fields); then the idempotency key is claimed,
 * which fixes the case id and reference, and the workflow is started under an id derived from the
 * case id, so concurrent retries converge on one workflow (Temporal dedupes by workflow id).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Express, Request } from 'express';
import { z } from 'zod';
import type { CaseRecord } from '../../db/cases';
import { UnitLookupError } from '../../db/directory';
import { forgetFiling, recordFiling } from '../../db/filing';
import { claimIdempotencyKey, nextReferenceNumber } from '../../db/idempotency';
import { getProcedure } from '../../db/procedures';
import { canonicalJson } from '../../definitions/compile';
import { validateInput } from '../../definitions/input-validate';
import { PROCEDURE_ID } from '../../definitions/schema';
import type { Actor, Applicant, CaseInput, CaseUnit } from '../../workflows/messages';
import { isApplicant, isStaff } from '../access';
import { API, type RouteContext } from '../app';
import { authenticate, principalOf, type Principal } from '../auth';
import { caseResource } from '../case-resource';
import { requireJson, route } from '../http';
import { badRequest, conflict, forbidden, parseOr, unprocessable } from '../problems';
import { intBody } from '../params';

const ApplicantBody = z.strictObject({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  email: z.string().email().max(320).optional(),
  language: z.enum(['fr', 'ar']).default('fr'),
});

export const FileCaseBody = z.strictObject({
  procedure: z.string().max(100).regex(PROCEDURE_ID, 'must be a procedure id such as "acces-information"'),
  version: intBody(1).optional(),
  unit: z.string().min(1).max(50),
  data: z.record(z.string(), z.unknown()).default({}),
  /** Only when an agent files at the counter for someone. */
  applicant: ApplicantBody.optional(),
});
type FileCaseBody = z.infer<typeof FileCaseBody>;

/** Keys are opaque to us; this keeps them printable and short enough to index. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.header('Idempotency-Key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw badRequest('Idempotency-Key must be 1 to 200 printable ASCII characters', [{ path: 'Idempotency-Key', message: 'invalid' }]);
  }
  return key;
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

function whoFiles(p: Principal, body: FileCaseBody): { applicant: Applicant; filedBy: Actor } {
  const filedBy: Actor = { id: p.sub, roles: p.roles, ...(p.name ? { name: p.name } : {}), ...(p.unit ? { unit: p.unit } : {}) };
  if (isStaff(p)) {
    if (!body.applicant) {
      throw unprocessable('filing at the counter needs the applicant', [{ path: 'applicant', message: 'is required when an agent files' }]);
    }
    if (body.unit !== p.unit) throw forbidden(`agents file cases at their own unit (${p.unit}), not at ${body.unit}`);
    return { applicant: body.applicant, filedBy };
  }
  if (isApplicant(p)) {
    if (body.applicant && body.applicant.id !== p.sub) throw forbidden('an applicant files only for themselves (leave out "applicant")');
    const applicant: Applicant = { id: p.sub, name: p.name ?? p.sub, language: p.lang, ...(p.email ? { email: p.email } : {}) };
    return { applicant, filedBy };
  }
  throw forbidden('filing a case needs the applicant role, or a staff role with a unit (filing at the counter)');
}

export function registerFilingRoutes(app: Express, ctx: RouteContext): void {
  const { db, directory, engine } = ctx.deps;

  app.post(
    `${API}/cases`,
    authenticate(ctx.deps.verifyToken),
    ctx.limited,
    route(async (req, res) => {
      const p = principalOf(req);
      requireJson(req);
      const key = idempotencyKeyOf(req);
      const body = parseOr(FileCaseBody, req.body, 'body');
      const { applicant, filedBy } = whoFiles(p, body);

      const published = await getProcedure(db, body.procedure, body.version);
      if (!published) {
        const what = body.version ? `procedure "${body.procedure}" version ${body.version}` : `procedure "${body.procedure}"`;
        throw unprocessable(`${what} is not published (see GET ${API}/procedures)`, [
          { path: body.version ? 'version' : 'procedure', message: 'unknown' },
        ]);
      }
      let unit: CaseUnit;
      try {
        unit = await directory.caseUnit(body.unit);
      } catch (err) {
        if (err instanceof UnitLookupError) throw unprocessable(err.message, [{ path: 'unit', message: err.reason.replace('_', ' ') }]);
        throw err;
      }
      const procedure = published.compiled;
      const fieldErrors = validateInput(procedure.input, body.data);
      if (fieldErrors.length > 0) {
        throw unprocessable(
          `the data does not match the input of ${procedure.id} v${procedure.version}`,
          fieldErrors.map((e) => ({ path: e.path ? `data.${e.path}` : 'data', message: e.message })),
        );
      }

      const year = ctx.options.now().getUTCFullYear();
      const requestHash = createHash('sha256').update(canonicalJson(req.body)).digest('hex');
      let caseId: string;
      let reference: string;
      let replayed = false;
      if (key) {
        const candidate = { caseId: caseIdFromKey(p.sub, key), reference: formatReference(procedure.id, year, await nextReferenceNumber(db)) };
        const claim = await claimIdempotencyKey(db, p.sub, key, requestHash, candidate);
        if (claim.requestHash !== requestHash) {
          throw conflict('idempotency-key-reused', `Idempotency-Key "${key}" was already used with a different body (use a new key for a new case)`);
        }
        ({ caseId, reference } = claim);
        replayed = !claim.created;
      } else {
        caseId = randomUUID();
        reference = formatReference(procedure.id, year, await nextReferenceNumber(db));
      }

      const input: CaseInput = { caseId, reference, procedure, unit, applicant, data: body.data, filedBy, calendarId: ctx.options.calendarId };
      // A 2xx must mean the case can be read: its row exists before its workflow does.
      await recordFiling(db, input, ctx.options.now().toISOString());
      try {
        await engine.start(input);
      } catch (err) {
        if (!replayed) await forgetFiling(db, caseId).catch(() => undefined);
        throw err;
      }
      if (!replayed) ctx.metrics.count('masar_cases_filed_total', { procedure: procedure.id });
      const location = `${API}/cases/${caseId}`;
      res.setHeader('Location', location);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');

      const view = await engine.filed(caseId, ctx.options.firstViewTimeoutMs).catch(() => undefined);
      if (!view) {
        // Filed, but no worker answered in time: the case exists and will show up in the read model.
        res.status(202).json({ caseId, reference, status: 'filing', location });
        return;
      }
      const record: CaseRecord = {
        view,
        facts: { reference, unit, applicant, filedBy, procedureTitle: procedure.title },
        data: body.data,
        applicantId: applicant.id,
        unitCode: unit.code,
        updatedAt: ctx.options.now().toISOString(),
      };
      res.status(201).json(caseResource(record, { personal: true, withData: true }));
    }),
  );
}
