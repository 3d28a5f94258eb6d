/**
 * The OpenAPI 3.1 document of the API. Request bodies come from the same zod schemas the routes
 * parse with (`z.toJSONSchema`), so they cannot drift; responses are described by hand.
 * A test checks the document against the OpenAPI 3.1 schema and that every Express route is in it.
 */
import { z } from 'zod';
import { SupervisorActions, TaskActions } from '../workflows/messages';
import { UNIT_KINDS } from '../db/directory-model';
import { MAX_EXTENSIONS } from '../definitions/deadline';
import { DURATION_BOUND_TEXT } from '../definitions/duration';
import { MAX_JSON_DEPTH } from './input-guard';
import { MAX_YEAR, MIN_YEAR, PG_INT_MAX } from './params';
import { ActionBody, AddMemberBody, FIELD_PATH, FileCaseBody, HolidayBody, UpdateMemberBody } from './schemas';
import { CodecBody } from './routes/codec';
import { RectificationRequest } from '../usecases/rectify-contact';

type Json = Record<string, unknown>;

const body = (schema: z.ZodType): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Json;
  return rest;
};
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description: string): Json => ({ description, content: { 'application/json': { schema } } });
const problem = (description: string): Json => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const page = (item: Json): Json => ({
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: item }, next: { type: 'string', description: 'Cursor of the next page; absent on the last.' } },
});
const q = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({ name, in: 'query', required: false, description, schema });
const CASE_ID: Json = { type: 'string', pattern: '^[A-Za-z0-9-]{1,100}$', maxLength: 100 };
const PROCEDURE_ID_SCHEMA: Json = { type: 'string', pattern: '^[a-z][a-z0-9-]*$', maxLength: 100 };
const CALENDAR_ID: Json = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,99}$', maxLength: 100 };
const pathId = (name = 'id', description = 'Case id', schema: Json = CASE_ID): Json => ({ name, in: 'path', required: true, description, schema });
/** Text query parameters: at most `maxLength` characters. */
const text = (maxLength: number): Json => ({ type: 'string', maxLength });
/** What every query integer accepts: digits only, within the stated range. */
const int = (minimum: number, maximum = PG_INT_MAX, extra: Json = {}): Json => ({ type: 'integer', minimum, maximum, ...extra });
const DATE_OR_INSTANT: Json = {
  type: 'string',
  maxLength: 40,
  description: `A date YYYY-MM-DD or an ISO 8601 instant with an offset; a day that exists, years ${MIN_YEAR} to ${MAX_YEAR}.`,
};
const DURATION: Json = { type: 'string', minLength: 1, maxLength: 60, description: `P60D, PT30S, "20 working days"...; ${DURATION_BOUND_TEXT}.` };
const idempotencyKey: Json = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes a retry safe: the same key and body return the same result; the same key with another body is 409.',
  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$', maxLength: 200 },
};
const errors = (...codes: number[]): Json => {
  const all: Record<number, string> = {
    400: 'Malformed request (bad JSON, query, path, Content-Encoding or forbidden key)',
    401: 'Missing or invalid bearer token',
    403: 'Not allowed for this role or unit',
    404: 'Not found (or not visible to an applicant)',
    409: 'Conflict with the current state',
    413: 'Body larger than the limit',
    415: 'Unsupported content type',
    422: `Invalid content, with one entry per field in \`errors\`: out of range, not a real date, text PostgreSQL cannot store (NUL, lone surrogate) anywhere in the body, query or path, or JSON nested deeper than ${MAX_JSON_DEPTH}`,
    429: 'Rate limited; see Retry-After',
    503: 'Temporal or PostgreSQL unreachable; see Retry-After',
  };
  return Object.fromEntries(codes.map((c) => [String(c), problem(all[c] ?? 'Error')]));
};
const secured = { security: [{ bearer: [] }] };
const pdf = (description: string): Json => ({ description, content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } });
const codeParam: Json = {
  name: 'code',
  in: 'path',
  required: true,
  description: 'The code printed under the QR code (any letter case)',
  schema: { type: 'string', pattern: '^[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}$' },
};
const verification = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: ref('Verification') }, 'text/html': { schema: { type: 'string' } } },
});
const comment = (required: boolean): Json => ({ type: 'string', maxLength: 4000, description: required ? 'The reason, journaled (required)' : 'A note, journaled' });
/** A built-in action's body: what `POST /cases/{id}/actions` accepts for it. */
const builtin = (action: string, description: string, input: Json | undefined, reasonRequired: boolean): Json => ({
  type: 'object',
  description,
  required: ['action', ...(reasonRequired ? ['comment'] : []), ...(input?.required ? ['input'] : [])],
  additionalProperties: false,
  properties: { action: { const: action }, ...(input ? { input } : {}), comment: comment(reasonRequired) },
});
const unitCode: Json = { type: 'string', maxLength: 50, description: 'A unit code from the directory' };
const builtinActions: Record<string, Json> = {
  TakeOverAction: builtin(
    SupervisorActions.takeOver,
    'Supervisors of a level the escalation reached: become the open task’s assignee and take its actions. The escalation records who and when.',
    undefined,
    false,
  ),
  ReassignAction: builtin(
    SupervisorActions.reassign,
    'Supervisors of a level the escalation reached: move the open task to a unit inside their own unit (422 when the unit is unknown, 403 outside), and/or to a member.',
    { type: 'object', additionalProperties: false, minProperties: 1, properties: { unit: unitCode, assignee: { type: 'string', description: 'A member id' } } },
    true,
  ),
  ExtendAction: builtin(
    SupervisorActions.extend,
    'Supervisors of a level the escalation reached: extend a deadline where the procedure allows it (409 beyond its `extension.max`). Ends the escalation when it extends the late clock.',
    { type: 'object', additionalProperties: false, properties: { clock: { type: 'string', description: 'A clock of the procedure; default: the late clock' } } },
    true,
  ),
  DecideAction: builtin(
    SupervisorActions.decide,
    'Supervisors of a level the escalation reached: decide the case into a final state the current state leads to (`availableActions` lists them).',
    { type: 'object', required: ['state'], additionalProperties: false, properties: { state: { type: 'string', description: 'A final state of the procedure' } } },
    true,
  ),
  ClaimAction: builtin(
    TaskActions.claim,
    'Staff holding the task’s role at the unit where it waits: become its assignee. A claimed task’s actions are for its assignee and the escalation’s supervisors (409 when someone else holds it).',
    undefined,
    false,
  ),
  ReleaseAction: builtin(TaskActions.release, 'The assignee, or a supervisor of the escalation: give the task back to its unit.', undefined, false),
};
const caseListFilters = [
  q('procedure', 'Procedure id', text(100)),
  q('state', 'Current state', text(100)),
  q('unit', 'Unit code where the case was filed', text(50)),
  q('status', 'open or closed', { type: 'string', enum: ['open', 'closed'] }),
  q('overdue', 'Open cases past a due instant: a running deadline or task due date in the past, or a deadline that expired undecided', { type: 'string', enum: ['true', 'false'] }),
  q('escalated', 'Open escalated cases', { type: 'string', enum: ['true', 'false'] }),
  q('filedFrom', 'Filed at or after (date or ISO instant)', DATE_OR_INSTANT),
  q('filedTo', 'Filed before (date or ISO instant)', DATE_OR_INSTANT),
  q('sort', 'Sort order', { type: 'string', enum: ['filedAt', '-filedAt', 'updatedAt', '-updatedAt'], default: '-filedAt' }),
  q('limit', 'Page size, 1 to 100', int(1, 100, { default: 20 })),
  q('cursor', 'The `next` of the previous page', text(500)),
];

const published: Json = { allOf: [ref('Procedure'), { type: 'object', properties: { outcome: { type: 'string', enum: ['published', 'unchanged'] }, warnings: { type: 'array', items: ref('RoleWarning') } } }] };
/**
 * The input guard (`input-guard.ts`) and the body parsers answer before any route: every operation
 * may answer 400 (undecodable path, Content-Encoding mismatch) and 422 (unstorable text, nesting).
 */
function withGuardAnswers(doc: Json): Json {
  for (const ops of Object.values(doc.paths as Record<string, Record<string, Json>>)) {
    for (const op of Object.values(ops)) {
      const responses = op.responses as Json;
      for (const [code, answer] of Object.entries(errors(400, 422))) if (!(code in responses)) responses[code] = answer;
    }
  }
  return doc;
}

export function openApiDocument(): Json {
  return withGuardAnswers({
    openapi: '3.1.0',
    info: {
      title: 'Masar API',
      version: '1.0.0',
      description: 'Cases of administrative procedures of Moroccan territorial collectivities. Errors are application/problem+json.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Verification: {
          type: 'object',
          description: 'What the public may know of an issued document: nothing personal.',
          required: ['code', 'kind', 'reference', 'unit', 'issuedAt', 'sha256'],
          properties: {
            code: { type: 'string' },
            kind: { type: 'string', enum: ['receipt', 'decision'] },
            reference: { type: 'string', description: 'The case reference' },
            unit: { type: 'object', required: ['code', 'name'], properties: { code: { type: 'string' }, name: ref('Label') } },
            issuedAt: { type: 'string', format: 'date-time' },
            sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            matches: { type: 'boolean', description: 'With a hash or a file to compare: whether it is the issued document' },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'message'],
                properties: { path: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer' }, column: { type: 'integer' } },
              },
            },
          },
        },
        Label: { type: 'object', required: ['fr', 'ar'], properties: { fr: { type: 'string' }, ar: { type: 'string' } } },
        Member: {
          type: 'object',
          required: ['id', 'name', 'email', 'language', 'roles', 'unit'],
          properties: {
            id: { type: 'string', description: "The identity provider's subject: tokens of this member carry it as `sub`." },
            name: { type: 'string' },
            email: { type: 'string' },
            language: { type: 'string', enum: ['fr', 'ar'] },
            roles: { type: 'array', items: { type: 'string' } },
            unit: { type: 'string' },
          },
        },
        AddMember: body(AddMemberBody),
        UpdateMember: body(UpdateMemberBody),
        RoleWarning: {
          type: 'object',
          description: 'A role the procedure needs at a level that no active member holds at some active units of that level.',
          required: ['role', 'level', 'neededBy', 'missing', 'units', 'examples', 'message'],
          properties: {
            role: { type: 'string' },
            level: { type: 'string', enum: ['unit', 'province', 'region', 'ministry'] },
            neededBy: { type: 'string' },
            missing: { type: 'integer', description: 'Units without the role' },
            units: { type: 'integer', description: 'Active units of the level' },
            examples: { type: 'array', items: { type: 'string' } },
            message: { type: 'string' },
          },
        },
        NotificationProblem: {
          type: 'object',
          description: 'A message of a case that a recipient kind of its rule did not receive.',
          properties: {
            id: { type: 'string' }, caseId: { type: 'string' }, reference: { type: 'string' }, occurrence: { type: 'string' },
            event: { type: 'string' }, template: { type: 'string' },
            kind: { type: 'string', enum: ['applicant', 'assignee', 'unit_agents', 'supervisors'] },
            role: { type: ['string', 'null'] }, unit: { type: ['string', 'null'] }, assignee: { type: ['string', 'null'] },
            reason: { type: 'string' },
            alerted: { type: 'array', items: { type: 'string' }, description: 'Supervisors told (member ids)' },
            createdAt: { type: 'string', format: 'date-time' },
          },
        },
        Task: {
          type: 'object',
          properties: {
            state: { type: 'string' }, role: { type: 'string' }, level: { type: 'string' }, unit: { type: 'string' },
            assignee: { type: 'string' }, openedAt: { type: 'string', format: 'date-time' }, dueAt: { type: 'string', format: 'date-time' },
            actions: { type: 'array', items: { type: 'string' } },
          },
        },
        Case: {
          type: 'object',
          description: 'A case view with its facts. `data` and `applicant.email` only for the applicant and staff of the unit.',
          required: ['caseId', 'reference', 'procedure', 'unit', 'state', 'status', 'tasks', 'clocks', 'sequence', 'filedAt'],
          properties: {
            caseId: { type: 'string' },
            reference: { type: 'string', examples: ['AI-2026-000123'] },
            procedure: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' }, hash: { type: 'string' } } },
            procedureTitle: ref('Label'),
            unit: { type: 'string' },
            unitName: ref('Label'),
            state: { type: 'string' },
            stateLabel: ref('Label'),
            status: { type: 'string', enum: ['open', 'closed'] },
            outcome: { type: 'string' },
            tasks: { type: 'array', items: ref('Task') },
            clocks: {
              type: 'array',
              items: {
                type: 'object',
                description: 'A legal deadline: name, label, status, counting, dueAt/dueDate while running; `provisional: true` and `provisionalDates` when the due date depends on a religious holiday not yet announced',
              },
            },
            provisionalDeadline: { type: 'boolean', enum: [true], description: 'A running deadline depends on a provisional religious date (see the clocks)' },
            escalation: ref('Escalation'),
            waitingUntil: { type: 'string', format: 'date-time', description: 'While the case waits for the applicant: until when' },
            registration: {
              type: 'object',
              description: "Its number in the unit's register (bureau d'ordre), gapless per unit, register and year; absent unless the procedure keeps a register",
              required: ['register', 'year', 'number', 'label'],
              properties: { register: { type: 'string', examples: ['incoming'] }, year: { type: 'integer' }, number: { type: 'integer' }, label: { type: 'string', examples: ['2026/000017'] } },
            },
            availableActions: { type: 'array', items: ref('AvailableAction'), description: 'What the caller may do now (single case reads and action answers)' },
            sequence: { type: 'integer' },
            filedAt: { type: 'string', format: 'date-time' },
            closedAt: { type: 'string', format: 'date-time' },
            applicant: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, language: { type: 'string' }, email: { type: 'string' } } },
            filedBy: { type: 'object' },
            data: { type: 'object' },
          },
        },
        Escalation: {
          type: 'object',
          description: 'A late case: it stays escalated, and climbs every interval, until decided or closed (or its late deadline is extended).',
          required: ['level', 'unit', 'units', 'at', 'since', 'clock'],
          properties: {
            level: { type: 'string', enum: ['unit', 'province', 'region', 'ministry'] },
            unit: { type: 'string', description: 'The unit of the level reached' },
            units: { type: 'array', items: { type: 'string' }, description: 'Every level reached so far, lowest first' },
            at: { type: 'string', format: 'date-time', description: 'When the current level was reached' },
            since: { type: 'string', format: 'date-time', description: 'When the case was first escalated' },
            clock: { type: 'string', description: 'The deadline that passed' },
            nextAt: { type: 'string', format: 'date-time', description: 'When it climbs next; absent at the top' },
            takenOver: { type: 'object', required: ['by', 'at'], properties: { by: { type: 'string' }, at: { type: 'string', format: 'date-time' } } },
          },
        },
        CatalogueEntry: {
          type: 'object',
          description: 'One procedure as law 55-19 requires it published: the documents it may ask for (and no others), its fees and its deadline.',
          required: ['procedure', 'title', 'legalBasis', 'documents', 'fees', 'deadline'],
          properties: {
            procedure: { type: 'object', required: ['id', 'version'], properties: { id: { type: 'string' }, version: { type: 'integer' } } },
            title: ref('Label'),
            description: ref('Label'),
            legalBasis: { type: 'array', items: { type: 'string' } },
            documents: {
              type: 'array',
              items: { type: 'object', required: ['id', 'label', 'required'], properties: { id: { type: 'string' }, label: ref('Label'), required: { type: 'boolean' }, note: ref('Label') } },
            },
            fees: {
              type: 'array',
              items: {
                type: 'object',
                required: ['label', 'amount', 'currency', 'basis', 'unconfirmed'],
                properties: {
                  label: ref('Label'),
                  amount: { type: 'number', minimum: 0 },
                  currency: { const: 'MAD' },
                  basis: { type: 'string', description: 'The text that sets the rate' },
                  unconfirmed: { type: 'boolean', description: "A deployment's parameter, not a confirmed rate" },
                },
              },
            },
            deadline: {
              type: 'object',
              required: ['clock', 'label', 'duration', 'counting', 'words', 'sameDay'],
              properties: {
                clock: { type: 'string' },
                label: ref('Label'),
                duration: { type: 'string', examples: ['20 working days', 'P2M'] },
                counting: { type: 'string', enum: ['working_days', 'calendar'] },
                words: ref('Label'),
                extension: { type: 'object', properties: { words: ref('Label'), max: { type: 'integer' } } },
                sameDay: { type: 'boolean' },
                onSilence: { type: 'string', enum: ['escalated', 'decided'], description: 'decided: silence decides by law (tacit approval, implicit refusal)' },
                silenceOutcome: { type: 'string', description: 'when silence decides, the outcome it decides (tacitly_approved, tacitly_refused)' },
                basis: { type: 'string' },
                note: ref('Label'),
              },
            },
          },
        },
        AvailableAction: {
          type: 'object',
          required: ['action', 'kind', 'reasonRequired'],
          properties: {
            action: { type: 'string', description: 'The `action` to send' },
            kind: { type: 'string', enum: ['procedure', 'task', 'supervisor'] },
            label: ref('Label'),
            input: {
              type: 'object',
              description:
                'Input fields. For `escalation.reassign`, `unit` is a choice (`picker: "unit"`) of the active units below the supervisor\'s, named in `optionLabels`: the only units the reassignment accepts.',
            },
            reasonRequired: { type: 'boolean' },
            dueAt: { type: 'string', format: 'date-time', description: 'By when the caller must act (an applicant the case waits for)' },
          },
        },
        ...builtinActions,
        Document: {
          type: 'object',
          required: ['id', 'sha256', 'size', 'mediaType', 'fileName', 'field', 'uploadedAt'],
          properties: {
            id: { type: 'string', format: 'uuid', description: 'Name it in a filing’s `data` or an action’s `input` file field' },
            sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'Of the bytes; journaled with the filing or action that attaches it' },
            size: { type: 'integer', minimum: 0 },
            mediaType: { type: 'string', description: 'Read from the bytes' },
            fileName: { type: 'string', maxLength: 150, description: 'Sanitised' },
            field: { type: 'string', description: 'The definition field it was uploaded for' },
            uploadedAt: { type: 'string', format: 'date-time' },
            attachedAt: { type: ['string', 'null'], format: 'date-time' },
            attachedAs: { type: ['string', 'null'], description: 'Where its case names it: `data.plans`, `submit_documents:input.documents.0`' },
            location: { type: 'string', description: 'Download address' },
          },
        },
        JournalEntry: {
          type: 'object',
          properties: {
            caseId: { type: 'string' }, sequence: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actor: { type: 'object' },
            kind: { type: 'string' }, fromState: { type: 'string' }, toState: { type: 'string' }, reason: { type: 'string' },
            data: { type: 'object' }, prevHash: { type: 'string' }, hash: { type: 'string' },
            erasedAt: { type: 'string', format: 'date-time', description: 'Retention erased this entry\'s reason and data (docs/retention.md); the chain still verifies.' },
          },
        },
        JournalReport: {
          type: 'object',
          required: ['checked', 'intact', 'broken', 'signaturesChecked'],
          properties: {
            checked: { type: 'integer', description: 'Cases verified in this answer' },
            intact: { type: 'integer' },
            broken: {
              type: 'array',
              description: 'Each broken case with its first entry that does not hold',
              items: {
                type: 'object',
                required: ['caseId', 'brokenAt', 'problem', 'reason'],
                properties: {
                  caseId: { type: 'string' },
                  entries: { type: 'integer' },
                  brokenAt: { type: 'integer', description: 'Sequence of the first entry that does not hold' },
                  problem: { type: 'string', enum: ['missing', 'unlinked', 'edited', 'rechained', 'unsigned', 'unknown-key', 'truncated', 'beyond-checkpoint', 'no-checkpoint', 'checkpoint', 'unrecorded-erasure'] },
                  reason: { type: 'string' },
                },
              },
            },
            next: { type: 'string', description: 'Pass as `after` for the next page; absent when every case was checked' },
            signaturesChecked: { type: 'boolean', description: 'False when the API has no MASAR_JOURNAL_KEY: chain and checkpoints only' },
          },
        },
        Procedure: { type: 'object', description: 'A published procedure version: input fields, states, actions, clocks, Mermaid diagram.' },
        Holidays: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' }, year: { type: 'integer' }, daysOff: { type: 'array', items: { type: 'object' } } } },
        Attention: {
          type: 'object',
          required: ['caseId', 'reference', 'procedureId', 'unit', 'step', 'error', 'since', 'attempts'],
          properties: {
            caseId: { type: 'string' },
            reference: { type: 'string' },
            procedureId: { type: 'string' },
            unit: { type: 'string' },
            step: { type: 'string', description: 'What failed: filing, action, clocks, recompute' },
            error: { type: 'string' },
            errorType: { type: ['string', 'null'] },
            since: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
            attempts: { type: 'integer' },
          },
        },
        FileCase: body(FileCaseBody),
        Rectification: body(RectificationRequest),
        Action: body(ActionBody),
        Holiday: body(HolidayBody),
      },
    },
    paths: {
      '/healthz': { get: { summary: 'Liveness', operationId: 'healthz', responses: { '200': json({ type: 'object' }, 'The process is up') } } },
      '/readyz': {
        get: { summary: 'Readiness: PostgreSQL and Temporal reachable', operationId: 'readyz', responses: { '200': json({ type: 'object' }, 'Ready'), ...errors(503) } },
      },
      '/metrics': {
        get: { summary: 'Prometheus metrics', operationId: 'metrics', responses: { '200': { description: 'Text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } } },
      },
      '/api/v1/openapi.json': { get: { summary: 'This document', operationId: 'openapi', responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1') } } },
      '/api/v1/docs': { get: { summary: 'Human-readable list of routes', operationId: 'docs', responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } } } },
      '/api/v1/catalogue': {
        get: {
          summary: 'Law 55-19 catalogue of the published procedures (public, no token)',
          operationId: 'readCatalogue',
          responses: {
            '200': json(
              {
                type: 'object',
                required: ['procedures', 'undeclared'],
                properties: {
                  procedures: { type: 'array', items: ref('CatalogueEntry') },
                  undeclared: { type: 'array', items: { type: 'string' }, description: 'Published procedures that declare no catalogue yet' },
                },
              },
              'Every published procedure (latest version) with its documents, fees and deadline in French and Arabic',
            ),
            ...errors(400, 429, 503),
          },
        },
      },
      '/api/v1/cases': {
        post: {
          summary: 'File a case (applicant for themselves, or an agent at the counter)',
          operationId: 'fileCase',
          ...secured,
          parameters: [idempotencyKey],
          requestBody: { required: true, content: { 'application/json': { schema: ref('FileCase') } } },
          responses: {
            '201': { ...json(ref('Case'), 'Filed; Location points at the case'), headers: { Location: { schema: { type: 'string' } } } },
            '202': json({ type: 'object', properties: { caseId: { type: 'string' }, reference: { type: 'string' }, registration: { type: 'object', description: 'Its registration number, when the procedure keeps a register' }, status: { type: 'string' } } }, 'Filed; no worker answered yet'),
            ...errors(400, 401, 403, 409, 413, 415, 422, 429, 503),
          },
        },
        get: { summary: 'List cases in the caller’s scope', operationId: 'listCases', ...secured, parameters: caseListFilters, responses: { '200': json(page(ref('Case')), 'A page of cases'), ...errors(400, 401, 403, 429, 503) } },
      },
      '/api/v1/cases/{id}': {
        get: {
          summary: 'A case from the read model (or from the workflow with consistent=true)',
          operationId: 'getCase',
          ...secured,
          parameters: [pathId(), q('consistent', 'Ask the workflow itself', { type: 'string', enum: ['true', 'false'] })],
          responses: { '200': json(ref('Case'), 'The case'), ...errors(400, 401, 403, 404, 429, 503) },
        },
      },
      '/api/v1/cases/{id}/journal': {
        get: {
          summary: 'The case journal, oldest first, hash-chained',
          operationId: 'getJournal',
          ...secured,
          parameters: [pathId(), q('after', 'Sequence to start after', int(0)), q('limit', 'Page size', int(1, 500, { default: 100 }))],
          responses: { '200': json({ type: 'object', properties: { items: { type: 'array', items: ref('JournalEntry') }, next: { type: 'integer' } } }, 'Journal entries'), ...errors(400, 401, 403, 404, 429, 503) },
        },
      },
      '/api/v1/cases/{id}/documents': {
        get: {
          summary: 'The documents attached to a case (its filing and its actions), in the order attached',
          description: 'For whoever may see the case’s data: the applicant, staff of the unit where it was filed or its task waits, supervisors an escalation reached.',
          operationId: 'listCaseDocuments',
          ...secured,
          parameters: [pathId()],
          responses: { '200': json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Document') } } }, 'The documents'), ...errors(400, 401, 403, 404, 429, 503) },
        },
      },
      '/api/v1/documents': {
        post: {
          summary: 'Upload a document for a file field of a procedure; returns its id to name in a filing or an action',
          description:
            'One `multipart/form-data` part named `file`, streamed to the document store. The media type is read from the bytes (a PNG sent as a PDF is a PNG) ' +
            'and must be one of the field’s `accept` (415 otherwise); the size limit is the field’s `maxSize` or the server’s MASAR_UPLOAD_MAX_BYTES (413 past it). ' +
            'The file name is kept sanitised (no path, control or bidirectional characters, at most 150 characters). ' +
            'The document is the uploader’s until one of their filings or actions names it; one never attached within a day is purged.',
          operationId: 'uploadDocument',
          ...secured,
          parameters: [
            { name: 'procedure', in: 'query', required: true, description: 'The procedure id', schema: PROCEDURE_ID_SCHEMA },
            q('version', 'The procedure version (default: the latest published)', int(1)),
            {
              name: 'field',
              in: 'query',
              required: true,
              description: 'The file field, by its path in the definition: `input.plans`, `states.awaiting.actions.submit_documents.input.documents` (a list names its items’ field)',
              schema: { type: 'string', maxLength: 300, pattern: FIELD_PATH.source },
            },
          ],
          requestBody: {
            required: true,
            content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } } } } },
          },
          responses: {
            '201': { ...json(ref('Document'), 'Stored; `Location` is its download address'), headers: { Location: { schema: { type: 'string' } } } },
            ...errors(400, 401, 403, 413, 415, 422, 429, 503),
          },
        },
      },
      '/api/v1/documents/{id}': {
        get: {
          summary: 'Download a document',
          description:
            'An attached document for whoever may see its case’s data (others get the case’s answer: 403 for staff of another unit, 404 for applicants); an unattached one for its uploader only. ' +
            'Sent with the stored media type, `Content-Disposition: attachment` with the sanitised name (RFC 6266 `filename*`), `X-Content-Type-Options: nosniff`, `ETag` and `Repr-Digest` (its SHA-256).',
          operationId: 'downloadDocument',
          ...secured,
          parameters: [pathId('id', 'Document id', { type: 'string', format: 'uuid', maxLength: 100 })],
          responses: {
            '200': { description: 'The document’s bytes', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
            ...errors(400, 401, 403, 404, 429, 503),
          },
        },
      },
      '/api/v1/cases/{id}/actions': {
        post: {
          summary: 'Act on a case; answered at once with the new view',
          description:
            'An action of the current state (the case view’s `availableActions` and `tasks[].actions`), or a built-in one: ' +
            `${Object.values(SupervisorActions).join(', ')} for supervisors of a level an escalation reached, ` +
            `${Object.values(TaskActions).join(', ')} for staff holding the task’s role at its unit. ` +
            '403 when the caller may not, 409 when the state does not allow it, 422 for bad input.',
          operationId: 'act',
          ...secured,
          parameters: [
            pathId(),
            {
              ...idempotencyKey,
              description:
                'Makes a retry safe: the same key, case and body are applied once and answer the same view; the same key with another action, input, comment or case is 409 idempotency-key-reused.',
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { anyOf: [ref('Action'), ...Object.keys(builtinActions).map(ref)] } } },
          },
          responses: { '200': json(ref('Case'), 'The case after the action'), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 503) },
        },
      },
      '/api/v1/tasks': {
        get: {
          summary: 'The caller’s inbox: open tasks at their unit for their roles, earliest due first',
          operationId: 'listTasks',
          ...secured,
          parameters: [
            q('procedure', 'Procedure id', text(100)),
            q('assigned', 'mine: tasks the caller holds (claimed or assigned); unassigned: tasks nobody holds', { type: 'string', enum: ['mine', 'unassigned'] }),
            q('state', 'Only tasks of this state of their procedure', text(100)),
            q('late', 'true: only tasks whose deadline has passed', { type: 'string', enum: ['true', 'false'] }),
            q('limit', 'Page size', int(1, 100, { default: 20 })),
            q('cursor', 'Next page', text(500)),
          ],
          responses: { '200': json(page({ type: 'object', properties: { task: ref('Task'), case: { type: 'object' } } }), 'Tasks'), ...errors(400, 401, 403, 503) },
        },
      },
      '/api/v1/escalations': {
        get: {
          summary: 'Supervisors: open cases whose escalation reached their unit or a unit below, until decided or closed',
          operationId: 'listEscalations',
          ...secured,
          parameters: [q('limit', 'Page size', int(1, 100, { default: 20 })), q('cursor', 'Next page', text(500))],
          responses: { '200': json(page(ref('Case')), 'Escalated cases'), ...errors(400, 401, 403, 503) },
        },
      },
      '/api/v1/procedures': {
        get: { summary: 'Published procedures', operationId: 'listProcedures', ...secured, responses: { '200': json(page({ type: 'object' }), 'Procedures'), ...errors(401, 503) } },
        post: {
          summary: 'Publish a procedure version (admin)',
          operationId: 'publishProcedure',
          ...secured,
          requestBody: { required: true, content: { 'application/yaml': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object', required: ['source'], properties: { source: { type: 'string' } } } } } },
          responses: {
            '201': json(published, 'Published; `warnings` lists roles no member holds at some units (publishing is not refused)'),
            '200': json(published, 'Already published, same content'),
            ...errors(400, 401, 403, 409, 413, 415, 422, 503),
          },
        },
      },
      '/api/v1/procedures/validate': {
        post: {
          summary: 'Validate a definition without publishing (admin)',
          operationId: 'validateProcedure',
          ...secured,
          requestBody: { required: true, content: { 'application/yaml': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object', required: ['source'], properties: { source: { type: 'string' } } } } } },
          responses: { '200': json({ type: 'object', properties: { warnings: { type: 'array', items: ref('RoleWarning') } } }, 'Valid, with its hash, diagram and role warnings'), ...errors(400, 401, 403, 413, 415, 422, 503) },
        },
      },
      '/api/v1/units/{code}/members': {
        get: {
          summary: 'Active members of a unit and their roles (admin)',
          operationId: 'listMembers',
          ...secured,
          parameters: [pathId('code', 'Unit code')],
          responses: { '200': json(page(ref('Member')), 'Members, by name'), ...errors(400, 401, 403, 404, 503) },
        },
        post: {
          summary: 'Add a member to a unit, with roles (admin). Roles must be built in or declared by a published procedure.',
          operationId: 'addMember',
          ...secured,
          parameters: [pathId('code', 'Unit code')],
          requestBody: { required: true, content: { 'application/json': { schema: ref('AddMember') } } },
          responses: { '201': json(ref('Member'), 'Added'), ...errors(400, 401, 403, 404, 409, 415, 422, 503) },
        },
      },
      '/api/v1/units/{code}/members/{id}': {
        patch: {
          summary: "Change a member's name, e-mail, language, roles or phone (admin)",
          operationId: 'updateMember',
          ...secured,
          parameters: [pathId('code', 'Unit code'), pathId('id', 'Member id')],
          requestBody: { required: true, content: { 'application/json': { schema: ref('UpdateMember') } } },
          responses: { '200': json(ref('Member'), 'Updated'), ...errors(400, 401, 403, 404, 415, 422, 503) },
        },
        delete: {
          summary: 'Remove a member from a unit (admin): deactivated, kept for the journal',
          operationId: 'removeMember',
          ...secured,
          parameters: [pathId('code', 'Unit code'), pathId('id', 'Member id')],
          responses: { '200': json(ref('Member'), 'Removed; the member as it was'), ...errors(400, 401, 403, 404, 503) },
        },
      },
      '/api/v1/roles': {
        get: {
          summary: 'Roles a member may hold: built in, and declared by published procedures (admin)',
          operationId: 'listRoles',
          ...secured,
          responses: { '200': json(page({ type: 'string' }), 'Role names'), ...errors(401, 403, 503) },
        },
      },
      '/api/v1/notification-problems': {
        get: {
          summary: 'Messages that reached nobody they were meant for, newest first (admin)',
          operationId: 'listNotificationProblems',
          ...secured,
          parameters: [q('unit', 'Unit code'), q('case', 'Case id'), q('limit', 'Page size, 1 to 500', { type: 'integer', minimum: 1, maximum: 500, default: 50 })],
          responses: { '200': json(page(ref('NotificationProblem')), 'Problems'), ...errors(400, 401, 403, 503) },
        },
      },
      '/api/v1/procedures/{id}': {
        get: {
          summary: 'One procedure version (latest by default): input schema, states, actions, clocks, Mermaid diagram',
          operationId: 'getProcedure',
          ...secured,
          parameters: [pathId('id', 'Procedure id', PROCEDURE_ID_SCHEMA), q('version', 'A version; latest when absent', int(1))],
          responses: { '200': json(ref('Procedure'), 'The procedure'), ...errors(400, 401, 404, 503) },
        },
      },
      '/api/v1/cases/{id}/receipt.pdf': {
        get: {
          summary: 'The case’s filing receipt as a sealed bilingual PDF (French and Arabic)',
          description:
            'For whoever may read the case: the applicant, and the staff of its unit (printed at the counter for a filing made there). ' +
            'Issued once: every request, and the e-mail, carry the same bytes, sealed (PAdES) with the organisation’s certificate, ' +
            'with a QR code and a short code leading to `/verify/{code}`. 503 when no seal is configured (MASAR_SEAL_CERT, MASAR_SEAL_KEY).',
          operationId: 'getReceiptPdf',
          ...secured,
          parameters: [pathId()],
          responses: { '200': pdf('The sealed receipt; `X-Masar-Verification-Code` gives its code, `ETag` its SHA-256'), ...errors(400, 401, 403, 404, 429, 503) },
        },
      },
      '/api/v1/cases/{id}/decision.pdf': {
        get: {
          summary: 'The case’s decision as a sealed bilingual PDF: outcome, grounds, inputs (fee, conditions)',
          description: 'As the receipt; 409 `not-decided` while the case has no outcome.',
          operationId: 'getDecisionPdf',
          ...secured,
          parameters: [pathId()],
          responses: { '200': pdf('The sealed decision; `X-Masar-Verification-Code` gives its code, `ETag` its SHA-256'), ...errors(400, 401, 403, 404, 409, 429, 503) },
        },
      },
      '/verify': {
        post: {
          summary: 'Public, no login: was this PDF issued by Masar? (the file as the body)',
          description: 'Answers the issued document whose SHA-256 is the body’s, or 404: a copy with any byte changed is not an issued document.',
          operationId: 'verifyPdf',
          requestBody: { required: true, content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
          responses: { '200': verification('The document this file is'), ...errors(404, 413, 415, 422, 429) },
        },
      },
      '/verify/{code}': {
        get: {
          summary: 'Public, no login: the verification page a document’s QR code opens',
          description:
            'Whether a document was issued under this code, by which unit, when, for which reference; nothing personal. ' +
            'HTML for browsers, JSON with `Accept: application/json`. With `sha256`, whether a copy with that hash is the issued document (`matches`).',
          operationId: 'verifyCode',
          parameters: [codeParam, q('sha256', 'SHA-256 of a copy to compare (sha256sum)', { type: 'string', pattern: '^[0-9a-fA-F]{64}$' })],
          responses: { '200': verification('The issued document'), ...errors(400, 404, 429) },
        },
        post: {
          summary: 'Public, no login: is this PDF the document issued under this code?',
          operationId: 'verifyPdfAgainstCode',
          parameters: [codeParam],
          requestBody: { required: true, content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
          responses: { '200': verification('The issued document, `matches` false when the file is not it'), ...errors(400, 404, 413, 415, 422, 429) },
        },
      },
      '/api/v1/journal/verify': {
        get: {
          summary: 'Administrators: verify the journal (hash chain, signatures, head checkpoints) of one case or a page of cases',
          operationId: 'verifyJournal',
          ...secured,
          parameters: [
            q('case', 'Verify this case only', { type: 'string', pattern: '^[A-Za-z0-9-]{1,100}$' }),
            q('after', 'Case id to continue after (the previous answer\'s next)', { type: 'string', pattern: '^[A-Za-z0-9-]{1,100}$' }),
            q('limit', 'Cases per page', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
          ],
          responses: { '200': json(ref('JournalReport'), 'What was checked and the first broken entry of each broken case'), ...errors(400, 401, 403, 404, 503) },
        },
      },
      '/api/v1/cases/{id}/readers': {
        get: {
          summary: 'The applicant: who from the administration consulted their case (its data, journal or documents), newest first',
          operationId: 'listCaseReaders',
          ...secured,
          parameters: [pathId(), q('limit', 'Page size', int(1, 200, { default: 50 })), q('cursor', 'Next page', { type: 'string', pattern: '^[1-9][0-9]{0,17}$' })],
          responses: {
            '200': json(
              page({
                type: 'object',
                required: ['at', 'what', 'reader'],
                properties: {
                  at: { type: 'string', format: 'date-time' },
                  what: { type: 'string', enum: ['case', 'journal', 'documents'] },
                  reader: { type: 'object', required: ['roles'], properties: { name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, unit: { type: 'string' } } },
                },
              }),
              'Reads of the case by anyone but its applicant',
            ),
            ...errors(400, 401, 403, 404, 429, 503),
          },
        },
      },
      '/api/v1/me/personal-data': {
        get: {
          summary: 'The applicant: download everything Masar holds about them (cases, input, journals, messages, reads by the administration, earlier requests); recorded in the rights register',
          operationId: 'exportPersonalData',
          ...secured,
          parameters: [q('format', 'json (default) or a readable page (html)', { type: 'string', enum: ['json', 'html'], default: 'json' })],
          responses: {
            '200': {
              description: 'Everything held, as an attachment',
              content: {
                'application/json': { schema: { type: 'object', required: ['subject', 'generatedAt', 'cases', 'journal', 'messages', 'reads', 'requests'] } },
                'text/html': { schema: { type: 'string' } },
              },
            },
            ...errors(400, 401, 403, 429, 503),
          },
        },
      },
      '/api/v1/me/personal-data/contact': {
        get: {
          summary: "The applicant: their contact data as each of their cases holds it (the e-mail address its messages go to), and their identity account's",
          operationId: 'readContactData',
          ...secured,
          responses: {
            '200': json(
              {
                type: 'object',
                required: ['cases'],
                properties: {
                  accountEmail: { type: 'string', description: 'The e-mail of the identity account: where new cases write' },
                  cases: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['caseId', 'reference', 'status', 'filedAt'],
                      properties: {
                        caseId: { type: 'string' },
                        reference: { type: 'string' },
                        status: { type: 'string', enum: ['open', 'closed'] },
                        filedAt: { type: 'string', format: 'date-time' },
                        email: { type: 'string', description: 'Absent: the case has no address to write to' },
                      },
                    },
                  },
                },
              },
              'Contact data, newest case first',
            ),
            ...errors(400, 401, 403, 429, 503),
          },
        },
      },
      '/api/v1/me/personal-data/rectifications': {
        post: {
          summary:
            'The applicant: correct the e-mail address their cases write to (law 09-08, art. 8), on every case or the one named. Running cases take it at once (journaled as contact.rectified, field names only) and their next message goes there; closed cases have their stored copy corrected; messages not sent yet are readdressed. Recorded in the rights register; repeating it changes nothing more. Masar holds no phone or postal address of applicants: naming one is refused (422)',
          operationId: 'rectifyContactData',
          ...secured,
          requestBody: { required: true, content: { 'application/json': { schema: ref('Rectification') } } },
          responses: {
            '200': json(
              {
                type: 'object',
                required: ['fields', 'cases', 'messagesReaddressed', 'at'],
                properties: {
                  fields: { type: 'array', items: { type: 'string', enum: ['email'] } },
                  cases: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['caseId', 'reference', 'status', 'outcome'],
                      properties: {
                        caseId: { type: 'string' },
                        reference: { type: 'string' },
                        status: { type: 'string', enum: ['running', 'closed'] },
                        outcome: { type: 'string', enum: ['rectified', 'unchanged', 'needs-attention'], description: 'needs-attention: the case waits for an administrator; ask again later' },
                      },
                    },
                  },
                  messagesReaddressed: { type: 'integer', minimum: 0 },
                  at: { type: 'string', format: 'date-time' },
                },
              },
              'What each case did',
            ),
            ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
          },
        },
      },
      '/api/v1/access-log': {
        get: {
          summary: 'Administrators: the access log (every read of a case, its journal or documents by anyone but the applicant), by person, unit or case',
          operationId: 'queryAccessLog',
          ...secured,
          parameters: [
            q('actor', 'Reads by this person (token subject)', text(200)),
            q('unit', 'Reads by staff of this unit and the units below it', text(50)),
            q('case', 'Reads of this case', CASE_ID),
            q('from', 'Reads at or after', DATE_OR_INSTANT),
            q('to', 'Reads before', DATE_OR_INSTANT),
            q('limit', 'Page size', int(1, 500, { default: 100 })),
            q('cursor', 'Next page', { type: 'string', pattern: '^[1-9][0-9]{0,17}$' }),
          ],
          responses: {
            '200': json(
              page({
                type: 'object',
                required: ['id', 'at', 'actor', 'what', 'transport', 'route'],
                properties: {
                  id: { type: 'string' },
                  at: { type: 'string', format: 'date-time' },
                  caseId: { type: 'string', description: 'Absent for payloads decrypted through the codec endpoint' },
                  actor: { type: 'object', required: ['id', 'roles'], properties: { id: { type: 'string' }, name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, unit: { type: 'string' } } },
                  what: { type: 'string', enum: ['case', 'journal', 'documents', 'payloads'] },
                  transport: { type: 'string', description: 'api, console, cli...' },
                  route: { type: 'string', description: 'The route or page, e.g. GET /api/v1/cases/:id' },
                },
              }),
              'Reads, newest first',
            ),
            ...errors(400, 401, 403, 503),
          },
        },
      },
      ...Object.fromEntries(
        (['decode', 'encode'] as const).map((op) => [
          `/api/v1/codec/${op}`,
          {
            post: {
              summary: `Administrators (the Temporal Web UI): ${op} Temporal payloads with the payload codec (AES-256-GCM); browsers only from MASAR_CODEC_UI_ORIGIN`,
              operationId: `codec${op === 'decode' ? 'Decode' : 'Encode'}`,
              ...secured,
              requestBody: { required: true, content: { 'application/json': { schema: body(CodecBody) } } },
              responses: { '200': json(body(CodecBody), `The payloads, ${op}d, in the same order`), ...errors(400, 401, 403, 404, 413, 415, 422) },
            },
            options: {
              summary: `CORS preflight of the codec ${op} (granted to MASAR_CODEC_UI_ORIGIN only)`,
              operationId: `codec${op === 'decode' ? 'Decode' : 'Encode'}Preflight`,
              responses: { '204': { description: 'Preflight granted' }, ...errors(403) },
            },
          },
        ]),
      ),
      '/api/v1/units': {
        get: {
          summary: 'Territorial units',
          operationId: 'listUnits',
          ...secured,
          parameters: [
            q('parent', 'Direct children of this unit', text(50)),
            q('kind', 'Unit kind', { type: 'string', enum: [...UNIT_KINDS] }),
            q('q', 'Text search', text(100)),
            q('active', 'true or false', { type: 'string', enum: ['true', 'false'] }),
            q('limit', 'Page size', int(1, 500, { default: 50 })),
            q('cursor', 'Next page', text(50)),
          ],
          responses: { '200': json(page({ type: 'object' }), 'Units'), ...errors(400, 401, 503) },
        },
      },
      '/api/v1/calendars/{id}/deadline': {
        get: {
          summary: 'Compute a legal deadline on the calendar (as the engine does)',
          operationId: 'computeDeadline',
          ...secured,
          parameters: [
            pathId('id', 'Calendar id', CALENDAR_ID),
            {
              ...q('from', `Triggering instant, ISO 8601 with an offset, a day that exists, years ${MIN_YEAR} to ${MAX_YEAR}`, {
                type: 'string',
                format: 'date-time',
                maxLength: 40,
              }),
              required: true,
            },
            { ...q('duration', 'Duration as in definitions', DURATION), required: true },
            q('extend', `An extension granted (repeat for several, at most ${MAX_EXTENSIONS})`, { type: 'array', maxItems: MAX_EXTENSIONS, items: DURATION }),
            q('counting', 'Force the counting', { type: 'string', enum: ['working_days', 'calendar'] }),
            q('endOnNonWorkingDay', 'A period ending on a non-working day: extend to the next working day, or keep (default)', { type: 'string', enum: ['extend', 'keep'] }),
          ],
          responses: {
            '200': json(
              {
                type: 'object',
                required: ['due', 'dueDate', 'skipped'],
                properties: {
                  calendar: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' } } },
                  due: { type: 'string', format: 'date-time' },
                  dueDate: { type: 'string', format: 'date' },
                  skipped: { type: 'array', items: { type: 'object' } },
                  provisional: { type: 'array', items: { type: 'string', format: 'date' }, description: 'Provisional religious holiday days the due date depends on' },
                  extendedFrom: { type: 'string', format: 'date', description: 'The due date as counted, when extend moved it' },
                },
              },
              'The due instant, the local due date and the non-working days skipped',
            ),
            ...errors(400, 401, 404, 422, 503),
          },
        },
      },
      '/api/v1/attention': {
        get: {
          summary: 'Cases that need an administrator: a step failed permanently and the case waits (admin)',
          operationId: 'listAttention',
          ...secured,
          parameters: [q('limit', 'Page size', int(1, 100, { default: 20 })), q('cursor', 'Next page', text(500))],
          responses: { '200': json(page(ref('Attention')), 'Open cases needing attention, oldest first'), ...errors(400, 401, 403, 503) },
        },
      },
      '/api/v1/attention/{id}/retry': {
        post: {
          summary: 'Ask a case that needs attention to retry, once its cause is fixed (admin)',
          operationId: 'retryAttention',
          ...secured,
          parameters: [pathId()],
          responses: {
            '202': json({ type: 'object', required: ['caseId', 'retry'], properties: { caseId: { type: 'string' }, retry: { type: 'string', enum: ['requested'] } } }, 'Retry requested; the case leaves the list when it succeeds'),
            ...errors(400, 401, 403, 404, 503),
          },
        },
      },
      '/api/v1/calendars/{id}/holidays': {
        get: {
          summary: 'Days off of a calendar in a year',
          operationId: 'getHolidays',
          ...secured,
          parameters: [pathId('id', 'Calendar id', CALENDAR_ID), q('year', 'Gregorian year', int(1900, 2200))],
          responses: { '200': json(ref('Holidays'), 'Days off'), ...errors(400, 401, 404, 503) },
        },
        post: {
          summary: 'Record an announced religious holiday, or a closure (exceptional day off or force majeure, national or limited to units) (admin)',
          operationId: 'recordHoliday',
          ...secured,
          parameters: [pathId('id', 'Calendar id', CALENDAR_ID)],
          requestBody: { required: true, content: { 'application/json': { schema: ref('Holiday') } } },
          responses: { '201': json(ref('Holidays'), 'Recorded; the calendar version went up'), ...errors(400, 401, 403, 404, 409, 415, 422, 503) },
        },
      },
    },
  });
}
