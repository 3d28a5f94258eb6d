/**
 * Runs one case of a procedure on Temporal's time-skipping test server, with the real case
 * workflow and the real due-date arithmetic on the calendar given; notifications, projections and
 * service calls are recorded in memory. Time jumps between the script's steps, so two years of
 * legal time take seconds.
 *
 * The test server starts at the present instant and time only moves forward: `from` must not be
 * in the past.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createClockActivities } from '../../activities/clocks';
import type { JournalEntry, MasarActivities, NotifyInput } from '../../activities/types';
import type { Calendar } from '../../definitions/calendar';
import type { CompiledProcedure } from '../../definitions/compiled';
import { computeDue } from '../../definitions/deadline';
import { hasTimePart, parseDuration } from '../../definitions/duration';
import { atLocalTime, daysBetween, localDateOf, shiftLocal } from '../../definitions/local-time';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { procedureCase } from '../../workflows/procedure-case';
import type { Actor, CaseInput, CaseUnit, CaseView } from '../../workflows/messages';
import { actUpdate, caseWorkflowId, filedUpdate, viewQuery } from '../../workflows/messages';
import type { Persona, Script, Step } from './script';
import { isLocalDateText } from './script';

/** The applicant of every simulated case. */
export const SIMULATED_APPLICANT = { id: 'applicant', name: 'Demandeur simulé', language: 'fr' as const };
const TASK_QUEUE = 'masar-simulation';
const DAY = 86_400_000;
/** Without a script, how long nobody acts before the simulation gives up. @default 2 years */
export const DEFAULT_CAP_MS = 731 * DAY;
/** Real (wall-clock) time a simulation may take, server start included. @default 180 s */
export const DEFAULT_TIME_LIMIT_MS = 180_000;

export interface SimulationOptions {
  procedure: CompiledProcedure;
  script: Script;
  calendar: Calendar;
  unit: CaseUnit;
  /** Filing instant; the present when absent. */
  from?: Date;
  /** With no steps: let time run until the case is decided, its escalation tops out, or `capMs`. */
  untilSettled: boolean;
  capMs?: number;
  /**
   * Real time the whole run may take before it stops with a `SimulationError` (a case whose
   * activity keeps failing would otherwise wait forever). @default DEFAULT_TIME_LIMIT_MS
   */
  timeLimitMs?: number;
  /** The `temporal-test-server` binary; the SDK downloads one when absent (needs internet). */
  testServerPath?: string;
  progress: (line: string) => void;
}

export interface StepOutcome {
  index: number;
  step: Step;
  at: string;
  /** Why the case refused the action (the API would answer 409/403/422). */
  rejected?: string;
}

export interface SimulationResult {
  filedAt: string;
  endedAt: string;
  journal: JournalEntry[];
  notifications: NotifyInput[];
  view: CaseView;
  steps: StepOutcome[];
  stopped: 'script' | 'closed' | 'decided' | 'top-of-escalation' | 'cap' | 'rejected';
}

/** A simulation that cannot run as asked (a date in the past, a rejected action is not one). */
export class SimulationError extends Error {
  override name = 'SimulationError';
}

/** The run was stopped by SIGINT or SIGTERM; the server was torn down. */
export class SimulationInterrupted extends SimulationError {
  override name = 'SimulationInterrupted';
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}; the test server was stopped`);
  }
}

/**
 * A promise that rejects when the time limit passes or the process is told to stop, and the
 * function that disarms both. The run races against it, so its `finally` tears the server down
 * on every path; without the signal handlers, Ctrl-C would end Node before the native test
 * server child is killed, leaving it running.
 */
function stopConditions(limitMs: number, phase: () => string): { stopped: Promise<never>; disarm: () => void } {
  let reject: (err: Error) => void = () => undefined;
  const stopped = new Promise<never>((_, r) => {
    reject = r;
  });
  stopped.catch(() => undefined); // observed by the race; never an unhandled rejection
  const timer = setTimeout(() => {
    reject(
      new SimulationError(
        `the simulation did not finish within ${Math.round(limitMs / 1000)} s of real time (${phase()}); ` +
          'a case whose activity keeps failing never moves: check the definition with masar validate, or raise --time-limit',
      ),
    );
  }, limitMs);
  const onSignal = (signal: NodeJS.Signals): void => reject(new SimulationInterrupted(signal));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    stopped,
    disarm: () => {
      clearTimeout(timer);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

let runtimeInstalled = false;
/** Quiet native and SDK logs: the timeline is the output. Installed once per process. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Already installed by the host process (e.g. a test runner): keep its settings.
  }
}

/** Roles the simulated agent never holds: the persona `agent` adds `agent` itself. */
const NOT_AGENT_ROLES = ['applicant', 'agent', 'supervisor', 'admin'] as const;

/** The actor a persona stands for, where the case is now. */
export function actorFor(persona: Persona, procedure: CompiledProcedure, view: CaseView, unit: CaseUnit): Actor {
  switch (persona) {
    case 'applicant':
      return { id: SIMULATED_APPLICANT.id, name: SIMULATED_APPLICANT.name, roles: ['applicant'] };
    case 'supervisor':
      return { id: 'supervisor', name: 'Superviseur', roles: ['supervisor'], unit: view.escalation?.unit ?? unit.province ?? unit.code };
    case 'agent': {
      // The agent holds every staff role of the procedure (the commune president's included), at
      // the unit where the task waits; never the applicant's, a supervisor's or an admin's.
      const own = Object.keys(procedure.roles).filter((r) => !(NOT_AGENT_ROLES as readonly string[]).includes(r));
      return { id: 'agent', name: 'Agent', roles: ['agent', ...own], unit: view.tasks[0]?.unit ?? view.unit };
    }
    default: {
      const never: never = persona;
      throw new Error(`unknown persona ${String(never)}`);
    }
  }
}

/** The instant a `wait` lands on: the same local time N (working) days later; exact for time parts. */
export function waitTarget(calendar: Calendar, now: Date, spec: string): Date {
  const parsed = parseDuration(spec);
  const due = computeDue({ calendar, from: now, duration: spec });
  if (parsed.kind === 'calendar' && hasTimePart(parsed)) return due.due;
  const zone = calendar.timeZone;
  return shiftLocal(now, zone, { days: daysBetween(localDateOf(now, zone), due.dueDate) });
}

/** `2027-04-01` is 09:00 local on that day (offices open); an instant is itself. */
export function untilInstant(calendar: Calendar, value: string): Date {
  if (isLocalDateText(value)) return atLocalTime(value, calendar.timeZone, 9);
  return new Date(value);
}

function recordingActivities(calendar: Calendar, services: Record<string, string>) {
  const journal: JournalEntry[] = [];
  const notifications: NotifyInput[] = [];
  const activities: MasarActivities = {
    ...createClockActivities({ calendars: { current: async () => calendar } }),
    async notify(input) {
      notifications.push(input);
      return { messages: [] };
    },
    async project(input) {
      // Idempotent by sequence, as the real projection: a retried activity adds nothing twice.
      for (const entry of input.journal) if (!journal.some((j) => j.sequence === entry.sequence)) journal.push(entry);
    },
    async callService(input) {
      return { outcome: services[input.service] ?? 'done' };
    },
    async calendarState() {
      // One calendar for the whole simulation: nothing ever moves under the case.
      return { version: calendar.version, moves: [] };
    },
    async recordAttention(input) {
      // A simulation has no administrators: a step that cannot succeed ends the run with its error.
      if (input.error) throw new Error(`${input.step}: ${input.error}`);
    },
  };
  return { activities, journal, notifications };
}

/** Instants the case will wake at, as far as its view and journal tell. */
function nextKnownWake(view: CaseView, journal: JournalEntry[]): number | undefined {
  const instants: number[] = view.clocks.filter((c) => c.status === 'running' && c.dueAt).map((c) => Date.parse(c.dueAt as string));
  const lastEscalation = [...journal].reverse().find((j) => j.kind === 'escalated');
  if (view.escalation && typeof lastEscalation?.data?.nextAt === 'string') instants.push(Date.parse(lastEscalation.data.nextAt));
  return instants.length ? Math.min(...instants) : undefined;
}

export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const { procedure, script, calendar, unit, progress } = options;
  quietRuntime();
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let phase = 'starting the test server';
  const limit = stopConditions(options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS, () => phase);
  progress(`starting the Temporal time-skipping test server${options.testServerPath ? ` (${options.testServerPath})` : ''}...`);
  const starting = TestWorkflowEnvironment.createTimeSkipping(
    options.testServerPath ? { server: { executable: { type: 'existing-path', path: options.testServerPath } } } : undefined,
  );
  let env: TestWorkflowEnvironment;
  try {
    env = await Promise.race([starting, limit.stopped]);
  } catch (err) {
    limit.disarm();
    // Stopped while the server was starting: it may still come up, and must not outlive us.
    void starting.then((late) => late.teardown()).catch(() => undefined);
    throw err;
  }
  try {
    return await Promise.race([run(env), limit.stopped]);
  } finally {
    limit.disarm();
    await env.teardown();
  }

  async function run(env: TestWorkflowEnvironment): Promise<SimulationResult> {
    phase = 'bundling the workflow';
    progress(`server ready (${elapsed()}); bundling the case workflow...`);
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') });
    progress(`workflow bundled (${elapsed()})`);
    const recorded = recordingActivities(calendar, script.services);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: bundle,
      activities: recorded.activities,
      // A stopped run must not wait for an activity that keeps failing.
      shutdownGraceTime: '1s',
    });
    phase = 'running the case';
    return await worker.runUntil(async () => {
      const serverNow = await env.currentTimeMs();
      const from = options.from ?? new Date(serverNow);
      if (from.getTime() < serverNow - 60_000) {
        throw new SimulationError(
          `--from ${from.toISOString()} is in the past: the simulation server starts at the present (${new Date(serverNow).toISOString()}) and time only moves forward; choose a later instant`,
        );
      }
      const skipTo = async (instant: number): Promise<void> => {
        const ms = instant - (await env.currentTimeMs());
        if (ms > 0) await env.sleep(ms);
      };
      await skipTo(from.getTime());
      const caseId = `sim-${procedure.id}-${started.toString(36)}`;
      const input: CaseInput = {
        caseId,
        reference: `SIM-${procedure.id.toUpperCase()}-1`,
        procedure,
        unit,
        applicant: SIMULATED_APPLICANT,
        data: script.data,
        filedBy: { id: SIMULATED_APPLICANT.id, roles: ['applicant'] },
        calendarId: calendar.id,
      };
      progress(`filing a ${procedure.id} v${procedure.version} case at ${unit.code}`);
      phase = 'filing the case: it never answered';
      const handle = await env.client.workflow.start(procedureCase, { taskQueue: TASK_QUEUE, workflowId: caseWorkflowId(caseId), args: [input] });
      let view = await handle.executeUpdate(filedUpdate);
      const steps: StepOutcome[] = [];
      let stopped: SimulationResult['stopped'] = 'script';

      for (const [index, step] of script.steps.entries()) {
        phase = `playing step ${index + 1}`;
        const now = new Date(await env.currentTimeMs());
        if ('wait' in step) await skipTo(waitTarget(calendar, now, step.wait).getTime());
        else if ('until' in step) {
          const target = untilInstant(calendar, step.until);
          if (target.getTime() < now.getTime()) throw new SimulationError(`step ${index + 1}: until ${step.until} is before the case's present (${now.toISOString()})`);
          await skipTo(target.getTime());
        }
        view = await handle.query(viewQuery);
        const at = new Date(await env.currentTimeMs()).toISOString();
        if ('act' in step) {
          if (view.status === 'closed') {
            steps.push({ index, step, at, rejected: `the case is closed (${view.state})` });
            stopped = 'rejected';
            break;
          }
          const actor = actorFor(step.act.as, procedure, view, unit);
          try {
            view = await handle.executeUpdate(actUpdate, {
              args: [{ action: step.act.action, actor, ...(step.act.input ? { input: step.act.input } : {}), ...(step.act.comment ? { comment: step.act.comment } : {}) }],
            });
            steps.push({ index, step, at });
          } catch (err) {
            if (!(err instanceof WorkflowUpdateFailedError)) throw err;
            steps.push({ index, step, at, rejected: err.cause?.message ?? err.message });
            stopped = 'rejected';
            break;
          }
        } else {
          steps.push({ index, step, at });
        }
      }

      if (options.untilSettled && script.steps.length === 0) {
        phase = 'letting time run';
        const cap = from.getTime() + (options.capMs ?? DEFAULT_CAP_MS);
        const top = procedure.escalation?.levels[procedure.escalation.levels.length - 1];
        for (;;) {
          view = await handle.query(viewQuery);
          if (view.status === 'closed') {
            stopped = 'closed';
            break;
          }
          if (view.outcome) {
            // Decided before its last task (a tacit approval waiting for its attestation).
            stopped = 'decided';
            break;
          }
          if (view.escalation && view.escalation.level === top) {
            stopped = 'top-of-escalation';
            break;
          }
          const now = await env.currentTimeMs();
          if (now >= cap) {
            stopped = 'cap';
            break;
          }
          const wake = nextKnownWake(view, recorded.journal);
          // One second past the next known instant; a week at most, for timers the view does not show.
          const target = Math.min(cap, wake !== undefined && wake > now ? wake + 1_000 : now + 7 * DAY, now + 7 * DAY);
          await skipTo(target);
        }
      }
      view = await handle.query(viewQuery);
      if (view.status === 'closed') {
        await handle.result();
        if (stopped === 'script') stopped = 'closed';
      } else {
        await handle.terminate('simulation over');
      }
      return {
        filedAt: view.filedAt,
        endedAt: new Date(await env.currentTimeMs()).toISOString(),
        journal: [...recorded.journal].sort((a, b) => a.sequence - b.sequence),
        notifications: recorded.notifications,
        view,
        steps,
        stopped,
      };
    });
  }
}
