/**
 * The OpenAPI 3.1 document of the API. Request bodies come from the same zod schemas the routes
 * parse with (`z.toJSONSchema`), so they cannot drift; responses are described by hand.
 * A test checks the document against the OpenAPI 3.1 schema and that every Express route is in it.
 */
import { z } from 'zod';
import { UNIT_KINDS } from '../db/directory-model';
import { MAX_EXTENSIONS } from '../definitions/deadline';
import { DURATION_BOUND_TEXT } from '../definitions/duration';
import { MAX_JSON_DEPTH } from './input-guard';
import { MAX_YEAR, MIN_YEAR, PG_INT_MAX } from './params';
import { ActionBody, FileCaseBody, HolidayBody } from './schemas';

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
const caseListFilters = [
  q('procedure', 'Procedure id', text(100)),
  q('state', 'Current state', text(100)),
  q('unit', 'Unit code where the case was filed', text(50)),
  q('status', 'open or closed', { type: 'string', enum: ['open', 'closed'] }),
  q('overdue', 'Open cases past their earliest due instant', { type: 'string', enum: ['true', 'false'] }),
  q('escalated', 'Open escalated cases', { type: 'string', enum: ['true', 'false'] }),
  q('filedFrom', 'Filed at or after (date or ISO instant)', DATE_OR_INSTANT),
  q('filedTo', 'Filed before (date or ISO instant)', DATE_OR_INSTANT),
  q('sort', 'Sort order', { type: 'string', enum: ['filedAt', '-filedAt', 'updatedAt', '-updatedAt'], default: '-filedAt' }),
  q('limit', 'Page size, 1 to 100', int(1, 100, { default: 20 })),
  q('cursor', 'The `next` of the previous page', text(500)),
];

export function openApiDocument(): Json {
  return {
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
            clocks: { type: 'array', items: { type: 'object' } },
            escalation: { type: 'object' },
            sequence: { type: 'integer' },
            filedAt: { type: 'string', format: 'date-time' },
            closedAt: { type: 'string', format: 'date-time' },
            applicant: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, language: { type: 'string' }, email: { type: 'string' } } },
            filedBy: { type: 'object' },
            data: { type: 'object' },
          },
        },
        JournalEntry: {
          type: 'object',
          properties: {
            caseId: { type: 'string' }, sequence: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actor: { type: 'object' },
            kind: { type: 'string' }, fromState: { type: 'string' }, toState: { type: 'string' }, reason: { type: 'string' },
            data: { type: 'object' }, prevHash: { type: 'string' }, hash: { type: 'string' },
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
                  problem: { type: 'string', enum: ['missing', 'unlinked', 'edited', 'rechained', 'unsigned', 'unknown-key', 'truncated', 'beyond-checkpoint', 'no-checkpoint', 'checkpoint'] },
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
        FileCase: body(FileCaseBody),
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
      '/api/v1/cases': {
        post: {
          summary: 'File a case (applicant for themselves, or an agent at the counter)',
          operationId: 'fileCase',
          ...secured,
          parameters: [idempotencyKey],
          requestBody: { required: true, content: { 'application/json': { schema: ref('FileCase') } } },
          responses: {
            '201': { ...json(ref('Case'), 'Filed; Location points at the case'), headers: { Location: { schema: { type: 'string' } } } },
            '202': json({ type: 'object', properties: { caseId: { type: 'string' }, reference: { type: 'string' }, status: { type: 'string' } } }, 'Filed; no worker answered yet'),
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
      '/api/v1/cases/{id}/actions': {
        post: {
          summary: 'Act on a case; answered at once with the new view',
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
          requestBody: { required: true, content: { 'application/json': { schema: ref('Action') } } },
          responses: { '200': json(ref('Case'), 'The case after the action'), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 503) },
        },
      },
      '/api/v1/tasks': {
        get: {
          summary: 'The caller’s inbox: open tasks at their unit for their roles, earliest due first',
          operationId: 'listTasks',
          ...secured,
          parameters: [q('procedure', 'Procedure id', text(100)), q('limit', 'Page size', int(1, 100, { default: 20 })), q('cursor', 'Next page', text(500))],
          responses: { '200': json(page({ type: 'object', properties: { task: ref('Task'), case: { type: 'object' } } }), 'Tasks'), ...errors(400, 401, 403, 503) },
        },
      },
      '/api/v1/escalations': {
        get: {
          summary: 'Supervisors: open cases escalated to their unit or below',
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
          responses: { '201': json(ref('Procedure'), 'Published'), '200': json(ref('Procedure'), 'Already published, same content'), ...errors(400, 401, 403, 409, 413, 415, 422, 503) },
        },
      },
      '/api/v1/procedures/validate': {
        post: {
          summary: 'Validate a definition without publishing (admin)',
          operationId: 'validateProcedure',
          ...secured,
          requestBody: { required: true, content: { 'application/yaml': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object', required: ['source'], properties: { source: { type: 'string' } } } } } },
          responses: { '200': json({ type: 'object' }, 'Valid, with its hash and diagram'), ...errors(400, 401, 403, 413, 415, 422) },
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
                },
              },
              'The due instant, the local due date and the non-working days skipped',
            ),
            ...errors(400, 401, 404, 422, 503),
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
          summary: 'Record an announced religious holiday or an exceptional closure (admin)',
          operationId: 'recordHoliday',
          ...secured,
          parameters: [pathId('id', 'Calendar id', CALENDAR_ID)],
          requestBody: { required: true, content: { 'application/json': { schema: ref('Holiday') } } },
          responses: { '201': json(ref('Holidays'), 'Recorded; the calendar version went up'), ...errors(400, 401, 403, 404, 409, 415, 422, 503) },
        },
      },
    },
  };
}
