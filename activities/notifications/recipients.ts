/**
 * Who receives a notification: the `to` list of a rule (`applicant`, `assignee`, `unit_agents`,
 * `supervisors`) resolved to people with an address and a language. A person named by two kinds
 * (the assignee is also a unit agent) gets one message.
 */
import type { UnitKind } from '../../db/directory-model';
import { z } from 'zod';
import type { Label, Recipient } from '../../definitions/schema';
import type { NotifyInput } from '../types';
import type { Language } from '../../definitions/schema';

/** A person of the directory, as notifications need it. */
export interface Member {
  id: string;
  name: string;
  email?: string | null;
  language: Language;
}

/**
 * The directory look-ups notifications need (`db/directory.ts` implements them over PostgreSQL;
 * tests use a small in-memory one).
 */
export interface RecipientDirectory {
  /** Active members holding `role` at the unit `unitCode`. */
  members(unitCode: string, role: string): Promise<Member[]>;
  /** The supervisors of the unit `unitCode` (at that very unit, not above it). */
  supervisors(unitCode: string): Promise<Member[]>;
  /** One active member by id (a task's assignee), wherever they sit. */
  member(id: string): Promise<Member | undefined>;
  /** A unit by code, for its name in both languages and its parent. */
  /** `kind` names the unit in messages (`la préfecture de ...`); a directory without it gives bare names. */
  getUnit(code: string): Promise<{ code: string; name: Label; parentCode: string | null; kind?: UnitKind } | undefined>;
}

export interface ResolvedRecipient {
  id: string;
  name: string;
  address: string;
  language: Language;
  /** Why this person receives the message (several when kinds overlap). */
  kinds: Recipient[];
}

export interface SkippedRecipient {
  recipient: string;
  kind: Recipient;
  reason: string;
}

/**
 * A recipient kind of the rule that reached nobody: the message did not reach someone it was
 * meant for. For staff kinds, a configuration problem of the directory (no member holds the role
 * at the unit, or the assignee left it).
 */
export interface UnreachedKind {
  kind: Recipient;
  /** The role looked for (task role, `supervisor`), when the kind is a role at a unit. */
  role?: string;
  /** The unit looked at. */
  unit?: string;
  /** The assignee that could not be found. */
  assignee?: string;
  reason: string;
}

export interface Resolution {
  recipients: ResolvedRecipient[];
  skipped: SkippedRecipient[];
  unreached: UnreachedKind[];
}

/** The unit an escalation reached, when the workflow says so in `vars.escalation.unit`. */
const EscalationVars = z.object({ escalation: z.object({ unit: z.string().min(1) }) });

/**
 * The unit whose supervisors are told: the unit the escalation reached, else the task's unit,
 * else the unit the case was filed at.
 */
export function supervisedUnit(input: NotifyInput): string {
  const escalation = EscalationVars.safeParse(input.vars);
  if (escalation.success) return escalation.data.escalation.unit;
  return input.task?.unit ?? input.unit.code;
}

/** Who a kind stands for in this message, and, when nobody, why (undefined: nobody, by design). */
interface KindTarget {
  people: Member[];
  /** What nobody holding it would mean. */
  missing?: UnreachedKind;
}

async function peopleOf(kind: Recipient, input: NotifyInput, directory: RecipientDirectory): Promise<KindTarget> {
  switch (kind) {
    case 'applicant': {
      const a = input.applicant;
      return {
        people: [{ id: a.id, name: a.name, email: a.email ?? null, language: a.language ?? 'fr' }],
        missing: { kind, reason: 'the applicant gave no e-mail address' },
      };
    }
    case 'assignee': {
      const task = input.task;
      // No task (the case waits for the applicant, or is decided): no assignee to tell, by design.
      if (!task) return { people: [] };
      if (!task.assignee) {
        // An unassigned task is everyone's who holds its role where it waits: they are told.
        return {
          people: await directory.members(task.unit, task.role),
          missing: { kind, role: task.role, unit: task.unit, reason: `no member holds role "${task.role}" at unit ${task.unit}` },
        };
      }
      // Only a directory member is a person we can write to, wherever they sit (a supervisor who
      // took the case over, an agent who claimed it).
      const found = await directory.member(task.assignee);
      return {
        people: found ? [found] : [],
        missing: { kind, assignee: task.assignee, unit: task.unit, reason: `the assignee "${task.assignee}" is not an active member of the directory` },
      };
    }
    case 'unit_agents': {
      // Without a task, the agents of the unit the case was filed at.
      const unit = input.task?.unit ?? input.unit.code;
      const role = input.task?.role ?? 'agent';
      return { people: await directory.members(unit, role), missing: { kind, role, unit, reason: `no member holds role "${role}" at unit ${unit}` } };
    }
    case 'supervisors': {
      const unit = supervisedUnit(input);
      return { people: await directory.supervisors(unit), missing: { kind, role: 'supervisor', unit, reason: `no member holds role "supervisor" at unit ${unit}` } };
    }
    default: {
      const unknown: never = kind;
      throw new Error(`notification recipient "${String(unknown)}" is unknown: use applicant, assignee, unit_agents or supervisors`);
    }
  }
}

/**
 * Resolves `input.to` in order; people without an e-mail address are skipped and reported, and a
 * kind that reaches nobody is reported in `unreached`.
 */
export async function resolveRecipients(input: NotifyInput, directory: RecipientDirectory): Promise<Resolution> {
  const byId = new Map<string, ResolvedRecipient>();
  const skipped: SkippedRecipient[] = [];
  const unreached: UnreachedKind[] = [];
  for (const kind of input.to) {
    const target = await peopleOf(kind, input, directory);
    let reached = false;
    for (const person of target.people) {
      const known = byId.get(person.id);
      if (known) {
        if (!known.kinds.includes(kind)) known.kinds.push(kind);
        reached = true;
        continue;
      }
      const address = person.email?.trim();
      if (!address) {
        if (!skipped.some((s) => s.recipient === person.id)) {
          skipped.push({ recipient: person.id, kind, reason: 'no e-mail address in the directory or the application' });
        }
        continue;
      }
      reached = true;
      byId.set(person.id, { id: person.id, name: person.name, address, language: person.language === 'ar' ? 'ar' : 'fr', kinds: [kind] });
    }
    if (!reached && target.missing && !unreached.some((u) => u.kind === kind)) {
      const missing = target.missing;
      // People were found but none has an address: say so rather than "nobody holds the role".
      const reason = target.people.length > 0 && kind !== 'applicant' ? `${target.people.map((p) => p.id).join(', ')}: no e-mail address` : missing.reason;
      unreached.push({ ...missing, reason });
    }
  }
  return { recipients: [...byId.values()], skipped, unreached };
}

/** Recipient kinds that are staff of a unit: nobody reached there is a configuration problem. */
export const STAFF_KINDS: readonly Recipient[] = ['assignee', 'unit_agents', 'supervisors'];
