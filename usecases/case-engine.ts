/**
 * The use cases' only door to Temporal: start a case, query its view, send it an action, check the
 * server. Every call has a deadline, so a stuck Temporal answers "unavailable" rather than hanging a
 * request. Rejected actions (the workflow's `ApplicationFailure` types) become `UseCaseError`s here.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import type { ActRequest, CalendarChangeRequest, CaseInput, CaseView, RectifyContactRequest, RectifyContactResult } from '../workflows/messages';
import {
  actUpdate,
  calendarChangeWorkflowId,
  caseWorkflowId,
  filedUpdate,
  rectifyContactUpdate,
  RejectionType,
  retryAttentionSignal,
  TASK_QUEUE,
  viewQuery,
} from '../workflows/messages';
import { conflict, forbidden, invalid, notFound, type UseCaseError } from './errors';

/** The workflow type, by name: use cases never import workflow code. */
export const CASE_WORKFLOW_TYPE = 'procedureCase';
export const CALENDAR_CHANGE_WORKFLOW_TYPE = 'calendarChange';

export interface CaseEngineOptions {
  /** Deadline of each Temporal call (start, query, health). @default 10000 */
  timeoutMs?: number;
  /** Deadline of an action (an Update waits for the workflow to apply it). @default 20000 */
  actionTimeoutMs?: number;
  /** Task queue new cases start on. @default TASK_QUEUE */
  taskQueue?: string;
}

export interface CaseEngine {
  /** Starts the case's workflow; a second start of the same case is a no-op (Temporal dedupes by id). */
  start(input: CaseInput): Promise<void>;
  /** The workflow's own view (a consistent read); `timeoutMs` overrides the default deadline. */
  view(caseId: string, timeoutMs?: number): Promise<CaseView>;
  act(caseId: string, request: ActRequest, updateId: string): Promise<CaseView>;
  /**
   * Gives a running case the applicant's corrected contact data; answers what changed. A case
   * whose workflow has ended answers not-found, a closing one conflict `case-closed`.
   */
  rectifyContact(caseId: string, request: RectifyContactRequest): Promise<RectifyContactResult>;
  /** Waits until the case is filed (clocks started, read model written) and returns its view. */
  filed(caseId: string, timeoutMs?: number): Promise<CaseView>;
  /** Starts the durable broadcast of a calendar change to running cases; returns its workflow id. */
  calendarChanged(request: CalendarChangeRequest): Promise<string>;
  /** Asks a case that needs attention to retry its failed projection (an administrator fixed the cause). */
  retryAttention(caseId: string): Promise<void>;
  /** Resolves when the Temporal server answers. */
  ping(): Promise<void>;
}

const FieldErrors = z.array(z.object({ path: z.string(), message: z.string() }));

/** Maps a failed Update (a rejected action) to its use-case error. */
export function rejectionError(err: unknown, caseId: string): UseCaseError | undefined {
  if (err instanceof WorkflowNotFoundError) return notFound(`no running workflow for case ${caseId}`);
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  switch (cause.type) {
    case RejectionType.notAllowedInState:
      return conflict('action-not-allowed-in-state', cause.message);
    case RejectionType.closed:
      return conflict('case-closed', cause.message);
    case RejectionType.needsAttention:
      return conflict('case-needs-attention', cause.message);
    case RejectionType.forbidden:
      return forbidden(cause.message);
    case RejectionType.invalidInput: {
      const fields = FieldErrors.safeParse(cause.details?.[0]);
      return invalid(cause.message, fields.success ? fields.data : [{ path: '', message: cause.message }], 'invalid-action-input');
    }
    default:
      return undefined;
  }
}

export function createCaseEngine(client: Client, options: CaseEngineOptions = {}): CaseEngine {
  const timeout = options.timeoutMs ?? 10_000;
  const actionTimeout = options.actionTimeoutMs ?? 20_000;
  const within = <T>(ms: number, fn: () => Promise<T>): Promise<T> => client.withDeadline(Date.now() + ms, fn);

  return {
    async start(input) {
      try {
        await within(timeout, () =>
          client.workflow.start(CASE_WORKFLOW_TYPE, {
            workflowId: caseWorkflowId(input.caseId),
            taskQueue: options.taskQueue ?? TASK_QUEUE,
            args: [input],
            // A concurrent retry joins the running workflow; a retry after the case closed does
            // not file it again (REJECT_DUPLICATE, answered below as "already started").
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return;
        throw err;
      }
    },

    async view(caseId, timeoutMs) {
      return within(timeoutMs ?? timeout, () => client.workflow.getHandle(caseWorkflowId(caseId)).query(viewQuery));
    },

    async act(caseId, request, updateId) {
      try {
        return await within(actionTimeout, () =>
          client.workflow.getHandle(caseWorkflowId(caseId)).executeUpdate(actUpdate, { args: [request], updateId }),
        );
      } catch (err) {
        throw rejectionError(err, caseId) ?? err;
      }
    },

    async rectifyContact(caseId, request) {
      try {
        return await within(actionTimeout, () => client.workflow.getHandle(caseWorkflowId(caseId)).executeUpdate(rectifyContactUpdate, { args: [request] }));
      } catch (err) {
        throw rejectionError(err, caseId) ?? err;
      }
    },

    async filed(caseId, timeoutMs) {
      return within(timeoutMs ?? timeout, () => client.workflow.getHandle(caseWorkflowId(caseId)).executeUpdate(filedUpdate));
    },

    async calendarChanged(request) {
      const workflowId = calendarChangeWorkflowId(request.calendarId, request.version);
      try {
        await within(timeout, () =>
          client.workflow.start(CALENDAR_CHANGE_WORKFLOW_TYPE, {
            workflowId,
            taskQueue: options.taskQueue ?? TASK_QUEUE,
            args: [request],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      return workflowId;
    },

    async retryAttention(caseId) {
      try {
        await within(timeout, () => client.workflow.getHandle(caseWorkflowId(caseId)).signal(retryAttentionSignal));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound(`no running workflow for case ${caseId}`);
        throw err;
      }
    },

    async ping() {
      await within(timeout, () => client.workflowService.getSystemInfo({}));
    },
  };
}
