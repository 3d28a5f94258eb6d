/**
 * What the case workflow hands its messages (issue 12.3, 12.4, 12.5), on the time-skipping server
 * with the real clock arithmetic: the applicant's own deadline when the case waits for them, the
 * deciding action's input in words, and a message that reached nobody journaled at once.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { NotifyInput } from '../../activities/types';
import { notified, recordingActivities } from '../support/fake-activities';
import { AGENT, caseInput, compileYaml, SIMPLE } from '../support/procedures';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';
import { procedureCase } from '../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate } from '../../workflows/messages';

const TQ = 'test-case-messages';
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

// SIMPLE with a timeout on the waiting state, and messages for a task and a documents request.
const PROCEDURE = compileYaml(
  SIMPLE.replace(
    "    label: { fr: En attente de pièces, ar: في انتظار الوثائق }\n",
    "    label: { fr: En attente de pièces, ar: في انتظار الوثائق }\n    timeout: { after: 15 days, to: refused }\n",
  ).replace(
    '  - { on: decided, to: [applicant], template: decision }',
    '  - { on: decided, to: [applicant], template: decision }\n' +
      '  - { on: task_assigned, to: [unit_agents], template: task-assigned }\n' +
      '  - { on: information_requested, to: [applicant], template: information-requested }',
  ),
);

async function withWorker<T>(
  notify: ((input: NotifyInput) => Awaited<ReturnType<ReturnType<typeof recordingActivities>['activities']['notify']>>) | undefined,
  fn: (rec: ReturnType<typeof recordingActivities>['recorded']) => Promise<T>,
): Promise<T> {
  const { activities, recorded } = recordingActivities();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TQ,
    workflowBundle: await workflowBundle(),
    activities: notify
      ? {
          ...activities,
          async notify(input: NotifyInput) {
            await activities.notify(input);
            return notify(input);
          },
        }
      : activities,
  });
  return worker.runUntil(fn(recorded));
}

async function start() {
  const input = caseInput(PROCEDURE, { data: { subject: 'garage' } });
  const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });
  await handle.executeUpdate(filedUpdate);
  return { handle, input };
}

describe('case messages', () => {
  it("should give a documents request the applicant's deadline (the waiting timeout), not the suspended decision clock's", async () => {
    await withWorker(undefined, async (rec) => {
      const { handle } = await start();
      await handle.executeUpdate(actUpdate, { args: [{ action: 'ask_documents', actor: AGENT }] });
      const [request] = await notified(rec, 'information_requested');
      const vars = (request as NotifyInput).vars;
      const entry = rec.projections.flatMap((p) => p.journal).find((j) => j.kind === 'ask_documents');
      const asked = Date.parse(String(entry?.at));
      const answerBy = Date.parse(String(vars.answerBy));
      // 15 calendar days after the request, at the end of the local day; an applicant's period that
      // ends on a non-working day runs to the next working day (`endOnNonWorkingDay: extend`): a
      // weekend and a holiday at most here.
      expect(answerBy - asked).toBeGreaterThan(15 * 86_400_000 - 86_400_000);
      expect(answerBy - asked).toBeLessThanOrEqual(19 * 86_400_000);
      expect(vars.dueDate).toBeUndefined();
      expect(vars.suspendedClocks).toEqual([PROCEDURE.clocks.decision?.label]);
    });
  });

  it("should hand the decision the deciding action's input in words", async () => {
    await withWorker(undefined, async (rec) => {
      const { handle } = await start();
      await handle.executeUpdate(actUpdate, { args: [{ action: 'refuse', actor: AGENT, input: { ground: 'out_of_scope', details: 'garage hors zone' } }] });
      const [decision] = await notified(rec, 'decided');
      expect((decision as NotifyInput).vars.inputs).toEqual([
        { name: 'ground', label: { fr: 'Motif', ar: 'السبب' }, text: { fr: 'Hors compétence', ar: 'خارج الاختصاص' } },
        { name: 'details', label: { fr: 'Détails', ar: 'التفاصيل' }, text: { fr: 'garage hors zone', ar: 'garage hors zone' } },
      ]);
      expect((decision as NotifyInput).vars.action).toEqual({ name: 'refuse', label: { fr: 'Refuser', ar: 'رفض' } });
    });
  });

  it('should journal a message that reached nobody without waiting for the next step', async () => {
    const undeliverable = (input: NotifyInput) =>
      input.template === 'task-assigned'
        ? {
            messages: [],
            undeliverable: [{ kind: 'unit_agents' as const, role: 'reviewer', unit: AGENT.unit, reason: `no member holds role "reviewer" at unit ${AGENT.unit}` }],
            alerted: ['sup-1'],
          }
        : { messages: [] };
    await withWorker(undeliverable, async (rec) => {
      const { input } = await start();
      const deadline = Date.now() + 15_000;
      for (;;) {
        const entry = rec.projections.flatMap((p) => p.journal).find((j) => j.kind === 'notification.undeliverable' && rec.projections.some((p) => p.view.caseId === input.caseId));
        if (entry) {
          expect(entry.reason).toContain('no member holds role "reviewer"');
          expect(entry.data).toEqual(expect.objectContaining({ template: 'task-assigned', event: 'task_assigned', alerted: ['sup-1'] }));
          break;
        }
        if (Date.now() > deadline) throw new Error('no notification.undeliverable entry was projected');
        await new Promise((r) => setTimeout(r, 50));
      }
      // The journal stays gap-free: sequences of all projected entries are 1..n.
      const sequences = rec.projections.filter((p) => p.view.caseId === input.caseId).flatMap((p) => p.journal.map((j) => j.sequence));
      expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    });
  });
});
