/**
 * The fuzz tier: a bounded, seeded, schema-driven run over every operation of the OpenAPI
 * document, as an applicant, an agent, an administrator and nobody, against the real app, worker,
 * Temporal dev server and PostgreSQL. Whatever it sends, the API answers no 5xx, and every answer
 * is one the document declares for that operation, with a body matching the declared schema.
 *
 * Bounded to `FUZZ_REQUESTS` requests (default 800, about a minute on 2 cores); `FUZZ_SEED` replays
 * a run. A failure lists the request (method, url, body) and what was wrong with the answer.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { openApiDocument } from '../../../api/openapi';
import { readSealKey } from '../../../documents/pdf/seal';
import { selfSignedSeal } from '../../../documents/seal-files';
import { random } from '../../support/hostile';
import { fuzzRequest, operations, type FuzzRequest, type Known } from '../../support/openapi-fuzz';
import { shippedSource, startHarness, TANGER, type CallerName, type Harness } from './api-harness';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 800);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const ROLES: (CallerName | undefined)[] = ['applicant', 'agent', 'admin', undefined];

type Json = Record<string, unknown>;

let h: Harness;
beforeAll(async () => {
  // Sealed PDFs are issued too: their routes are fuzzed like every other.
  const pair = selfSignedSeal('Masar fuzz seal');
  h = await startHarness({ worker: true, taskQueue: `fuzz-${Date.now()}`, sealed: { seal: readSealKey(pair.certPem, pair.keyPem), publicUrl: 'https://masar.example.ma' } });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** Compiles the response schemas of the document once, `$ref`s resolved against its components. */
function validators(doc: Json): (schema: Json) => ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'masar-openapi', components: doc.components }, 'masar-openapi');
  const cache = new Map<Json, ValidateFunction>();
  return (schema) => {
    let v = cache.get(schema);
    if (!v) {
      const text = JSON.stringify(schema).replace(/"#\/components\//g, '"masar-openapi#/components/');
      v = ajv.compile(JSON.parse(text) as Json);
      cache.set(schema, v);
    }
    return v;
  };
}

function send(req: FuzzRequest, who: CallerName | undefined, token: string | undefined) {
  const m = req.method as 'get' | 'post';
  let r = request(h.app)[m](req.url);
  if (who && token) r = r.set('Authorization', `Bearer ${token}`);
  if (req.contentType) r = r.set('Content-Type', req.contentType);
  return req.body !== undefined ? r.send(req.body) : r;
}

describe('schema-driven fuzzing of the OpenAPI document', () => {
  it(`should answer ${REQUESTS} generated requests with no 5xx and nothing outside the document (seed ${SEED})`, async () => {
    const doc = openApiDocument();
    const validator = validators(doc);
    const tokens = Object.fromEntries(await Promise.all(ROLES.filter(Boolean).map(async (w) => [w, await h.token(w as CallerName)])));

    // One real case, so that case routes reach the read model and the workflow.
    const filed = await request(h.app)
      .post('/api/v1/cases')
      .set('Authorization', `Bearer ${tokens.applicant}`)
      .send({ procedure: 'acces-information', unit: TANGER, data: { subject: 'Budget', format: 'electronic' } });
    expect([201, 202]).toContain(filed.status);
    const known: Known = {
      id: [filed.body.caseId, 'acces-information', 'ma-administration'],
      procedure: ['acces-information'],
      unit: [TANGER],
      action: ['escalation.reassign', 'ask_clarification', 'answer', 'refuse'],
      yaml: [shippedSource('acces-information')],
    };

    const r = random(SEED);
    const ops = operations(doc);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS && problems.length < 10; i++) {
      const operation = ops[i % ops.length] as (typeof ops)[number];
      const who = r.pick(ROLES);
      const req = fuzzRequest(r, doc, operation, known);
      const res = await send(req, who, who ? tokens[who] : undefined);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const where = `${req.method.toUpperCase()} ${req.url.slice(0, 300)} as ${who ?? 'nobody'}${req.body ? ` body ${req.body.slice(0, 300)}` : ''}`;
      if (res.status >= 500) {
        problems.push(`${where}: ${res.status} ${JSON.stringify(res.body)}`);
        continue;
      }
      const declared = (operation.op.responses as Record<string, Json>)[String(res.status)];
      if (!declared) {
        problems.push(`${where}: status ${res.status} is not documented for ${operation.method} ${operation.path}`);
        continue;
      }
      const content = declared.content as Record<string, Json> | undefined;
      if (!content) continue;
      const type = res.type;
      const media = content[type];
      if (!media) {
        problems.push(`${where}: ${res.status} answered ${type}, documented ${Object.keys(content).join(', ')}`);
        continue;
      }
      if (type.endsWith('json') && media.schema) {
        const v = validator(media.schema as Json);
        if (!v(res.body)) problems.push(`${where}: ${res.status} body outside the schema: ${JSON.stringify(v.errors?.slice(0, 2))}`);
      }
    }
    if (problems.length > 0) throw new Error(`seed ${SEED}:\n${problems.join('\n')}`);
    // The run exercised both sides: answers that passed validation and refusals.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
  }, 300_000);
});
