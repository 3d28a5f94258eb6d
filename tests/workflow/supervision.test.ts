/**
 * The supervision loop inside a case: a late case stays escalated (and climbing) whoever acts on
 * it until it is decided; a task can be claimed and released; supervisor actions name only units
 * of their scope; a documents request suspends a clock only as often as the definition allows.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { notified, recordingActivities, type Recorded } from '../support/fake-activities';
import { AGENT, APPLICANT, COMMUNE, caseInput, compileYaml, SIMPLE } from '../support/procedures';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';
import { casablanca, skipTo } from '../support/time';
import { procedureCase } from '../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate, RejectionType, viewQuery, type ActRequest, type Actor, type CaseInput, type UnitChain } from '../../workflows/messages';

const TQ = 'test-supervision';
let env: TestWorkflowEnvironment;
let recorded: Recorded;
let worker: Worker;
let running: Promise<void>;

beforeEach(async () => {
  env = await timeSkippingEnv();
  const made = recordingActivities();
  recorded = made.recorded;
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue: TQ, workflowBundle: await workflowBundle(), activities: made.activities });
  running = worker.run();
});
afterEach(async () => {
  worker.shutdown();
  await running;
  await env.teardown();
});

const APPLICANT_ACTOR: Actor = { id: APPLICANT.id, roles: ['applicant'] };
const OTHER_AGENT: Actor = { id: 'agent-2', roles: ['agent', 'reviewer'], unit: COMMUNE.code };
const SUP_PROVINCE: Actor = { id: 'sup-511', roles: ['supervisor'], unit: COMMUNE.province };
const SUP_REGION: Actor = { id: 'sup-01', roles: ['supervisor'], unit: COMMUNE.region };
/** SIMPLE as an author would write it without `suspensions`: one documents request. */
const ONE_REQUEST = SIMPLE.replace(/ {4}# Tests go back.*\n {4}suspensions: \{ max: 10 \}\n/, '');

async function file(input: CaseInput = caseInput(compileYaml(SIMPLE), { data: { subject: 'garage' } })) {
  const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });
  await handle.executeUpdate(filedUpdate);
  return handle;
}
type Handle = Awaited<ReturnType<typeof file>>;

const act = (h: Handle, req: ActRequest) => h.executeUpdate(actUpdate, { args: [req] });

async function rejection(h: Handle, req: ActRequest): Promise<{ type?: string; message: string; details?: unknown[] }> {
  try {
    await act(h, req);
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return (err as WorkflowUpdateFailedError).cause as { type?: string; message: string; details?: unknown[] };
  }
  throw new Error(`expected ${req.action} by ${req.actor.id} to be rejected`);
}

/** Files a case and lets its decision deadline pass: escalated to the province. */
async function lateCase(): Promise<{ h: Handle; dueAt: string }> {
  await skipTo(env, casablanca('2027-01-04', 10));
  const h = await file();
  const dueAt = (await h.query(viewQuery)).clocks[0]?.dueAt as string;
  await skipTo(env, new Date(Date.parse(dueAt) + 3_600_000));
  const view = await h.query(viewQuery);
  expect(view.escalation).toEqual(expect.objectContaining({ level: 'province', unit: COMMUNE.province, units: [COMMUNE.province] }));
  return { h, dueAt };
}

describe('a late case stays late until decided', () => {
  it('should keep the escalation, the due date and the climb after a supervisor takes over and acts', async () => {
    const { h, dueAt } = await lateCase();
    const taken = await act(h, { action: 'escalation.take_over', actor: SUP_PROVINCE, comment: 'late' });
    expect(taken.escalation?.takenOver).toEqual({ by: SUP_PROVINCE.id, at: expect.any(String) });
    expect(taken.tasks[0]).toEqual(expect.objectContaining({ assignee: SUP_PROVINCE.id, dueAt }));

    // The supervisor acts (asks for documents), the applicant answers: the case is still late.
    await act(h, { action: 'ask_documents', actor: SUP_PROVINCE });
    const back = await act(h, { action: 'provide', actor: APPLICANT_ACTOR });
    expect(back.state).toBe('review');
    expect(back.escalation).toEqual(expect.objectContaining({ level: 'province', takenOver: expect.objectContaining({ by: SUP_PROVINCE.id }) }));
    expect(back.tasks[0]?.dueAt).toBe(dueAt);
    expect(back.clocks[0]).toEqual(expect.objectContaining({ status: 'expired', dueAt }));

    // Still undecided after the interval: it climbs to the region, the province keeps its say.
    await skipTo(env, new Date(Date.parse(back.escalation?.nextAt as string) + 60_000));
    const climbed = await h.query(viewQuery);
    expect(climbed.escalation).toEqual(
      expect.objectContaining({ level: 'region', unit: COMMUNE.region, units: [COMMUNE.province, COMMUNE.region], since: back.escalation?.since }),
    );
    expect((await notified(recorded, 'escalated', 2)).map((n) => n.vars.escalation)).toEqual([
      expect.objectContaining({ unit: COMMUNE.province }),
      expect.objectContaining({ unit: COMMUNE.region }),
    ]);

    const decided = await act(h, { action: 'escalation.decide', actor: SUP_REGION, input: { state: 'approved' }, comment: 'overdue' });
    expect(decided).toEqual(expect.objectContaining({ status: 'closed', state: 'approved' }));
    expect(decided.escalation).toBeUndefined();
    const kinds = recorded.projections.flatMap((p) => p.journal).map((j) => j.kind);
    expect(kinds.filter((k) => k === 'escalation.resolved')).toHaveLength(1);
    expect(kinds.indexOf('escalation.resolved')).toBeGreaterThan(kinds.indexOf('escalation.decide'));
  });

  it('should keep the escalation when the agent of the unit acts late and nothing gives the deadline a new period', async () => {
    const { h } = await lateCase();
    await act(h, { action: 'ask_documents', actor: AGENT });
    const back = await act(h, { action: 'provide', actor: APPLICANT_ACTOR });
    expect(back.escalation?.level).toBe('province');
    // SIMPLE's clock has no extension: nothing to extend, the escalation stays.
    expect((await rejection(h, { action: 'escalation.extend', actor: SUP_PROVINCE, comment: 'x' })).type).toBe(RejectionType.notAllowedInState);
    expect((await h.query(viewQuery)).escalation?.level).toBe('province');
    await h.terminate('test over');
  });
});

describe('claiming a task', () => {
  it('should let a holder of the task role claim it, keep others off it, and release it', async () => {
    const h = await file();
    const claimed = await act(h, { action: 'task.claim', actor: AGENT });
    expect(claimed.tasks[0]?.assignee).toBe(AGENT.id);
    expect((await rejection(h, { action: 'task.claim', actor: OTHER_AGENT })).type).toBe(RejectionType.notAllowedInState);
    expect((await rejection(h, { action: 'task.claim', actor: AGENT })).type).toBe(RejectionType.notAllowedInState);
    expect((await rejection(h, { action: 'approve', actor: OTHER_AGENT })).type).toBe(RejectionType.forbidden);
    expect((await rejection(h, { action: 'task.release', actor: OTHER_AGENT })).type).toBe(RejectionType.forbidden);
    // No supervisor has a say before the case is escalated.
    expect((await rejection(h, { action: 'task.release', actor: SUP_PROVINCE })).type).toBe(RejectionType.forbidden);
    const released = await act(h, { action: 'task.release', actor: AGENT });
    expect(released.tasks[0]?.assignee).toBeUndefined();
    expect((await act(h, { action: 'approve', actor: OTHER_AGENT })).state).toBe('approved');
    const journal = recorded.projections.flatMap((p) => p.journal);
    expect(journal.filter((j) => j.kind.startsWith('task.')).map((j) => [j.kind, j.actor.id])).toEqual([
      ['task.claim', AGENT.id],
      ['task.release', AGENT.id],
    ]);
  });

  it('should refuse a claim by staff without the task role or of another unit, and when there is no task', async () => {
    const h = await file();
    const outsiders: Actor[] = [
      { id: 'clerk', roles: ['agent'], unit: COMMUNE.code },
      { id: 'far', roles: ['agent', 'reviewer'], unit: '01.511.01.02' },
      SUP_PROVINCE,
      APPLICANT_ACTOR,
    ];
    for (const actor of outsiders) expect((await rejection(h, { action: 'task.claim', actor })).type).toBe(RejectionType.forbidden);
    await act(h, { action: 'ask_documents', actor: AGENT });
    expect((await rejection(h, { action: 'task.claim', actor: AGENT })).type).toBe(RejectionType.notAllowedInState);
    await h.terminate('test over');
  });
});

describe('scope of supervisor actions', () => {
  const chain = (code: string, province?: string): UnitChain => ({ code, ...(province ? { province } : {}), region: '01', ministry: 'DGCT' });

  it('should reassign only to a known unit inside the supervisor unit', async () => {
    const { h } = await lateCase();
    const reassign = (unit: string, units?: Record<string, UnitChain>): ActRequest => ({
      action: 'escalation.reassign',
      actor: SUP_PROVINCE,
      input: { unit },
      comment: 'workload',
      ...(units ? { units } : {}),
    });
    const unknown = await rejection(h, reassign('99.999'));
    expect(unknown).toEqual(expect.objectContaining({ type: RejectionType.invalidInput, details: [[expect.objectContaining({ path: 'unit' })]] }));
    // The API resolved another code than the one named: refused as unknown too.
    expect((await rejection(h, reassign('01.511.01.02', { unit: chain('01.511.01.03', '01.511') }))).type).toBe(RejectionType.invalidInput);
    expect((await rejection(h, reassign('01.521.01.01', { unit: chain('01.521.01.01', '01.521') }))).type).toBe(RejectionType.forbidden);
    expect((await rejection(h, reassign('01', { unit: { code: '01', ministry: 'DGCT' } }))).type).toBe(RejectionType.forbidden);
    const moved = await act(h, reassign('01.511.01.02', { unit: chain('01.511.01.02', '01.511') }));
    expect(moved.tasks[0]?.unit).toBe('01.511.01.02');
    await h.terminate('test over');
  });
});

describe('suspension limit', () => {
  it('should let a documents request suspend the deadline once by default, then refuse with the count', async () => {
    const h = await file(caseInput(compileYaml(ONE_REQUEST), { data: { subject: 'garage' } }));
    await act(h, { action: 'ask_documents', actor: AGENT });
    const back = await act(h, { action: 'provide', actor: APPLICANT_ACTOR });
    expect(back.clocks[0]?.status).toBe('running');
    const refused = await rejection(h, { action: 'ask_documents', actor: AGENT });
    expect(refused.type).toBe(RejectionType.notAllowedInState);
    expect(refused.message).toMatch(/already suspended 1 time\(s\).*allows 1/);
    expect((await act(h, { action: 'approve', actor: AGENT })).state).toBe('approved');
  });

  it('should allow as many requests as `suspensions.max` says', async () => {
    const h = await file(caseInput(compileYaml(ONE_REQUEST.replace('onExpiry: { escalate: true }', 'suspensions: { max: 2 }\n    onExpiry: { escalate: true }'))));
    for (let i = 0; i < 2; i++) {
      await act(h, { action: 'ask_documents', actor: AGENT });
      await act(h, { action: 'provide', actor: APPLICANT_ACTOR });
    }
    expect((await rejection(h, { action: 'ask_documents', actor: AGENT })).message).toMatch(/suspended 2 time\(s\).*allows 2/);
    await h.terminate('test over');
  });
});
