/**
 * A case whose step fails permanently (its projection, or its clock arithmetic) does not loop and
 * does not fail: it records itself for administrators, keeps answering queries, refuses actions,
 * and carries on when an administrator asks for a retry after fixing the cause.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { PermanentFailureType } from '../../activities/failures';
import type { MasarActivities } from '../../activities/types';
import { procedureCase } from '../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate, RejectionType, retryAttentionSignal, viewQuery } from '../../workflows/messages';
import { recordingActivities } from '../support/fake-activities';
import { AGENT, caseInput, compileYaml, SIMPLE } from '../support/procedures';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';

const TQ = 'test-attention';
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

/** The recording activities, with `project` or `computeDue` failing permanently while `broken.on`. */
function brokenActivities(which: 'project' | 'computeDue') {
  const { activities, recorded } = recordingActivities();
  const broken = { on: true, calls: 0 };
  const failing: MasarActivities = {
    ...activities,
    [which]: async (input: never) => {
      broken.calls += 1;
      if (broken.on) {
        throw ApplicationFailure.nonRetryable('PostgreSQL 22P05: unsupported Unicode escape sequence', PermanentFailureType.database);
      }
      return (activities[which] as (i: never) => Promise<unknown>)(input);
    },
  };
  return { activities: failing, recorded, broken };
}

async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(['project', 'computeDue'] as const)('a case whose %s fails permanently', (which) => {
  it('should record itself for administrators, answer queries, refuse actions, and carry on after a retry', async () => {
    const { activities, recorded, broken } = brokenActivities(which);
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: TQ, workflowBundle: await workflowBundle(), activities });
    await worker.runUntil(async () => {
      const input = caseInput(compileYaml(SIMPLE), { data: { subject: 'garage' } });
      const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });

      // The filing answers (the API's 2xx) instead of hanging, and the failure is recorded once.
      const filed = await handle.executeUpdate(filedUpdate);
      expect(filed.caseId).toBe(input.caseId);
      await waitFor(() => recorded.attention.length === 1, 'the attention record');
      expect(recorded.attention[0]).toEqual(
        expect.objectContaining({ caseId: input.caseId, reference: input.reference, procedureId: input.procedure.id, unit: input.unit.code, step: 'filing', errorType: PermanentFailureType.database }),
      );
      expect(recorded.attention[0]?.error).toMatch(/22P05/);
      const callsWhenParked = broken.calls;

      // Parked: no retry loop, queries answer, actions are refused with a typed failure.
      await env.sleep('1 day');
      expect(broken.calls).toBe(callsWhenParked);
      expect((await handle.query(viewQuery)).caseId).toBe(input.caseId);
      const refused = await handle.executeUpdate(actUpdate, { args: [{ action: 'approve', actor: AGENT }] }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(RejectionType.needsAttention);

      if (which === 'project') {
        // A retry while the projection still fails records the case again, and parks again.
        await handle.signal(retryAttentionSignal);
        await waitFor(() => recorded.attention.length === 2, 'the second attention record');
        expect(recorded.attention[1]).toEqual(expect.objectContaining({ step: 'filing', error: expect.stringMatching(/22P05/) }));
      }

      // The administrator fixes the cause and retries: the case is projected and goes on.
      broken.on = false;
      const before = recorded.attention.length;
      await handle.signal(retryAttentionSignal);
      await waitFor(() => recorded.attention.length === before + 1, 'the resolution');
      expect(recorded.attention[before]).toEqual(expect.objectContaining({ caseId: input.caseId, step: 'filing' }));
      expect(recorded.attention[before]?.error).toBeUndefined();
      const journal = recorded.projections.flatMap((p) => p.journal);
      expect(journal.map((j) => j.sequence)).toEqual(journal.map((_, i) => i + 1));
      const after = await handle.executeUpdate(actUpdate, { args: [{ action: 'ask_documents', actor: AGENT }] });
      expect(after.state).toBe('waiting_documents');
      await handle.terminate('test over');
    });
  });
});
