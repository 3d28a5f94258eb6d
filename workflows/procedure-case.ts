/**
 * `procedureCase`: the one generic workflow that runs every case of every procedure.
 *
 * Only the main loop mutates the case: Update handlers validate synchronously (a rejected action
 * leaves no trace in history), then queue the action and wait for the loop to apply it. Timers are
 * one `condition` timeout on the earliest instant that matters (clock due, reminder, escalation
 * climb, waiting timeout). Everything the outside world sees goes through activities: due dates
 * (calendar), notifications (outbox + mail), projection (read model), service calls.
 *
 * Determinism hazards: no `Date` other than workflow time, no iteration over unordered sources,
 * activities never called from handlers directly.
 */
import {
  ActivityFailure,
  type ActivityOptions,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { JournalEntry, MasarActivities } from '../activities/types';
import { type ActionRules, checkAction, rejectionFailure } from './authorize';
import { createCaseMachine } from './case-machine';
import type { CaseState } from './case-state';
import { APPLIED_UPDATES_KEPT, buildView } from './case-state';
import { CaseRuntime } from './case-runtime';
import type { ActRequest, CaseInput, CaseResult, CaseView, RectifyContactRequest, RectifyContactResult } from './messages';
import { actUpdate, calendarChangedSignal, filedUpdate, rectifyContactUpdate, RejectionType, retryAttentionSignal, viewQuery } from './messages';

const CLOCKS_AND_SERVICES: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};
const PROJECTION: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
};

/** Service calls; and clock arithmetic and projection for cases started before `LOCAL_PATCH`. */
const remote = proxyActivities<MasarActivities>(CLOCKS_AND_SERVICES);
const remoteProjection = proxyActivities<MasarActivities>(PROJECTION);
/**
 * Clock arithmetic and the projection as local activities: run by the worker inside the workflow
 * task that needs them, recorded as a marker (the result only, not the input), with no round trip
 * through the server. Due dates are milliseconds of arithmetic on a cached calendar and a
 * projection tens of milliseconds of SQL, idempotent by case and sequence; every filing, action
 * and calendar recompute waits on them, and as regular activities each cost a scheduled task and
 * a second workflow task. Notifications stay regular activities: they may wait hours for a mail
 * server.
 */
const localClocks = proxyLocalActivities<MasarActivities>({ ...CLOCKS_AND_SERVICES, startToCloseTimeout: '10 seconds' });
const localProjection = proxyLocalActivities<MasarActivities>(PROJECTION);
/** Cases started since this patch use the local activities above; older ones replay as they ran. */
const LOCAL_PATCH = 'local-clocks-and-projection';
/**
 * Since this patch a message that reached nobody is journaled (`notification.undeliverable`) and
 * projected at once; histories recorded before it never journal one, so they replay as they ran.
 */
const UNDELIVERABLE_PATCH = 'journal-undeliverable-messages';
/**
 * Runs started since this patch: supervisor actions are scoped to the units they name, a claimed
 * task is its assignee's, documents requests are bounded per clock, and an escalation lasts until
 * the case closes. Older runs replay with the rules they were checked by (the loop re-checks each
 * queued action, so a stricter rule on replay would change what the history did).
 */
const SUPERVISION_PATCH = 'supervision-loop';
/**
 * Since this patch a case counts as filed (the `filed` answer, and actions let through) only once
 * it rests in a human or final state: a procedure that routes at filing through an automatic state
 * (acces-information's `flag:urgent`) answers with the routed state, and an action sent meanwhile
 * waits for it instead of being refused in the automatic state. Older runs answered earlier.
 */
const SETTLED_FILING_PATCH = 'filed-after-automatic-states';

// Unlimited attempts: a message is never dropped, only delayed while the mail server is down.
const { notify } = proxyActivities<MasarActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Cases whose step fails permanently since this patch record it for administrators and wait for a
 * retry; before it, the failure failed the workflow (or, unclassified, was retried forever).
 */
const ATTENTION_PATCH = 'needs-attention';

/**
 * Marks the histories in which an applicant's rectification of their contact data was applied
 * (`rectifyContact`). No history before it holds one, so none replays differently; the marker lets
 * a later change to how a rectification is applied tell those histories apart.
 */
const RECTIFY_PATCH = 'rectify-contact';
/**
 * Since this patch a calendar change reaches the case through the read model (the calendar pass,
 * activities/calendar-pass.ts): before acting on anything due, after a projection saw a newer
 * stored calendar, and when signalled, the case asks
 * for the calendar in force and the moves the pass made, and recomputes its clocks if they were
 * computed on an older version. Histories recorded before it recompute on the signal only.
 */
const CALENDAR_PASS_PATCH = 'calendar-pass';

/** A step that failed in a way no retry fixes, waiting for an administrator. */
interface Attention {
  step: string;
  error: string;
}

/**
 * The non-retryable cause of an activity's failure (`activities/failures.ts` classifies them). A
 * regular activity's failure arrives wrapped in an `ActivityFailure`; a local activity's may arrive
 * as the `ApplicationFailure` itself.
 */
function permanentCause(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.nonRetryable ? cause : undefined;
}

interface Queued {
  req: ActRequest;
  updateId?: string | undefined;
  resolve: (view: CaseView) => void;
  reject: (err: unknown) => void;
}

interface QueuedRectification {
  req: RectifyContactRequest;
  resolve: (result: RectifyContactResult) => void;
  reject: (err: unknown) => void;
}

/** Longest e-mail address (RFC 5321's path limit); the API checks the syntax fully. */
const MAX_EMAIL = 254;

/** Rejects a malformed rectification (the API builds it, but trust nothing). */
function rectificationShapeError(req: unknown): string | undefined {
  if (typeof req !== 'object' || req === null) return 'the request must be an object';
  const r = req as Partial<RectifyContactRequest>;
  if (typeof r.actor !== 'object' || r.actor === null || typeof r.actor.id !== 'string') return 'actor needs an id';
  if (typeof r.contact !== 'object' || r.contact === null) return 'contact is required';
  const email = r.contact.email;
  if (typeof email !== 'string' || email.length > MAX_EMAIL || !/^[^\s@]+@[^\s@]+$/.test(email)) return 'contact.email must be an e-mail address';
  return undefined;
}

/** Rejects malformed requests before any rule is checked (the API builds them, but trust nothing). */
function shapeError(req: unknown): string | undefined {
  if (typeof req !== 'object' || req === null) return 'the request must be an object';
  const r = req as Partial<ActRequest>;
  if (typeof r.action !== 'string' || r.action === '') return 'action must be a non-empty string';
  if (typeof r.actor !== 'object' || r.actor === null) return 'actor is required';
  if (typeof r.actor.id !== 'string' || !Array.isArray(r.actor.roles)) return 'actor needs an id and roles';
  if (r.input !== undefined && (typeof r.input !== 'object' || r.input === null || Array.isArray(r.input)))
    return 'input must be an object';
  if (r.comment !== undefined && typeof r.comment !== 'string') return 'comment must be text';
  return undefined;
}

export async function procedureCase(input: CaseInput, carried?: CaseState): Promise<CaseResult> {
  const machine = createCaseMachine(input.procedure);
  const inbox: Queued[] = [];
  const rectifications: QueuedRectification[] = [];
  let calendarVersion: number | undefined;
  const local = patched(LOCAL_PATCH);
  const supervision = patched(SUPERVISION_PATCH);
  const rules: ActionRules = { scopedUnits: supervision, claims: supervision, suspensionLimit: supervision };
  const clocks = local ? localClocks : remote;
  const runtime = new CaseRuntime(input, machine, carried, {
    computeDue: clocks.computeDue,
    remainingTime: clocks.remainingTime,
    resumeDue: clocks.resumeDue,
    callService: remote.callService,
    notify: async (req) => {
      const result = await notify(req);
      if (result.undeliverable?.length && patched(UNDELIVERABLE_PATCH)) runtime.recordUndeliverable(req, result);
      return result;
    },
    project: (local ? localProjection : remoteProjection).project,
    recordAttention: remote.recordAttention,
    calendarState: clocks.calendarState,
  }, { persistentEscalation: supervision });
  const s: CaseState = runtime.state;
  let attention: Attention | undefined;
  let retryRequested = false;
  const needsAttention = () =>
    rejectionFailure({
      type: RejectionType.needsAttention,
      message: `case ${input.reference} needs an administrator (${attention?.step ?? 'a step'} failed: ${attention?.error ?? 'unknown'}); no action can be taken until it is resolved`,
    });

  // Handlers first, before any await, so no early update or query is missed.
  const settledFiling = patched(SETTLED_FILING_PATCH);
  const automatic = (v: { status: string; state: string }) => v.status === 'open' && input.procedure.states[v.state]?.kind === 'automatic';
  // Both the live state and the committed view (the answer): the state leaves the automatic one a
  // projection before the read model, and the answer must not name the state it just left.
  const filed = () => runtime.committed !== undefined && !(settledFiling && (automatic(s) || automatic(runtime.committed)));
  setHandler(viewQuery, () => runtime.committed ?? buildView(input, s));
  setHandler(filedUpdate, async () => {
    await condition(() => filed() || attention !== undefined);
    return runtime.committed ?? buildView(input, s);
  });
  setHandler(retryAttentionSignal, () => {
    retryRequested = true;
  });
  setHandler(calendarChangedSignal, ({ calendarId, version }) => {
    if (calendarId === input.calendarId) calendarVersion = Math.max(calendarVersion ?? 0, version);
  });
  setHandler(
    actUpdate,
    async (req) => {
      const updateId = currentUpdateInfo()?.id;
      const seen = updateId ? s.applied[updateId] : undefined;
      if (seen) return seen;
      await condition(() => filed() || attention !== undefined);
      if (attention) throw needsAttention();
      return new Promise<CaseView>((resolve, reject) => inbox.push({ req, updateId, resolve, reject }));
    },
    {
      validator: (req) => {
        const updateId = currentUpdateInfo()?.id;
        if (updateId && s.applied[updateId]) return; // a retry of an applied action: answer it again
        const problem = shapeError(req);
        if (problem) throw ApplicationFailure.create({ message: problem, type: RejectionType.invalidInput, nonRetryable: true });
        if (attention) throw needsAttention();
        // While the case is being filed its state is not settled: the loop checks the action when it applies it.
        if (!filed()) return;
        const rejection = checkAction(input, s, req, rules);
        if (rejection) throw rejectionFailure(rejection);
      },
    },
  );
  setHandler(
    rectifyContactUpdate,
    async (req) => {
      await condition(() => filed() || attention !== undefined);
      if (attention) throw needsAttention();
      return new Promise<RectifyContactResult>((resolve, reject) => rectifications.push({ req, resolve, reject }));
    },
    {
      validator: (req) => {
        const problem = rectificationShapeError(req);
        if (problem) throw ApplicationFailure.create({ message: problem, type: RejectionType.invalidInput, nonRetryable: true });
        if (req.actor.id !== input.applicant.id) {
          throw rejectionFailure({ type: RejectionType.forbidden, message: `only the applicant of case ${input.reference} may rectify its contact data` });
        }
        if (s.status !== 'open') throw rejectionFailure({ type: RejectionType.closed, message: `case ${input.reference} is closed` });
        if (attention) throw needsAttention();
      },
    },
  );

  if (!carried) {
    try {
      await runtime.file();
    } catch (err) {
      await park('filing', err);
    }
  }

  const threshold = input.tuning?.continueAsNewAfterEvents ?? 10_000;
  while (s.status === 'open') {
    if (attention) {
      // Parked: queries answer, actions are refused, clocks wait, until an administrator retries.
      for (const item of inbox.splice(0)) item.reject(needsAttention());
      for (const item of rectifications.splice(0)) item.reject(needsAttention());
      await condition(() => retryRequested);
      retryRequested = false;
      const { step } = attention;
      try {
        await runtime.retryProjection();
        attention = undefined;
        await remote.recordAttention({ ...attentionKey(), step });
      } catch (err) {
        // Still failing: the same step waits again (the attention row counts the attempts).
        await park(step, err);
      }
      continue;
    }
    const wake = runtime.nextWakeAt();
    const wait = wake === undefined ? undefined : Math.max(0, wake - Date.now());
    const woken = () => inbox.length > 0 || rectifications.length > 0 || calendarVersion !== undefined || runtime.flushRequested;
    if (wait === undefined) await condition(woken);
    else if (wait > 0) await condition(woken, wait);

    while (inbox.length > 0 && s.status === 'open' && !attention) {
      const item = inbox.shift() as Queued;
      await applyQueued(item);
    }
    if (runtime.calendarBehind() && s.status === 'open' && !attention && patched(CALENDAR_PASS_PATCH)) {
      // A projection found the read model moved by a calendar change this case slept through (its
      // answer to the action stated the old date): the clocks catch up now, not at the next timer.
      try {
        await runtime.catchUpCalendar();
      } catch (err) {
        await park('recompute', err);
      }
    }
    while (rectifications.length > 0 && s.status === 'open' && !attention) {
      await applyRectification(rectifications.shift() as QueuedRectification);
    }
    if (calendarVersion !== undefined && s.status === 'open' && !attention) {
      const version = calendarVersion;
      calendarVersion = undefined;
      try {
        if (patched(CALENDAR_PASS_PATCH)) await runtime.catchUpCalendar();
        else await runtime.recomputeClocks(version);
      } catch (err) {
        await park('recompute', err);
      }
    }
    if (s.status === 'open' && !attention) {
      try {
        // A timer set on an old calendar fires: the due instant may have moved since (a holiday
        // recorded while the case slept). Check before acting: escalation, tacit decision, expiry.
        if ((runtime.nextWakeAt() ?? Infinity) <= Date.now() && patched(CALENDAR_PASS_PATCH)) await runtime.catchUpCalendar();
        await runtime.fireDue();
      } catch (err) {
        await park('clocks', err);
      }
    }
    if (runtime.flushRequested && !attention) {
      try {
        await runtime.flush();
      } catch (err) {
        await park('projection', err);
      }
    }

    const info = workflowInfo();
    if (s.status === 'open' && !attention && (info.continueAsNewSuggested || info.historyLength >= threshold)) {
      // Finish in-flight work first: updates waiting in the inbox, messages being delivered. An update
      // queued meanwhile is applied by the loop (waiting here for an empty inbox would wait forever:
      // only the loop empties it), and the loop comes back here.
      const queued = () => inbox.length > 0 || rectifications.length > 0;
      if (queued()) continue;
      await condition(() => queued() || allHandlersFinished());
      if (queued()) continue;
      await runtime.settle();
      if (runtime.flushRequested) await runtime.flush();
      if (queued()) continue;
      await continueAsNew<typeof procedureCase>(input, s);
    }
  }

  for (const item of [...inbox.splice(0), ...rectifications.splice(0)]) {
    item.reject(rejectionFailure({ type: RejectionType.closed, message: `case ${input.reference} is closed` }));
  }
  // Never leave with messages undelivered: the workflow stays open until the outbox has sent them.
  await runtime.settle();
  if (runtime.flushRequested) await runtime.flush();
  await condition(allHandlersFinished);
  return { state: s.state, ...(s.outcome ? { outcome: s.outcome } : {}), closedAt: s.closedAt ?? new Date().toISOString() };

  async function applyQueued(item: Queued): Promise<void> {
    // The case may have moved since the validator accepted this action.
    const rejection = checkAction(input, s, item.req, rules);
    if (rejection) {
      item.reject(rejectionFailure(rejection));
      return;
    }
    try {
      await runtime.act(item.req);
    } catch (err) {
      await park('action', err);
      item.reject(needsAttention());
      return;
    }
    const view = runtime.committed ?? buildView(input, s);
    if (item.updateId) remember(item.updateId, view);
    item.resolve(view);
  }

  async function applyRectification(item: QueuedRectification): Promise<void> {
    if (!patched(RECTIFY_PATCH)) {
      // Unreachable: no history recorded before the patch holds a rectification to replay.
      item.reject(rejectionFailure({ type: RejectionType.notAllowedInState, message: `case ${input.reference} cannot be rectified by this release` }));
      return;
    }
    try {
      item.resolve(await runtime.rectifyContact(item.req.actor, item.req.contact));
    } catch (err) {
      await park('rectification', err);
      item.reject(needsAttention());
    }
  }

  function attentionKey() {
    return { caseId: input.caseId, reference: input.reference, procedureId: input.procedure.id, unit: input.unit.code };
  }

  /**
   * A step failed with `err`. When an activity of it failed permanently, records the case for
   * administrators instead of failing the workflow: the step stays as far as it got (its journal
   * entries kept for the next projection) and the loop parks until `retryAttention`. Otherwise
   * rethrows. (Called from `catch` blocks, not as a wrapper around steps: a wrapper's extra
   * promise turns would reorder the commands of every case, failing replay.)
   */
  async function park(step: string, err: unknown): Promise<void> {
    const cause = permanentCause(err);
    // Decided here, where old and new code part: histories from before the patch rethrow.
    if (!cause || !patched(ATTENTION_PATCH)) throw err;
    attention = { step, error: cause.message };
    await remote.recordAttention({ ...attentionKey(), step, error: cause.message, ...(cause.type ? { errorType: cause.type } : {}) });
  }

  function remember(updateId: string, view: CaseView): void {
    s.applied[updateId] = view;
    s.appliedOrder.push(updateId);
    while (s.appliedOrder.length > APPLIED_UPDATES_KEPT) {
      const old = s.appliedOrder.shift() as string;
      delete s.applied[old];
    }
  }
}

export type { JournalEntry };
