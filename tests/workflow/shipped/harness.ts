/**
 * One time-skipping environment per test with the real case workflow, the real clock arithmetic on
 * the shipped calendar, the built-in services, and notifications/projections recorded
 * (tests/support/fake-activities).
 *
 *   const h = shippedHarness('reclamation');   // at the top of a test file
 *   const handle = await h.file(casablanca('2027-01-04', 10), data);
 */
import { createHash } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { JournalEntry, NotifyInput } from '../../../activities/types';
import { procedureCase } from '../../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate, viewQuery, type ActRequest, type Actor, type CaseUnit, type CaseView } from '../../../workflows/messages';
import { createServiceActivities } from '../../../activities/services';
import { notified, recordingActivities, type Recorded } from '../../support/fake-activities';
import { APPLICANT, COMMUNE, caseInput, shippedProcedure } from '../../support/procedures';
import { timeSkippingEnv, workflowBundle } from '../../support/temporal';
import { skipTo } from '../../support/time';

export type CaseHandle = WorkflowHandle<typeof procedureCase>;

/** An agent of the commune holding the procedure's own roles. */
export const agent = (...roles: string[]): Actor => ({ id: 'agent-commune', roles: ['agent', ...roles], unit: COMMUNE.code });
export const applicant: Actor = { id: APPLICANT.id, roles: ['applicant'] };
export const supervisorOf = (unit: string, id = `sup-${unit}`): Actor => ({ id, roles: ['supervisor'], unit });

export interface ShippedHarness {
  readonly env: TestWorkflowEnvironment;
  readonly recorded: Recorded;
  /** Moves time to `at`, files a case with `data` (at `unit`, else the test commune), waits for its receipt. */
  file(at: Date, data?: Record<string, unknown>, unit?: CaseUnit): Promise<CaseHandle>;
  act(handle: CaseHandle, req: ActRequest): Promise<CaseView>;
  /** The failure a rejected action carries (its type says 409/403/422). */
  rejection(handle: CaseHandle, req: ActRequest): Promise<ApplicationFailure>;
  view(handle: CaseHandle): Promise<CaseView>;
  skipTo(at: Date): Promise<void>;
  journal(): JournalEntry[];
  /** The notifications of `event` once at least one was sent (see `notified`). */
  notified(event: string): Promise<NotifyInput[]>;
}

export function shippedHarness(procedureId: string): ShippedHarness {
  const procedure = shippedProcedure(procedureId);
  const taskQueue = `shipped-${procedureId}`;
  let env: TestWorkflowEnvironment;
  let recorded: Recorded;
  let worker: Worker;
  let running: Promise<void>;

  beforeEach(async () => {
    env = await timeSkippingEnv();
    const made = recordingActivities();
    recorded = made.recorded;
    // The built-in services for real (flag:<field> routes a case at filing), recorded as called.
    const services = createServiceActivities();
    const activities = {
      ...made.activities,
      callService: async (input: Parameters<typeof services.callService>[0]) => {
        recorded.services.push(input);
        return services.callService(input);
      },
    };
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    running = worker.run();
  });
  afterEach(async () => {
    worker.shutdown();
    await running;
    await env.teardown();
  });

  return {
    get env() {
      return env;
    },
    get recorded() {
      return recorded;
    },
    async file(at, data = {}, unit) {
      await skipTo(env, at);
      const input = caseInput(procedure, { data, ...(unit ? { unit } : {}) });
      const handle = await env.client.workflow.start(procedureCase, { taskQueue, workflowId: caseWorkflowId(input.caseId), args: [input] });
      await handle.executeUpdate(filedUpdate);
      return handle;
    },
    act: (handle, req) => handle.executeUpdate(actUpdate, { args: [req] }),
    async rejection(handle, req) {
      const err = await handle.executeUpdate(actUpdate, { args: [req] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(err instanceof WorkflowUpdateFailedError)) throw new Error(`expected ${req.action} to be rejected, got ${String(err)}`);
      return err.cause as ApplicationFailure;
    },
    view: (handle) => handle.query(viewQuery),
    skipTo: (at) => skipTo(env, at),
    journal: () => recorded.projections.flatMap((p) => p.journal),
    notified: (event) => notified(recorded, event),
  };
}

/** The clock named `name` in a view. */
/**
 * A document id (the shape POST /api/v1/documents gives, which a file field requires) named after
 * the file it stands for, so a test reads `docId('plans')` and the same name gives the same id.
 * Workflow tests need no upload: the document store is checked by the use cases, not the workflow.
 */
export const docId = (name: string): string => {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export const clockOf = (view: CaseView, name: string) => view.clocks.find((c) => c.name === name);
