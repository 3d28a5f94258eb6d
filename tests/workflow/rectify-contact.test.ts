/**
 * The `rectifyContact` Update on the time-skipping server: the applicant's corrected e-mail reaches
 * the read model's facts and every later message, survives continue-as-new, is journaled by field
 * name only, and a repeat changes nothing; the validator refuses anyone but the case's applicant
 * and any malformed request without a trace in the case.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { notified, recordingActivities, type Recorded } from '../support/fake-activities';
import { AGENT, APPLICANT, caseInput, compileYaml, SIMPLE } from '../support/procedures';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';
import { procedureCase } from '../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate, rectifyContactUpdate, RejectionType, type CaseInput, type RectifyContactRequest } from '../../workflows/messages';

const TQ = 'test-rectify-contact';
const NEW = 'amina.benali@example.org';
const ME = { id: APPLICANT.id, roles: ['applicant'] };
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

async function withWorker<T>(fn: (rec: Recorded) => Promise<T>): Promise<T> {
  const { activities, recorded } = recordingActivities();
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: TQ, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(recorded));
}

async function start(overrides: Partial<CaseInput> = {}) {
  const input = caseInput(compileYaml(SIMPLE), { data: { subject: 'garage' }, ...overrides });
  const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });
  await handle.executeUpdate(filedUpdate);
  return handle;
}

const rectify = (handle: Awaited<ReturnType<typeof start>>, req: unknown) => handle.executeUpdate(rectifyContactUpdate, { args: [req as RectifyContactRequest] });

/** The failure type a rejected Update carries. */
async function rejection(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

describe('rectifyContact', () => {
  it('should write the new address into the read model and every later message, journaling only the field name', async () => {
    await withWorker(async (rec) => {
      const handle = await start();
      expect((await notified(rec, 'case_filed'))[0]?.applicant.email).toBe(APPLICANT.email);
      const result = await rectify(handle, { actor: ME, contact: { email: NEW } });
      expect(result).toEqual({ changed: ['email'], sequence: expect.any(Number) });

      const last = rec.projections.at(-1);
      expect(last?.facts.applicant).toEqual({ ...APPLICANT, email: NEW });
      const entry = last?.journal.find((e) => e.kind === 'contact.rectified');
      expect(entry).toMatchObject({ sequence: result.sequence, actor: { id: APPLICANT.id, roles: ['applicant'] }, data: { fields: ['email'] } });
      expect(JSON.stringify(entry)).not.toContain(NEW);
      expect(JSON.stringify(entry)).not.toContain(APPLICANT.email);

      // Asked again: nothing changes, nothing is journaled or projected.
      const projections = rec.projections.length;
      expect(await rectify(handle, { actor: ME, contact: { email: NEW } })).toEqual({ changed: [] });
      expect(rec.projections).toHaveLength(projections);

      await handle.executeUpdate(actUpdate, { args: [{ action: 'approve', actor: AGENT }] });
      expect((await notified(rec, 'decided'))[0]?.applicant.email).toBe(NEW);
      await handle.result();
    });
  });

  it('should carry the new address across continue-as-new', async () => {
    await withWorker(async (rec) => {
      const handle = await start({ tuning: { continueAsNewAfterEvents: 40 } });
      await rectify(handle, { actor: ME, contact: { email: NEW } });
      for (let i = 0; i < 4; i++) {
        await handle.executeUpdate(actUpdate, { args: [{ action: 'ask_documents', actor: AGENT }] });
        await handle.executeUpdate(actUpdate, { args: [{ action: 'provide', actor: ME }] });
      }
      const described = await handle.describe();
      expect(described.runId).not.toBe(handle.firstExecutionRunId);
      await handle.executeUpdate(actUpdate, { args: [{ action: 'approve', actor: AGENT }] });
      expect((await notified(rec, 'decided'))[0]?.applicant.email).toBe(NEW);
      expect(rec.projections.at(-1)?.facts.applicant.email).toBe(NEW);
    });
  });

  it('should apply Updates that arrive while the case is about to continue as new, then continue', async () => {
    await withWorker(async () => {
      const handle = await start({ tuning: { continueAsNewAfterEvents: 30 } });
      // Bursts of Updates at once: some land while the run waits to hand over to the next one.
      for (let i = 0; i < 8; i++) {
        const email = `amina.${i}@example.org`;
        const [asked] = await Promise.all([
          handle.executeUpdate(actUpdate, { args: [{ action: 'ask_documents', actor: AGENT }] }),
          rectify(handle, { actor: ME, contact: { email } }),
          rectify(handle, { actor: ME, contact: { email } }),
        ]);
        expect(asked.state).toBe('waiting_documents');
        await Promise.all([handle.executeUpdate(actUpdate, { args: [{ action: 'provide', actor: ME }] }), rectify(handle, { actor: ME, contact: { email: NEW } })]);
      }
      expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
      const approved = await handle.executeUpdate(actUpdate, { args: [{ action: 'approve', actor: AGENT }] });
      expect(approved.status).toBe('closed');
      await handle.result();
    });
  }, 120_000);

  it('should refuse anyone but the applicant, and any malformed request, leaving no trace', async () => {
    await withWorker(async (rec) => {
      const handle = await start();
      // Time skips while the client waits, so clocks may fire: count the accepted Updates, not all events.
      const accepted = async () => (await handle.fetchHistory()).events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
      const before = await accepted();
      const refused: [unknown, string][] = [
        [{ actor: AGENT, contact: { email: NEW } }, RejectionType.forbidden],
        [{ actor: { id: 'citizen-2', roles: ['applicant'] }, contact: { email: NEW } }, RejectionType.forbidden],
        [{ actor: ME, contact: { email: '' } }, RejectionType.invalidInput],
        [{ actor: ME, contact: { email: 'no-at-sign' } }, RejectionType.invalidInput],
        [{ actor: ME, contact: { email: 'a b@example.ma' } }, RejectionType.invalidInput],
        [{ actor: ME, contact: { email: `${'a'.repeat(250)}@example.ma` } }, RejectionType.invalidInput],
        [{ actor: ME, contact: { email: 42 } }, RejectionType.invalidInput],
        [{ actor: ME }, RejectionType.invalidInput],
        [{ contact: { email: NEW } }, RejectionType.invalidInput],
        ['not an object', RejectionType.invalidInput],
      ];
      for (const [req, type] of refused) expect(await rejection(rectify(handle, req))).toBe(type);
      expect(await accepted()).toBe(before);
      expect(rec.projections.flatMap((p) => p.journal).filter((e) => e.kind === 'contact.rectified')).toEqual([]);
      expect(rec.projections.at(-1)?.facts.applicant.email).toBe(APPLICANT.email);
    });
  });

  it('should refuse a case that has closed', async () => {
    await withWorker(async () => {
      const handle = await start();
      await handle.executeUpdate(actUpdate, { args: [{ action: 'approve', actor: AGENT }] });
      await handle.result();
      await expect(rectify(handle, { actor: ME, contact: { email: NEW } })).rejects.toThrow();
    });
  });
});
