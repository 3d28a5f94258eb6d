/**
 * Payload encryption end to end: a case filed and decided through the API, with the codec in the
 * API's client and the worker, leaves no applicant name, e-mail, ID number or request text in the
 * history Temporal stores (read through the raw gRPC API, as the Web UI or anyone with access to
 * Temporal's database would), while the API answers as before. The codec endpoint turns the same
 * history back into clear text for an administrator, from the configured Web UI origin only.
 */
import { randomBytes } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import request from 'supertest';
import { EncryptionCodec, ENCRYPTED_ENCODING, parsePayloadKeys } from '../../../config/payload-codec';
import { publishProcedure } from '../../../db/procedures';
import { caseWorkflowId } from '../../../workflows/messages';
import { startHarness, TANGER, type CallerName, type Harness } from '../api/api-harness';
import { compileYaml } from '../../support/procedures';

const UI_ORIGIN = 'http://127.0.0.1:8233';
/** A procedure collecting what law 09-08 protects: an ID number and free text. */
const ID_PROCEDURE = `
id: attestation-test
version: 1
title: { fr: Attestation, ar: شهادة }
legalBasis: [{ law: Test }]
input:
  cin: { type: text, label: { fr: CIN, ar: ب.ت.و }, required: true, maxLength: 20 }
  request: { type: text, label: { fr: Demande, ar: الطلب }, required: true, maxLength: 2000 }
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: agent }
    actions:
      issue: { label: { fr: Délivrer, ar: تسليم }, by: [agent], to: issued }
  issued: { kind: final, outcome: approved, label: { fr: Délivrée, ar: مسلمة } }
`;

let h: Harness;
const codec = new EncryptionCodec(parsePayloadKeys(`old:${randomBytes(32).toString('hex')},k2:${randomBytes(32).toString('base64')}`, 'test keys'));
beforeAll(async () => {
  h = await startHarness({ worker: true, taskQueue: `encrypted-${Date.now()}`, codec, codecUiOrigin: UI_ORIGIN });
  await publishProcedure(h.t.db, compileYaml(ID_PROCEDURE), ID_PROCEDURE, 'system');
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const as = async (who: CallerName) => `Bearer ${await h.token(who)}`;

async function rawHistory(caseId: string): Promise<temporal.api.history.v1.IHistory> {
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await h.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: caseWorkflowId(caseId) },
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { events };
}

/** Every payload of a history, wherever it sits in the events. */
function payloadsOf(value: unknown, out: temporal.api.common.v1.IPayload[] = []): temporal.api.common.v1.IPayload[] {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return out;
  if (Array.isArray(value)) {
    for (const v of value) payloadsOf(v, out);
    return out;
  }
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.payloads)) out.push(...(record.payloads as temporal.api.common.v1.IPayload[]));
  for (const [key, v] of Object.entries(record)) if (key !== 'payloads') payloadsOf(v, out);
  return out;
}

async function fileAndDecide(personal: { cin: string; request: string }): Promise<string> {
  const filed = await request(h.app)
    .post('/api/v1/cases')
    .set('Authorization', await as('applicant'))
    .send({ procedure: 'attestation-test', unit: TANGER, data: personal });
  expect(filed.status).toBe(201);
  const caseId: string = filed.body.caseId;
  const issued = await request(h.app).post(`/api/v1/cases/${caseId}/actions`).set('Authorization', await as('agent')).send({ action: 'issue' });
  expect(issued.body).toMatchObject({ state: 'issued', status: 'closed' });
  return caseId;
}

describe('payload encryption', () => {
  it('should keep the applicant\'s name, e-mail, ID number and request out of the stored history while the API works as before', async () => {
    const personal = { cin: `AB${randomBytes(3).readUIntBE(0, 3)}`, request: `Attestation pour le dossier ${randomBytes(6).toString('hex')} de ma famille` };
    const caseId = await fileAndDecide(personal);

    // The API, through the codec: the workflow's own view and the read model both answer in clear.
    const consistent = await request(h.app).get(`/api/v1/cases/${caseId}?consistent=true`).set('Authorization', await as('applicant'));
    expect(consistent.status).toBe(200);
    expect(consistent.body).toMatchObject({ data: personal, applicant: { name: 'Amina Benali', email: 'amina@example.ma' } });

    const history = await rawHistory(caseId);
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    const secrets = [personal.cin, personal.request, 'Amina Benali', 'amina@example.ma'];
    for (const secret of secrets) expect({ secret, found: bytes.includes(Buffer.from(secret, 'utf8')) }).toEqual({ secret, found: false });

    // Every payload is sealed under the newest key, but the bookkeeping the SDK's core writes in
    // markers itself (a patch's name; a local activity's type, attempt and times: code, not data);
    // decoded, the same history does hold the data (the search above looked where it would be).
    const CORE_DETAILS: Record<string, string> = { core_patch: 'patch-data', core_local_activity: 'data' };
    const payloads: temporal.api.common.v1.IPayload[] = [];
    for (const e of history.events ?? []) {
      const marker = e.markerRecordedEventAttributes;
      if (!marker) payloads.push(...payloadsOf(e));
      else for (const [key, details] of Object.entries(marker.details ?? {})) if (CORE_DETAILS[marker.markerName ?? ''] !== key) payloads.push(...payloadsOf(details));
    }
    for (const p of payloads) {
      expect(Buffer.from(p.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
      expect(Buffer.from(p.metadata?.['encryption-key-id'] ?? []).toString()).toBe('k2');
    }
    const clear = Buffer.concat((await codec.decode(payloads)).map((p) => Buffer.from(p.data ?? [])));
    for (const secret of secrets) expect(clear.includes(Buffer.from(secret, 'utf8'))).toBe(true);
  });

  describe('the codec endpoint for the Temporal Web UI', () => {
    const toJson = (p: temporal.api.common.v1.IPayload) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? []).toString('base64'),
    });

    it('should decode a history\'s payloads for an administrator calling from the configured UI origin', async () => {
      const personal = { cin: `CD${randomBytes(3).readUIntBE(0, 3)}`, request: `Demande ${randomBytes(6).toString('hex')}` };
      const caseId = await fileAndDecide(personal);
      const payloads = payloadsOf((await rawHistory(caseId)).events).map(toJson);
      const preflight = await request(h.app).options('/api/v1/codec/decode').set('Origin', UI_ORIGIN).set('Access-Control-Request-Method', 'POST');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
      expect(preflight.headers['access-control-allow-headers']).toContain('authorization');

      const res = await request(h.app).post('/api/v1/codec/decode').set('Origin', UI_ORIGIN).set('Authorization', await as('admin')).send({ payloads });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
      const text = res.body.payloads.map((p: { data: string }) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');
      expect(text).toContain(personal.cin);
      expect(text).toContain(personal.request);
      // The decryption is in the access log, by whom and how many payloads.
      const log = await request(h.app).get('/api/v1/access-log?actor=admin-1').set('Authorization', await as('admin'));
      expect(log.body.items[0]).toMatchObject({ what: 'payloads', transport: 'api', route: `POST /api/v1/codec/decode (${payloads.length} payloads)`, actor: { id: 'admin-1' } });
      expect(log.body.items[0].caseId).toBeUndefined();

      // What the UI sends for a signal comes back sealed, and decodes to itself.
      const clear = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"bonjour"').toString('base64') };
      const encoded = await request(h.app).post('/api/v1/codec/encode').set('Authorization', await as('admin')).send({ payloads: [clear] });
      expect(encoded.status).toBe(200);
      expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
      const back = await request(h.app).post('/api/v1/codec/decode').set('Authorization', await as('admin')).send(encoded.body);
      expect(back.body.payloads).toEqual([clear]);
    });

    it.each<[string, CallerName | undefined, string | undefined, number]>([
      ['no token', undefined, UI_ORIGIN, 401],
      ['an applicant', 'applicant', UI_ORIGIN, 403],
      ['an agent', 'agent', UI_ORIGIN, 403],
      ['a supervisor', 'supervisorRegion', undefined, 403],
      ['an administrator from another origin', 'admin', 'https://evil.example', 403],
      ['an administrator from the UI host on another port', 'admin', 'http://127.0.0.1:8234', 403],
    ])('should refuse %s', async (_what, who, origin, status) => {
      const req = request(h.app).post('/api/v1/codec/decode');
      if (who) req.set('Authorization', await as(who));
      if (origin) req.set('Origin', origin);
      const res = await req.send({ payloads: [] });
      expect(res.status).toBe(status);
      expect(res.type).toBe('application/problem+json');
      // The UI may read why it was refused; any other origin gets no grant at all.
      expect(res.headers['access-control-allow-origin']).toBe(origin === UI_ORIGIN ? UI_ORIGIN : undefined);
    });

    it('should refuse a preflight from another origin', async () => {
      const res = await request(h.app).options('/api/v1/codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it.each([
      ['an altered ciphertext', async () => {
        const [sealed] = await codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') }]);
        const data = Buffer.from(sealed?.data ?? []);
        data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 1;
        return { payloads: [toJson({ ...sealed, data })] };
      }],
      ['a key id nobody has', async () => {
        const [sealed] = await codec.encode([{ metadata: {}, data: Buffer.from('"x"') }]);
        return { payloads: [toJson({ ...sealed, metadata: { ...sealed?.metadata, 'encryption-key-id': Buffer.from('gone') } })] };
      }],
      ['data that is not base64', async () => ({ payloads: [{ data: 'not base64!' }] })],
      ['an unknown field', async () => ({ payloads: [], extra: 1 })],
      ['no payloads list', async () => ({ payload: [] })],
    ])('should answer %s with 4xx problem+json', async (_what, make) => {
      const res = await request(h.app).post('/api/v1/codec/decode').set('Authorization', await as('admin')).send(await make());
      expect([400, 422]).toContain(res.status);
      expect(res.type).toBe('application/problem+json');
    });
  });
});
