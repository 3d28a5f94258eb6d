/**
 * The case's behaviour: what entering a state, an action, a clock expiry or an escalation does.
 * Runs inside the workflow (sandbox-safe): side effects only through the activities it is given.
 * Every change is journaled and projected before the step that made it returns.
 */
import type { CalendarMove, ClockPlan, ClockRecipe, DueInput, JournalEntry, ResumeInput, MasarActivities, NotifyInput, NotifyResult, ProjectRequest } from '../activities/types';
import type { CompiledClock } from '../definitions/compiled';
import { defaultCounting, MachineEvents, stateOutcome } from '../definitions/compiled';
import type { ClockOperation, NotificationEvent } from '../definitions/schema';
import { applyDue, clockOpsOnEnter } from './case-clocks';
import type { CaseMachine, Step } from './case-machine';
import { actionVars, messagesFor, notifyRequest, type Message } from './case-notifications';
import type { CaseState, ClockRuntime } from './case-state';
import { buildView, unitAtLevel } from './case-state';
import type { ActRequest, Actor, CaseInput, CaseView, ContactData, RectifyContactResult } from './messages';
import { calendarUnitsOf } from './messages';
import { parseBuiltinAction } from './authorize';

/** Behaviour added while cases were running; a case gets it only in runs started after its patch. */
export interface RuntimeRules {
  /**
   * An escalation lasts until the case closes or the late clock runs again (extended or
   * restarted): acting on the case, whoever acts, leaves it escalated and climbing (issue 12.2).
   */
  persistentEscalation: boolean;
}

type JournalActor = JournalEntry['actor'];
const SYSTEM: JournalActor = { id: 'system', roles: [] };

const now = (): string => new Date().toISOString();

function journalActor(actor: Actor): JournalActor {
  return { id: actor.id, roles: [...actor.roles], ...(actor.unit ? { unit: actor.unit } : {}) };
}

export class CaseRuntime {
  readonly state: CaseState;
  private readonly pending: JournalEntry[] = [];
  private readonly deliveries: Promise<unknown>[] = [];
  /** Template variables of the action being applied (its input in words), for the messages it causes. */
  private actionExtra: Record<string, unknown> = {};
  /** The stored calendar version the last projections reported (`calendarBehind`). */
  private storedCalendarVersion: number | undefined;
  /** The view as of the last completed step (what queries answer: never a half-applied step). */
  committed?: CaseView;

  constructor(
    private readonly input: CaseInput,
    private readonly machine: CaseMachine,
    carried: CaseState | undefined,
    private readonly activities: MasarActivities,
    private readonly rules: RuntimeRules = { persistentEscalation: true },
  ) {
    this.state = carried ?? {
      state: '',
      status: 'open',
      filedAt: now(),
      sequence: 0,
      clocks: Object.fromEntries(
        Object.keys(input.procedure.clocks).map((name) => [name, { status: 'pending', extensions: 0, reminders: [] } as ClockRuntime]),
      ),
      applied: {},
      appliedOrder: [],
    };
    if (carried) this.committed = buildView(input, this.state);
  }

  // ------------------------------------------------------------------------------------------
  // Entry points used by the workflow loop

  /** Files the case: enters the initial state, starts its clocks, sends the receipt. */
  async file(): Promise<void> {
    const step = this.machine.initial();
    const documents = this.input.documents;
    this.journal({ actor: journalActor(this.input.filedBy), kind: 'filed', toState: step.state, ...(documents?.length ? { data: { documents } } : {}) });
    await this.applyStep(step);
    // The receipt states the deadline, so it goes once the clocks have their due dates.
    this.notifyEvent('case_filed');
    await this.project();
    await this.runAutomatic();
  }

  /** Applies a validated action. */
  async act(req: ActRequest): Promise<void> {
    const actor = journalActor(req.actor);
    const reason = req.comment?.trim() || undefined;
    const s = this.state;
    // checkAction accepted `req` just before, so a built-in action's input parses.
    const parsed = parseBuiltinAction(req);
    const command = parsed?.ok ? parsed.command : undefined;
    switch (command?.kind) {
      case 'reassign': {
        const task = s.task;
        if (!task) break;
        const unit = command.unit ?? task.unit;
        const assignee = command.assignee;
        this.journal({ actor, kind: req.action, fromState: s.state, toState: s.state, reason, data: { from: task.unit, unit, assignee } });
        s.task = { ...task, unit, ...(assignee ? { assignee } : {}) };
        if (!assignee) delete s.task.assignee;
        this.notifyEvent('task_assigned');
        break;
      }
      case 'take_over': {
        if (!s.task) break;
        const at = now();
        this.journal({ actor, kind: req.action, fromState: s.state, toState: s.state, reason, data: { unit: req.actor.unit, at } });
        s.task = { ...s.task, assignee: req.actor.id };
        if (s.escalation) s.escalation.takenOver = { by: req.actor.id, at };
        break;
      }
      case 'claim':
        if (!s.task) break;
        this.journal({ actor, kind: req.action, fromState: s.state, toState: s.state, reason, data: { unit: s.task.unit } });
        s.task = { ...s.task, assignee: req.actor.id };
        break;
      case 'release': {
        if (!s.task) break;
        this.journal({ actor, kind: req.action, fromState: s.state, toState: s.state, reason, data: { unit: s.task.unit, assignee: s.task.assignee } });
        const { assignee: _released, ...task } = s.task;
        s.task = task;
        break;
      }
      case 'extend': {
        // Without a named clock, the one whose lateness escalated the case (checkAction made sure there is one).
        const clock = command.clock ?? s.escalation?.clock;
        if (clock === undefined) break;
        this.journal({ actor, kind: req.action, fromState: s.state, toState: s.state, reason, data: { clock } });
        await this.clockOp(clock, 'extend', reason);
        break;
      }
      case 'decide': {
        const step = this.machine.next(s.state, MachineEvents.supervisorDecide(command.state));
        if (!step) break;
        this.journal({ actor, kind: req.action, fromState: s.state, toState: step.state, reason });
        await this.applyStep(step, reason);
        break;
      }
      case undefined: {
        // A built-in action whose input did not parse never gets here (checkAction rejects it).
        if (parsed) break;
        const step = this.machine.next(s.state, req.action);
        if (!step) break;
        this.journal({
          actor,
          kind: req.action,
          fromState: s.state,
          toState: step.state,
          reason,
          ...(req.input && Object.keys(req.input).length
            ? { data: { input: req.input, ...(req.documents?.length ? { documents: req.documents } : {}) } }
            : {}),
        });
        this.actionExtra = actionVars(this.input, s.state, req);
        try {
          await this.applyStep(step, reason);
        } finally {
          this.actionExtra = {};
        }
        break;
      }
      default: {
        const never: never = command;
        throw new Error(`unknown built-in command ${JSON.stringify(never)}`);
      }
    }
    await this.project();
    await this.runAutomatic();
  }

  /** The earliest instant (ms) at which something is due, if any. */
  nextWakeAt(): number | undefined {
    const s = this.state;
    const instants: string[] = [];
    for (const c of Object.values(s.clocks)) {
      if (c.status !== 'running') continue;
      if (c.dueAt) instants.push(c.dueAt);
      if (c.reminders[0]) instants.push(c.reminders[0]);
    }
    if (s.escalation?.nextAt) instants.push(s.escalation.nextAt);
    if (s.waitingUntil) instants.push(s.waitingUntil);
    if (instants.length === 0) return undefined;
    return Math.min(...instants.map((t) => Date.parse(t)));
  }

  /** Fires everything due by now: reminders, expiries, escalation climbs, waiting timeouts. */
  async fireDue(): Promise<void> {
    const s = this.state;
    const t = Date.now();
    let changed = false;
    for (const name of Object.keys(s.clocks).sort()) {
      const c = s.clocks[name] as ClockRuntime;
      if (c.status !== 'running') continue;
      while (c.reminders[0] && Date.parse(c.reminders[0]) <= t) {
        const at = c.reminders.shift() as string;
        this.journal({ actor: SYSTEM, kind: 'clock.reminder', fromState: s.state, toState: s.state, data: { clock: name, at, dueAt: c.dueAt } });
        this.notifyEvent('clock_reminder', { clock: name });
        changed = true;
      }
      if (c.dueAt && Date.parse(c.dueAt) <= t && s.status === 'open') {
        await this.expire(name);
        changed = true;
      }
    }
    if (s.status === 'open' && s.escalation?.nextAt && Date.parse(s.escalation.nextAt) <= t) {
      await this.climb();
      changed = true;
    }
    if (s.status === 'open' && s.waitingUntil && Date.parse(s.waitingUntil) <= t) {
      const step = this.machine.next(s.state, MachineEvents.waitingTimeout);
      delete s.waitingUntil;
      if (step) {
        this.journal({ actor: SYSTEM, kind: 'waiting.timeout', fromState: s.state, toState: step.state });
        await this.applyStep(step);
      }
      changed = true;
    }
    if (changed) {
      await this.project();
      await this.runAutomatic();
    }
  }

  /**
   * The calendar changed: recompute the due instants of running clocks computed on an older version.
   * `moved` holds the moves the calendar pass already made in the read model, and told people of
   * (activities/calendar-pass.ts): those are journaled as the pass made them, and not told again.
   */
  async recomputeClocks(version: number, moved: readonly CalendarMove[] = []): Promise<void> {
    const s = this.state;
    let changed = false;
    for (const name of Object.keys(s.clocks).sort()) {
      const c = s.clocks[name] as ClockRuntime;
      const recipe = this.recipeOf(name);
      if (!recipe || (c.calendarVersion ?? 0) >= version) continue;
      const { op: _op, ...args } = recipe;
      const r = recipe.op === 'computeDue' ? await this.activities.computeDue({ ...(args as DueInput), minCalendarVersion: version }) : await this.activities.resumeDue({ ...(args as ResumeInput), minCalendarVersion: version });
      const before = c.dueAt;
      applyDue(c, r, Date.now());
      const pass = moved.find((m) => m.clock === name && m.calendarVersion <= r.calendarVersion && m.to === c.dueAt);
      if (before !== c.dueAt) {
        changed = true;
        this.journal({
          actor: SYSTEM,
          kind: 'clock.recomputed',
          fromState: s.state,
          toState: s.state,
          data: { clock: name, from: before, to: c.dueAt, calendarVersion: r.calendarVersion, ...(pass ? { movedAt: pass.at } : {}) },
        });
        if (!pass) this.notifyEvent('deadline_moved', { clock: name, previousDueAt: before });
      }
    }
    if (changed) await this.project();
  }

  /**
   * Brings running clocks to the calendar in force: asks for its version and the moves the
   * calendar pass made for this case, and recomputes the clocks computed on an older version.
   */
  async catchUpCalendar(): Promise<void> {
    const versions = Object.keys(this.state.clocks)
      .filter((name) => this.recipeOf(name))
      .map((name) => this.state.clocks[name]?.calendarVersion ?? 0);
    if (versions.length === 0) return;
    const since = Math.min(...versions);
    const current = await this.activities.calendarState({ caseId: this.input.caseId, calendarId: this.input.calendarId, since });
    if (current.version > since) await this.recomputeClocks(current.version, current.moves);
  }

  /**
   * Whether a projection saw a stored calendar newer than a running clock's (the read model was
   * moved for it meanwhile): the case then catches up at once rather than at its next timer.
   */
  calendarBehind(): boolean {
    const known = this.storedCalendarVersion;
    if (known === undefined) return false;
    return Object.keys(this.state.clocks).some((name) => this.recipeOf(name) && (this.state.clocks[name]?.calendarVersion ?? 0) < known);
  }

  /** The due-date activity call that gives running clock `name` its due instant, or none when it does not run. */
  private recipeOf(name: string): ClockRecipe | undefined {
    const c = this.state.clocks[name];
    if (!c || c.status !== 'running' || !c.basis) return undefined;
    const def = this.clockDef(name);
    return 'from' in c.basis
      ? { op: 'computeDue', ...this.calendarOf(def), from: c.basis.from, duration: c.basis.duration, counting: def.counting, extensions: c.basis.extensions, reminders: def.reminders }
      : {
          op: 'resumeDue',
          ...this.calendarOf(def),
          duration: def.duration,
          at: c.basis.resumedAt,
          remaining: c.basis.remaining,
          counting: def.counting,
          extensions: c.basis.extensions,
          reminders: def.reminders,
        };
  }

  /** The running clocks' plans the projection keeps for the calendar pass. */
  private plans(): Record<string, ClockPlan> {
    const plans: Record<string, ClockPlan> = {};
    for (const name of Object.keys(this.state.clocks).sort()) {
      const c = this.state.clocks[name] as ClockRuntime;
      const recipe = this.recipeOf(name);
      if (!recipe) continue;
      const notices = messagesFor(this.input, this.state, 'deadline_moved').map((m) => notifyRequest(this.input, this.state, m, { clock: name }));
      plans[name] = { recipe, calendarVersion: c.calendarVersion ?? 0, reminders: [...c.reminders], notices };
    }
    return plans;
  }

  /**
   * Journals a message that reached nobody it was meant for (the notify activity's `undeliverable`),
   * and asks the loop to project it (`flushRequested`) rather than wait for the case's next step.
   */
  recordUndeliverable(req: NotifyInput, result: NotifyResult): void {
    const unreached = result.undeliverable ?? [];
    if (unreached.length === 0) return;
    this.journal({
      actor: SYSTEM,
      kind: 'notification.undeliverable',
      fromState: this.state.state,
      toState: this.state.state,
      reason: unreached.map((u) => u.reason).join('; '),
      data: { template: req.template, event: req.event, occurrence: req.occurrence, unreached, alerted: result.alerted ?? [] },
    });
    this.flushRequested = true;
  }

  /**
   * Replaces the applicant's contact data (a rectification the loop accepted) and projects it, so
   * the read model and every later message use it. The journal names the fields, not the values:
   * it outlives the personal data (erasure keeps it verifiable) and staff read it. Nothing changes,
   * and nothing is journaled, when the data is already as asked (a repeated request).
   */
  async rectifyContact(actor: Actor, contact: ContactData): Promise<RectifyContactResult> {
    const s = this.state;
    const changed = (['email'] as const).filter((field) => this.input.applicant[field] !== contact[field]);
    if (changed.length === 0) return { changed };
    // The input is the workflow's own object: continue-as-new carries the new contact on.
    this.input.applicant = { ...this.input.applicant, ...contact };
    this.journal({ actor: journalActor(actor), kind: 'contact.rectified', fromState: s.state, toState: s.state, data: { fields: changed } });
    await this.project();
    return { changed, sequence: s.sequence };
  }

  /** Set when journal entries wait for a projection outside a step. */
  flushRequested = false;

  /** Projects the journal entries recorded outside a step (see `recordUndeliverable`). */
  async flush(): Promise<void> {
    this.flushRequested = false;
    if (this.pending.length > 0) await this.project();
  }

  /** Projects again what a failed projection could not write (after an administrator's retry). */
  async retryProjection(): Promise<void> {
    await this.project();
  }

  /** Waits for every notification still being delivered. */
  async settle(): Promise<void> {
    while (this.deliveries.length > 0) await Promise.all(this.deliveries.splice(0));
  }

  // ------------------------------------------------------------------------------------------
  // Steps and states

  private async applyStep(step: Step, reason?: string): Promise<void> {
    for (const op of step.ops) {
      if (op.kind === 'enter') {
        await this.enter(op.state, reason);
      } else if ('notify' in op.effect) {
        this.send({ event: 'decided', template: op.effect.notify, to: op.effect.to, key: `effect:${op.effect.notify}` }, { reason });
      } else {
        await this.clockOp(op.effect.clock, op.effect.op, reason);
      }
    }
  }

  private async enter(name: string, reason?: string): Promise<void> {
    const s = this.state;
    const def = this.input.procedure.states[name];
    if (!def) throw new Error(`compiled procedure has no state "${name}"`);
    const moved = s.state !== name;
    s.state = name;
    delete s.waitingUntil;
    // Older runs: someone acted, so the case was taken as back on track. Since the patch a late
    // case stays late whoever acts: the escalation ends when the case closes (or the late clock runs again).
    if (moved && s.escalation && (!this.rules.persistentEscalation || def.kind === 'final')) this.resolveEscalation(name);
    delete s.task;

    await this.updateClocksOnEnter(name);

    const outcome = stateOutcome(def);
    if (outcome) {
      s.outcome = outcome;
      this.notifyEvent('decided', { reason });
    }
    switch (def.kind) {
      case 'task': {
        const task = def.task;
        s.task = { state: name, role: task.role, level: task.level, unit: unitAtLevel(this.input, task.level), openedAt: now() };
        this.notifyEvent('task_assigned');
        break;
      }
      case 'waiting':
        if (def.timeout) {
          const r = await this.activities.computeDue({
            ...this.calendarOf(def.timeout),
            from: now(),
            duration: def.timeout.after,
            counting: defaultCounting(def.timeout.after),
          });
          s.waitingUntil = r.due;
        }
        this.notifyEvent('information_requested', { reason });
        break;
      case 'final':
        s.status = 'closed';
        s.closedAt = now();
        for (const clockName of Object.keys(s.clocks).sort()) {
          const c = s.clocks[clockName] as ClockRuntime;
          if (c.status === 'running' || c.status === 'suspended') this.stopClock(clockName, c);
        }
        this.notifyEvent('case_closed', { reason });
        break;
      case 'automatic':
        break;
      default: {
        const never: never = def;
        throw new Error(`unknown state kind ${JSON.stringify(never)}`);
      }
    }
  }

  /** Runs automatic states' service calls until the case rests in a human or final state. */
  private async runAutomatic(): Promise<void> {
    const s = this.state;
    for (let guard = 0; guard < 50; guard++) {
      const def = this.input.procedure.states[s.state];
      if (s.status !== 'open' || def?.kind !== 'automatic' || !def.service) return;
      const result = await this.activities.callService({ caseId: this.input.caseId, service: def.service, data: this.input.data });
      const step =
        this.machine.next(s.state, MachineEvents.serviceOutcome(result.outcome)) ??
        this.machine.next(s.state, MachineEvents.serviceOutcome('failed'));
      if (!step) return;
      this.journal({ actor: SYSTEM, kind: `service.${def.service}`, fromState: s.state, toState: step.state, data: { outcome: result.outcome } });
      await this.applyStep(step);
      await this.project();
    }
    throw new Error(`automatic states of ${this.input.procedure.id} loop more than 50 times`);
  }

  // ------------------------------------------------------------------------------------------
  // Clocks

  private clockDef(name: string): CompiledClock {
    const def = this.input.procedure.clocks[name];
    if (!def) throw new Error(`compiled procedure has no clock "${name}"`);
    return def;
  }

  private async updateClocksOnEnter(state: string): Promise<void> {
    for (const { clock, op } of clockOpsOnEnter(this.input.procedure, this.state.clocks, state)) {
      if (op === 'stop') this.stopClock(clock, this.state.clocks[clock] as ClockRuntime);
      else await this.clockOp(clock, op);
    }
  }

  /**
   * The calendar arguments of a due-date activity: the case's calendar and units (closures recorded
   * for them count), and the period's end rule as compiled (absent in procedures compiled before
   * the rule: the activity then keeps the end as computed, as it always did).
   */
  private calendarOf(period: { endOnNonWorkingDay?: CompiledClock['endOnNonWorkingDay'] }) {
    return {
      calendarId: this.input.calendarId,
      units: calendarUnitsOf(this.input.unit),
      ...(period.endOnNonWorkingDay ? { endOnNonWorkingDay: period.endOnNonWorkingDay } : {}),
    };
  }

  private stopClock(name: string, c: ClockRuntime): void {
    c.status = 'stopped';
    c.reminders = [];
    this.journal({ actor: SYSTEM, kind: 'clock.stopped', fromState: this.state.state, toState: this.state.state, data: { clock: name } });
  }

  private async clockOp(name: string, op: ClockOperation, reason?: string): Promise<void> {
    const s = this.state;
    const def = this.clockDef(name);
    const c = s.clocks[name] as ClockRuntime;
    const base = { ...this.calendarOf(def), counting: def.counting, reminders: def.reminders };
    const at = now();
    switch (op) {
      case 'start':
      case 'restart': {
        const r = await this.activities.computeDue({ ...base, from: at, duration: def.duration });
        c.status = 'running';
        c.startedAt = at;
        c.extensions = 0;
        c.basis = { from: at, duration: def.duration, extensions: [] };
        delete c.remaining;
        delete c.expiredAt;
        applyDue(c, r, Date.now());
        // A fresh legal period for the late clock: the case is no longer late.
        if (this.rules.persistentEscalation && s.escalation?.clock === name) this.resolveEscalation(s.state);
        this.journal({ actor: SYSTEM, kind: `clock.${op === 'start' ? 'started' : 'restarted'}`, fromState: s.state, toState: s.state, data: { clock: name, dueAt: c.dueAt, dueDate: c.dueDate, skipped: r.skipped.length } });
        return;
      }
      case 'suspend': {
        if (c.status !== 'running' || !c.dueAt) return;
        c.remaining = await this.activities.remainingTime({ ...this.calendarOf({}), at, due: c.dueAt, counting: def.counting });
        c.status = 'suspended';
        c.suspensions = (c.suspensions ?? 0) + 1;
        c.reminders = [];
        this.journal({ actor: SYSTEM, kind: 'clock.suspended', fromState: s.state, toState: s.state, data: { clock: name, remaining: c.remaining } });
        return;
      }
      case 'resume': {
        if (c.status !== 'suspended' || !c.remaining) return;
        const r = await this.activities.resumeDue({ ...base, duration: def.duration, at, remaining: c.remaining });
        c.status = 'running';
        c.basis = { resumedAt: at, remaining: c.remaining, extensions: [] };
        delete c.remaining;
        applyDue(c, r, Date.now());
        this.journal({ actor: SYSTEM, kind: 'clock.resumed', fromState: s.state, toState: s.state, data: { clock: name, dueAt: c.dueAt, dueDate: c.dueDate } });
        return;
      }
      case 'extend': {
        const by = def.extension?.by;
        if (!by || !c.dueAt) return;
        const previous = c.dueAt;
        // An extension adds its duration to the due date it extends.
        const r = await this.activities.computeDue({ ...base, from: previous, duration: by });
        c.extensions += 1;
        c.status = 'running';
        delete c.expiredAt;
        if (c.basis) c.basis.extensions = [...c.basis.extensions, by];
        applyDue(c, r, Date.now());
        if (s.escalation?.clock === name) this.resolveEscalation(s.state);
        this.journal({ actor: SYSTEM, kind: 'clock.extended', fromState: s.state, toState: s.state, reason, data: { clock: name, from: previous, dueAt: c.dueAt, dueDate: c.dueDate, extensions: c.extensions } });
        this.notifyEvent('clock_extended', { clock: name, reason, previousDueAt: previous });
        return;
      }
      case 'stop':
        if (c.status === 'running' || c.status === 'suspended') this.stopClock(name, c);
        return;
      default: {
        const never: never = op;
        throw new Error(`unknown clock operation ${String(never)}`);
      }
    }
  }

  private async expire(name: string): Promise<void> {
    const s = this.state;
    const def = this.clockDef(name);
    const c = s.clocks[name] as ClockRuntime;
    c.status = 'expired';
    c.expiredAt = now();
    c.reminders = [];
    if ('decide' in def.onExpiry) {
      const step = this.machine.next(s.state, MachineEvents.clockExpired(name));
      this.journal({ actor: SYSTEM, kind: 'clock.expired', fromState: s.state, toState: step?.state ?? s.state, data: { clock: name, dueAt: c.dueAt, decides: def.onExpiry.decide } });
      if (step) await this.applyStep(step, def.basis ? `silence past the deadline (${def.basis})` : 'silence past the deadline');
      return;
    }
    this.journal({ actor: SYSTEM, kind: 'clock.expired', fromState: s.state, toState: s.state, data: { clock: name, dueAt: c.dueAt } });
    // Already escalated (a persistent escalation for another clock): it keeps its level and climbs on.
    if (this.rules.persistentEscalation && s.escalation) return;
    await this.escalateTo(0, name);
  }

  private resolveEscalation(state: string): void {
    const e = this.state.escalation;
    if (!e) return;
    this.journal({ actor: SYSTEM, kind: 'escalation.resolved', fromState: state, toState: state, data: { level: e.level, unit: e.unit } });
    delete this.state.escalation;
  }

  // ------------------------------------------------------------------------------------------
  // Escalation

  private async escalateTo(step: number, clock: string): Promise<void> {
    const s = this.state;
    const policy = this.input.procedure.escalation;
    const level = policy?.levels[step];
    if (!policy || !level) return;
    const at = now();
    const unit = unitAtLevel(this.input, level);
    let nextAt: string | undefined;
    if (step + 1 < policy.levels.length) {
      const r = await this.activities.computeDue({
        ...this.calendarOf({}),
        from: at,
        duration: policy.interval,
        counting: defaultCounting(policy.interval),
      });
      nextAt = r.due;
    }
    const previous = s.escalation;
    s.escalation = {
      step,
      level,
      unit,
      at,
      clock,
      ...(nextAt ? { nextAt } : {}),
      ...(previous ? { since: previous.since ?? previous.at } : {}),
      ...(previous?.takenOver ? { takenOver: previous.takenOver } : {}),
    };
    this.journal({
      actor: SYSTEM,
      kind: 'escalated',
      fromState: s.state,
      toState: s.state,
      reason: `the ${clock} deadline passed without a decision`,
      data: { clock, level, unit, ...(nextAt ? { nextAt } : {}) },
    });
    this.notifyEvent('escalated', { clock });
  }

  private async climb(): Promise<void> {
    const s = this.state;
    if (!s.escalation) return;
    await this.escalateTo(s.escalation.step + 1, s.escalation.clock);
  }

  // ------------------------------------------------------------------------------------------
  // Journal, projection, notifications

  private journal(entry: Omit<JournalEntry, 'sequence' | 'at'>): void {
    this.state.sequence += 1;
    this.pending.push({ sequence: this.state.sequence, at: now(), ...entry });
  }

  private async project(): Promise<void> {
    const facts: ProjectRequest['facts'] = {
      reference: this.input.reference,
      unit: this.input.unit,
      applicant: this.input.applicant,
      filedBy: this.input.filedBy,
      procedureTitle: this.input.procedure.title,
      data: this.input.data,
    };
    const view = buildView(this.input, this.state);
    const journal = this.pending.splice(0);
    try {
      const projected = await this.activities.project({ view, journal, facts, plans: this.plans() });
      if (projected && typeof projected.calendarVersion === 'number') this.storedCalendarVersion = Math.max(this.storedCalendarVersion ?? 0, projected.calendarVersion);
    } catch (err) {
      // Kept for the next projection: the journal's sequences must stay contiguous.
      this.pending.unshift(...journal);
      throw err;
    }
    // Answers (filed, act) wait for the read model, so a caller reading it next sees its own change.
    this.committed = view;
  }

  /** Sends the messages the procedure's notification rules attach to `event` in the current state. */
  private notifyEvent(event: NotificationEvent, extra: Record<string, unknown> = {}): void {
    for (const message of messagesFor(this.input, this.state, event)) this.send(message, { ...this.actionExtra, ...extra });
  }

  private send(message: Message, extra: Record<string, unknown>): void {
    const s = this.state;
    // Not awaited: the case goes on while the mail server is down; the activity retries without
    // limit. Only a permanent failure (a broken template) ends here, and it is journaled.
    this.deliveries.push(
      this.activities.notify(notifyRequest(this.input, s, message, extra)).catch((err: unknown) => {
        this.journal({
          actor: SYSTEM,
          kind: 'notification.failed',
          fromState: s.state,
          toState: s.state,
          reason: err instanceof Error ? err.message : String(err),
          data: { template: message.template, event: message.event },
        });
      }),
    );
  }
}
