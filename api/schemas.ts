/**
 * Request schemas and request parsing shared by several routes and the OpenAPI document: the bodies
 * of filing, acting and recording a holiday, the case id in paths, the `Idempotency-Key` header and
 * list cursors. A leaf: routes and `openapi.ts` import this, not each other.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { decodeCursor } from '../db/cases';
import { MemberFields, MemberPatch } from '../db/members';
import { Label, Language, PROCEDURE_ID } from '../definitions/schema';
import { intBody, intQuery, isoDate } from './params';
import { badRequest } from './problems';

/** Case ids are UUIDs in practice; anything printable and short is accepted, the rest is a 400. */
export const CaseIdParam = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a case id') });

const ApplicantBody = z.strictObject({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  email: z.string().email().max(320).optional(),
  language: Language.default('fr'),
});

export const FileCaseBody = z.strictObject({
  procedure: z.string().max(100).regex(PROCEDURE_ID, 'must be a procedure id such as "acces-information"'),
  version: intBody(1).optional(),
  unit: z.string().min(1).max(50),
  data: z.record(z.string(), z.unknown()).default({}),
  /** Only when an agent files at the counter for someone. */
  applicant: ApplicantBody.optional(),
});

export const ActionBody = z.strictObject({
  /** An action of the current state, or a supervisor action (`escalation.decide`...). */
  action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/, 'must be an action name such as "approve"').max(100),
  input: z.record(z.string(), z.unknown()).optional(),
  comment: z.string().max(4000).optional(),
});

export const HolidayBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('religious'),
    holiday: z.string().regex(/^[a-z][a-z0-9_]*$/),
    hijriYear: z.number().int().min(1300).max(1600),
    start: isoDate(),
    status: z.enum(['official', 'provisional']).optional(),
    source: z.string().max(500).optional(),
  }),
  z.strictObject({
    kind: z.literal('closure'),
    date: isoDate(),
    /** Last day of a closure of several days (inclusive). */
    until: isoDate().optional(),
    name: Label,
    /** An exceptional day off (`holiday`, the default) or `force_majeure`. */
    cause: z.enum(['holiday', 'force_majeure']).optional(),
    /** Limited to these units and below (a province, a region); absent: national. */
    units: z.array(z.string().min(1).max(50)).min(1).max(200).optional(),
    source: z.string().max(500).optional(),
  }),
]);

/** Keys are opaque to us; this keeps them printable and short enough to index. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The request's `Idempotency-Key`, if any; 400 when it is not 1 to 200 printable ASCII characters. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.header('Idempotency-Key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw badRequest('Idempotency-Key must be 1 to 200 printable ASCII characters', [{ path: 'Idempotency-Key', message: 'invalid' }]);
  }
  return key;
}

/** The 400 for a cursor this API did not produce. */
export const badCursor = () => badRequest('the cursor is not one this list produced (start again without it)', [{ path: 'cursor', message: 'invalid' }]);

/** A case list's cursor (sort value, case id), decoded; 400 when tampered with or from another list. */
export function caseListCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  const values = decodeCursor(cursor, 2);
  if (!values || typeof values[0] !== 'string' || typeof values[1] !== 'string') throw badCursor();
  return [values[0], values[1]];
}

/** A member to add to the unit in the path (`POST /units/{code}/members`). */
export const AddMemberBody = MemberFields;
/** The fields of a member to change (`PATCH /units/{code}/members/{id}`); `roles` replaces them. */
export const UpdateMemberBody = MemberPatch.refine((p) => Object.keys(p).length > 0, 'give at least one field to change (name, email, language, roles, phone)');

/** A file field's path in a definition: `input.plans`, `states.review.actions.complete.input.documents`. */
export const FIELD_PATH = /^(input|states\.[a-z][a-z0-9_]*\.actions\.[a-z][a-z0-9_]*\.input)\.[a-z][a-z0-9_]*(\.fields\.[a-z][a-z0-9_]*)*$/;

export const UploadQuery = z.strictObject({
  procedure: z.string().max(100).regex(PROCEDURE_ID, 'must be a procedure id such as "permis-construire"'),
  version: intQuery(1).optional(),
  field: z.string().max(300).regex(FIELD_PATH, 'must be a file field of the procedure, such as input.plans or states.review.actions.complete.input.documents'),
});

export const DocumentIdParam = z.strictObject({ id: z.string().max(100) });
