/**
 * The right of rectification (law 09-08, art. 8) of an applicant's contact data: the e-mail
 * address their cases write to. Masar holds no phone or postal address of applicants (an address a
 * procedure's form asks for, a certificate of residence's, is the application itself, not a way to
 * reach the person), so a request naming one is refused with that explanation.
 *
 * Where the new address goes, for each of the person's cases (or the one they name):
 * - a running case: its workflow (`rectifyContact` Update), which journals `contact.rectified` with
 *   the field names, never the values (the journal outlives the personal data and staff read it),
 *   projects the read model and writes every later message to the new address;
 * - a closed case: the read model's copy alone (its workflow has ended); nothing more is sent;
 * - both: messages still waiting in the outbox are readdressed.
 * The request is written to the rights register before anything changes (a rectification that
 * cannot be recorded is refused). Repeating it changes nothing more: it is idempotent.
 */
import { z } from 'zod';
import { recordRequest } from '../db/personal-data';
import { contactCases, readdressPending, rectifyStoredContact, type ContactCase } from '../db/rectification';
import type { ContactData } from '../workflows/messages';
import { isApplicant } from './access';
import { UNSPECIFIED_ROUTE, type ReadRoute } from './access-log';
import type { UseCaseDeps } from './deps';
import { conflict, forbidden, invalid, notFound, UseCaseError, type FieldError } from './errors';
import type { Principal } from './principal';

/** Longest e-mail address accepted (RFC 5321's limit on a path). */
export const MAX_EMAIL_LENGTH = 254;

/** Fields people may expect to rectify that Masar does not hold, with why (the refusal's words). */
const NOT_HELD: Record<string, string> = {
  phone: 'Masar holds no phone number of applicants: only the e-mail address can be rectified',
  telephone: 'Masar holds no phone number of applicants: only the e-mail address can be rectified',
  address: 'Masar holds no postal address of applicants (an address given in a form is part of that application): only the e-mail address can be rectified',
  postalAddress: 'Masar holds no postal address of applicants (an address given in a form is part of that application): only the e-mail address can be rectified',
  name: 'the name comes from your identity account: correct it with your identity provider',
};

const Email = z
  .string('email must be text')
  .trim()
  .min(1, 'email is empty: give the address Masar should write to')
  .max(MAX_EMAIL_LENGTH, `email is longer than ${MAX_EMAIL_LENGTH} characters`)
  .pipe(z.email('email is not an e-mail address (e.g. nom@exemple.ma)'));

/** What an applicant asks: the corrected address, for all their cases or the one named. */
export const RectificationRequest = z.strictObject({
  email: Email,
  caseId: z
    .string('caseId must be text')
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'caseId is not a case id (letters, digits, "-" and "_", at most 100)')
    .optional(),
});
export type RectificationRequest = z.infer<typeof RectificationRequest>;

/** What happened to one case. */
export type CaseRectificationOutcome = 'rectified' | 'unchanged' | 'needs-attention';

export interface CaseRectification {
  caseId: string;
  reference: string;
  /** `running`: the workflow took it; `closed`: the read model's copy was corrected. */
  status: 'running' | 'closed';
  outcome: CaseRectificationOutcome;
}

/** The answer to a rectification: which fields, what each case did, messages readdressed. */
export interface RectificationResult {
  fields: (keyof ContactData)[];
  cases: CaseRectification[];
  /** Messages not sent yet that now go to the new address. */
  messagesReaddressed: number;
  at: string;
}

/** The person's contact data as their cases hold it (the page that offers to correct it). */
export interface ContactOverview {
  /** The address of their identity account (their token), where new cases will write. */
  accountEmail?: string;
  cases: ContactCase[];
}

/** Parses a request body or form: every bad field named, the fields Masar does not hold explained. */
export function parseRectification(body: unknown): RectificationRequest {
  const fields: FieldError[] = [];
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    for (const key of Object.keys(body)) {
      const why = NOT_HELD[key];
      if (why) fields.push({ path: key, message: why });
    }
  }
  const parsed = RectificationRequest.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          if (!NOT_HELD[key]) fields.push({ path: key, message: `unknown field "${key}": give email, and caseId to correct one case only` });
        }
      } else {
        fields.push({ path: issue.path.map(String).join('.') || '', message: issue.message });
      }
    }
  }
  if (fields.length > 0 || !parsed.success) {
    throw invalid('the rectification is invalid', fields.length > 0 ? fields : [{ path: '', message: 'give an object with email' }]);
  }
  return parsed.data;
}

/** The applicant's contact data, case by case. */
export async function contactOverview(deps: Pick<UseCaseDeps, 'db'>, p: Principal): Promise<ContactOverview> {
  requireApplicant(p);
  return { ...(p.email ? { accountEmail: p.email } : {}), cases: await contactCases(deps.db, p.sub) };
}

/** Rectifies the applicant's contact data (see the module's comment). */
export async function rectifyContact(
  deps: Pick<UseCaseDeps, 'db' | 'engine' | 'now'>,
  p: Principal,
  body: unknown,
  via: ReadRoute = UNSPECIFIED_ROUTE,
): Promise<RectificationResult> {
  requireApplicant(p);
  const request = parseRectification(body);
  const contact: ContactData = { email: request.email };
  const cases = await contactCases(deps.db, p.sub, request.caseId);
  // Someone else's case and no case at all answer alike, as reads do.
  if (request.caseId && cases.length === 0) throw notFound(`no case ${request.caseId}`);
  const at = deps.now();
  await recordRequest(deps.db, {
    at,
    subjectId: p.sub,
    kind: 'rectification',
    transport: via.transport,
    route: via.route,
    detail: { fields: ['email'], cases: cases.map((c) => c.caseId) },
  });

  const actor = { id: p.sub, roles: ['applicant'], ...(p.name ? { name: p.name } : {}) };
  const results: CaseRectification[] = [];
  // One case after another: an applicant has a handful, and each answer waits for its projection.
  for (const c of cases) {
    results.push(await rectifyOne(c));
  }
  const reached = results.filter((r) => r.outcome !== 'needs-attention').map((r) => r.caseId);
  const messagesReaddressed = await readdressPending(deps.db, p.sub, reached, contact.email);
  if (request.caseId && results[0]?.outcome === 'needs-attention') {
    throw conflict('case-needs-attention', `case ${results[0].reference} needs an administrator before it can take a change; try again later`);
  }
  return { fields: ['email'], cases: results, messagesReaddressed, at: at.toISOString() };

  async function rectifyOne(c: ContactCase): Promise<CaseRectification> {
    const base = { caseId: c.caseId, reference: c.reference };
    if (c.status === 'open') {
      try {
        const { changed } = await deps.engine.rectifyContact(c.caseId, { actor, contact });
        return { ...base, status: 'running', outcome: changed.length > 0 ? 'rectified' : 'unchanged' };
      } catch (err) {
        if (!(err instanceof UseCaseError)) throw err;
        if (err.code === 'case-needs-attention') return { ...base, status: 'running', outcome: 'needs-attention' };
        // Closed since the read model said open (or its workflow has ended): the stored copy only.
        if (err.kind !== 'not-found' && err.code !== 'case-closed') throw err;
      }
    }
    const changed = await rectifyStoredContact(deps.db, p.sub, c.caseId, contact.email);
    return { ...base, status: 'closed', outcome: changed ? 'rectified' : 'unchanged' };
  }
}

function requireApplicant(p: Principal): void {
  if (!isApplicant(p)) throw forbidden('rectifying contact data is for applicants (their own); staff contact data is managed in the directory');
}
