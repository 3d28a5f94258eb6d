import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { recordingActivities } from '../support/fake-activities';
import { AGENT, caseInput, compileYaml, SIMPLE, APPLICANT } from '../support/procedures';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';
import { procedureCase } from '../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate, RejectionType, viewQuery, type ActRequest } from '../../workflows/messages';

const TQ = 'test-engine';
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

async function withWorker<T>(fn: (rec: ReturnType<typeof recordingActivities>['recorded']) => Promise<T>): Promise<T> {
  const { activities, recorded } = recordingActivities();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TQ,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(fn(recorded));
}

async function start(input = caseInput(compileYaml(SIMPLE), { data: { subject: 'garage' } })) {
  const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });
  await handle.executeUpdate(filedUpdate);
  return handle;
}

async function rejection(promise: Promise<unknown>): Promise<{ type?: string; message: string; details?: unknown[] }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string; details?: unknown[] };
    return cause;
  }
  throw new Error('expected the update to be rejected');
}

describe('procedureCase', () => {
  it('should run a case from filing to a final state through agent actions', async () => {
    await withWorker(async (rec) => {
      const handle = await start();
      const filed = await handle.query(viewQuery);
      expect(filed.state).toBe('review');
      expect(filed.tasks).toEqual([expect.objectContaining({ role: 'reviewer', unit: AGENT.unit })]);
      expect(filed.clocks[0]).toEqual(expect.objectContaining({ name: 'decision', status: 'running' }));

      const after = await handle.executeUpdate(actUpdate, {
        args: [{ action: 'refuse', actor: AGENT, input: { ground: 'incomplete', details: 'plan manquant' } }],
      });
      expect(after).toEqual(expect.objectContaining({ state: 'refused', status: 'closed', outcome: 'refused', tasks: [] }));
      const result = await handle.result();
      expect(result).toEqual(expect.objectContaining({ state: 'refused', outcome: 'refused' }));
      expect(rec.notifications.map((n) => n.template)).toEqual(expect.arrayContaining(['receipt', 'decision']));
      const journal = rec.projections.flatMap((p) => p.journal);
      expect(journal.map((j) => j.sequence)).toEqual(journal.map((_, i) => i + 1));
      expect(journal.find((j) => j.kind === 'refuse')).toEqual(
        expect.objectContaining({ fromState: 'review', toState: 'refused', actor: expect.objectContaining({ id: AGENT.id }) }),
      );
    });
  });

  it('should reject actions that are not allowed, with typed errors and no trace in history', async () => {
    await withWorker(async () => {
      const handle = await start();
      const attempts: [ActRequest, string][] = [
        [{ action: 'provide', actor: { id: APPLICANT.id, roles: ['applicant'] } }, RejectionType.notAllowedInState],
        [{ action: 'approve', actor: { id: 'x', roles: ['agent'], unit: AGENT.unit } }, RejectionType.forbidden],
        [{ action: 'approve', actor: { ...AGENT, unit: '01.511.01.02' } }, RejectionType.forbidden],
        [{ action: 'refuse', actor: AGENT, input: { ground: 'nope' } }, RejectionType.invalidInput],
      ];
      for (const [req, type] of attempts) {
        const failure = await rejection(handle.executeUpdate(actUpdate, { args: [req] }));
        expect(failure.type).toBe(type);
      }
      const invalid = await rejection(handle.executeUpdate(actUpdate, { args: [{ action: 'refuse', actor: AGENT, input: { ground: 'nope' } }] }));
      expect(invalid.details?.[0]).toEqual([
        { path: 'ground', message: 'must be one of "incomplete", "out_of_scope", got "nope"' },
        { path: 'details', message: 'is required' },
      ]);
      const history = await handle.fetchHistory();
      const updateEvents = (history.events ?? []).filter(
        (e) =>
          e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED &&
          e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'act',
      );
      expect(updateEvents).toHaveLength(0);
      expect((await handle.query(viewQuery)).state).toBe('review');
      await handle.terminate('test over');
    });
  });

  it('should apply the same update id once', async () => {
    await withWorker(async (rec) => {
      const handle = await start();
      const req: ActRequest = { action: 'ask_documents', actor: AGENT };
      const first = await handle.executeUpdate(actUpdate, { args: [req], updateId: 'req-42' });
      const second = await handle.executeUpdate(actUpdate, { args: [req], updateId: 'req-42' });
      expect(second).toEqual(first);
      expect(first.state).toBe('waiting_documents');
      const kinds = rec.projections.flatMap((p) => p.journal).map((j) => j.kind);
      expect(kinds.filter((k) => k === 'ask_documents')).toHaveLength(1);
      await handle.terminate('test over');
    });
  });

  it('should continue as new when history grows, keeping state, clocks and applied update ids', async () => {
    await withWorker(async (rec) => {
      const input = caseInput(compileYaml(SIMPLE), { data: { subject: 'garage' }, tuning: { continueAsNewAfterEvents: 40 } });
      const handle = await start(input);
      const firstRun = (await handle.describe()).runId;
      const ask = await handle.executeUpdate(actUpdate, { args: [{ action: 'ask_documents', actor: AGENT }], updateId: 'ask-1' });
      for (let i = 0; i < 6; i++) {
        await handle.executeUpdate(actUpdate, { args: [{ action: 'provide', actor: { id: APPLICANT.id, roles: ['applicant'] } }] });
        await handle.executeUpdate(actUpdate, { args: [{ action: 'ask_documents', actor: AGENT }] });
      }
      const description = await handle.describe();
      expect(description.runId).not.toBe(firstRun);
      // The update id applied in the first run is still known: answered again, not applied again.
      const again = await handle.executeUpdate(actUpdate, { args: [{ action: 'ask_documents', actor: AGENT }], updateId: 'ask-1' });
      expect(again).toEqual(ask);
      const view = await handle.query(viewQuery);
      expect(view.state).toBe('waiting_documents');
      expect(view.clocks[0]).toEqual(expect.objectContaining({ name: 'decision', status: 'suspended' }));
      const journal = rec.projections.flatMap((p) => p.journal);
      expect(journal.map((j) => j.sequence)).toEqual(journal.map((_, i) => i + 1));
      expect(journal.filter((j) => j.kind === 'ask_documents')).toHaveLength(7);
      await handle.terminate('test over');
    });
  });

  it('should finish a case on the version it started with after a new version is published', async () => {
    await withWorker(async () => {
      const v1 = compileYaml(SIMPLE);
      // Version 2 adds a signature step between approval and the permit.
      const v2 = compileYaml(
        SIMPLE.replace('version: 1', 'version: 2')
          .replace('to: approved', 'to: signing')
          .replace(
            'states:\n',
            'states:\n  signing:\n    kind: task\n    label: { fr: Signature, ar: توقيع }\n    task: { role: reviewer }\n    actions:\n      sign: { label: { fr: Signer, ar: وقع }, by: [reviewer], to: approved }\n',
          ),
      );
      expect(v2.hash).not.toBe(v1.hash);
      const onV1 = await start(caseInput(v1));
      const onV2 = await start(caseInput(v2));
      const a = await onV1.executeUpdate(actUpdate, { args: [{ action: 'approve', actor: AGENT }] });
      const b = await onV2.executeUpdate(actUpdate, { args: [{ action: 'approve', actor: AGENT }] });
      expect(a).toEqual(expect.objectContaining({ state: 'approved', procedure: expect.objectContaining({ version: 1, hash: v1.hash }) }));
      expect(b).toEqual(expect.objectContaining({ state: 'signing', procedure: expect.objectContaining({ version: 2, hash: v2.hash }) }));
      expect(await onV1.result()).toEqual(expect.objectContaining({ outcome: 'approved' }));
    });
  });
});
