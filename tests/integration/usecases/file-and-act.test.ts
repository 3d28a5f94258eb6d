/**
 * Filing and acting as use cases, without HTTP: the real Temporal dev server, the real case
 * workflow and worker, the real projection into PostgreSQL. What a console or the CLI gets when it
 * calls the same use cases as the API: typed results, and refusals as `UseCaseError` kinds.
 */
import { createDirectory } from '../../../db/directory';
import { createCaseEngine } from '../../../usecases/case-engine';
import type { UseCaseDeps } from '../../../usecases/deps';
import { recordUpload } from '../../support/documents';
import { actOnCase } from '../../../usecases/act';
import { UseCaseError, type UseCaseErrorKind } from '../../../usecases/errors';
import { fileCase, requestHash, type FileCaseInput, type FileCaseOptions } from '../../../usecases/file-case';
import type { Principal } from '../../../usecases/principal';
import { readCase } from '../../../usecases/read-cases';
import { ASSILAH, CALLERS, startHarness, TANGER, type CallerName, type Harness } from '../api/api-harness';

let h: Harness;
let deps: UseCaseDeps;
beforeAll(async () => {
  h = await startHarness({ worker: true, taskQueue: `usecases-${Date.now()}` });
  deps = {
    db: h.t.db,
    engine: createCaseEngine(h.client, { taskQueue: h.taskQueue, timeoutMs: 10_000 }),
    directory: createDirectory(h.t.db),
    now: () => new Date(),
  };
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const as = (who: CallerName): Principal => ({ lang: 'fr', ...CALLERS[who] });
const options: FileCaseOptions = { calendarId: 'ma-administration', firstViewTimeoutMs: 15_000 };
const filing = (over: Partial<FileCaseInput> = {}): FileCaseInput => ({
  procedure: 'acces-information',
  unit: TANGER,
  data: { subject: 'Budget communal 2025', format: 'electronic' },
  ...over,
});

/** The kind and fields of the `UseCaseError` a call throws. */
async function refusal(call: () => Promise<unknown>): Promise<{ kind: UseCaseErrorKind; code: string; paths: string[] }> {
  try {
    await call();
  } catch (err) {
    if (!(err instanceof UseCaseError)) throw err;
    return { kind: err.kind, code: err.code, paths: (err.fields ?? []).map((f) => f.path) };
  }
  throw new Error('expected a UseCaseError, got a result');
}

describe('fileCase and actOnCase', () => {
  it('should file for an applicant, let the agent act, and refuse any action once closed', async () => {
    const filed = await fileCase(deps, as('applicant'), filing(), options);
    expect(filed.replayed).toBe(false);
    expect(filed.record?.view).toMatchObject({ state: 'received', status: 'open' });
    expect(filed.record?.facts.applicant).toMatchObject({ id: 'citizen-1', email: 'amina@example.ma' });

    const review = await actOnCase(deps, as('agent'), filed.caseId, { action: 'start_review' }, `u-${filed.caseId}-1`);
    expect(review.view.state).toBe('review');
    expect(review.access.personal).toBe(true);
    const answer = await actOnCase(deps, as('agent'), filed.caseId, { action: 'answer', input: { document: await recordUpload(deps.db, as('agent').sub) } }, `u-${filed.caseId}-2`);
    expect(answer.view).toMatchObject({ state: 'answered', status: 'closed' });

    // Once the read model shows it closed, the use case refuses before asking the workflow.
    const deadline = Date.now() + 20_000;
    while ((await readCase(deps, as('applicant'), filed.caseId)).record.view.status !== 'closed') {
      if (Date.now() > deadline) throw new Error('the closed case was not projected in time');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await refusal(() => actOnCase(deps, as('agent'), filed.caseId, { action: 'answer' }, 'late'))).toMatchObject({ kind: 'conflict', code: 'case-closed' });
  });

  it('should pass on the workflow refusals as kinds: not allowed here, not yours, bad input', async () => {
    const filed = await fileCase(deps, as('applicant'), filing({ data: { subject: 'Marchés 2024', format: 'paper' } }), options);
    const act = (who: CallerName, action: string, input?: Record<string, unknown>) =>
      refusal(() => actOnCase(deps, as(who), filed.caseId, { action, ...(input ? { input } : {}) }, `${who}-${action}-${Date.now()}`));
    expect(await act('agent', 'answer')).toMatchObject({ kind: 'conflict', code: 'action-not-allowed-in-state' });
    expect(await act('applicant', 'start_review')).toMatchObject({ kind: 'forbidden' });
    expect(await act('agentAssilah', 'start_review')).toMatchObject({ kind: 'forbidden' });
    expect(await act('otherApplicant', 'start_review')).toMatchObject({ kind: 'not-found' });
    expect(await act('admin', 'start_review')).toMatchObject({ kind: 'forbidden' });
    await actOnCase(deps, as('agent'), filed.caseId, { action: 'start_review' }, `ok-${filed.caseId}`);
    expect(await act('agent', 'refuse', { ground: 'not-a-ground' })).toMatchObject({ kind: 'invalid', code: 'invalid-action-input' });
  });

  it('should replay a filing retried with the same key, and refuse the key with another request', async () => {
    const key = `k-${Date.now()}`;
    const input = filing({ data: { subject: 'Plan d’aménagement', format: 'electronic' } });
    const first = await fileCase(deps, as('applicant'), input, { ...options, idempotency: { key, requestHash: requestHash(input) } });
    const again = await fileCase(deps, as('applicant'), input, { ...options, idempotency: { key, requestHash: requestHash(input) } });
    expect(again).toMatchObject({ caseId: first.caseId, reference: first.reference, replayed: true });
    const other = filing({ data: { subject: 'Autre', format: 'electronic' } });
    expect(await refusal(() => fileCase(deps, as('applicant'), other, { ...options, idempotency: { key, requestHash: requestHash(other) } }))).toMatchObject({
      kind: 'conflict',
      code: 'idempotency-key-reused',
    });
  });

  it.each<[string, CallerName, Partial<FileCaseInput>, UseCaseErrorKind, string[]]>([
    ['an admin', 'admin', {}, 'forbidden', []],
    ['an agent without the applicant', 'agent', {}, 'invalid', ['applicant']],
    ['an agent at another unit', 'agentAssilah', { applicant: { id: 'w', name: 'W', language: 'fr' } }, 'forbidden', []],
    ['an applicant for someone else', 'applicant', { applicant: { id: 'someone-else', name: 'S', language: 'fr' } }, 'forbidden', []],
    ['an unknown procedure', 'applicant', { procedure: 'permis-de-voler' }, 'invalid', ['procedure']],
    ['an unknown version', 'applicant', { version: 9 }, 'invalid', ['version']],
    ['an unknown unit', 'applicant', { unit: '99.999.99.99' }, 'invalid', ['unit']],
    ['data missing a required field', 'applicant', { data: { format: 'paper' } }, 'invalid', ['data.subject']],
    ['data with a bad choice', 'applicant', { data: { subject: 'x', format: 'pigeon' } }, 'invalid', ['data.format']],
  ])('should refuse filing (%s) before starting anything', async (_what, who, over, kind, paths) => {
    const before = Number((await h.t.db.query<{ n: string }>('SELECT last_value AS n FROM case_reference_seq')).rows[0]?.n);
    const refused = await refusal(() => fileCase(deps, as(who), filing(over), options));
    expect(refused.kind).toBe(kind);
    expect(refused.paths).toEqual(paths);
    const after = Number((await h.t.db.query<{ n: string }>('SELECT last_value AS n FROM case_reference_seq')).rows[0]?.n);
    expect(after).toBe(before);
  });

  it('should let an agent file at their own counter for a walk-in applicant', async () => {
    const filed = await fileCase(deps, as('agentAssilah'), filing({ unit: ASSILAH, applicant: { id: 'walk-in-9', name: 'Khadija', language: 'ar' } }), options);
    expect(filed.record?.facts).toMatchObject({ applicant: { id: 'walk-in-9', language: 'ar' }, filedBy: { id: 'agent-assilah' } });
  });
});
