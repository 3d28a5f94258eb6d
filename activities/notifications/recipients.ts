/**
 * Who receives a notification: the `to` list of a rule (`applicant`, `assignee`, `unit_agents`,
 * `supervisors`) resolved to people with an address and a language. A person named by two kinds
 * (the assignee is also a unit agent) gets one message.
 */
import { z } from 'zod';
import type { Recipient } from '../../definitions/schema';
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
  /** Members holding `role` at the unit `unitCode`. */
  members(unitCode: string, role: string): Promise<Member[]>;
  /** The supervisors of the unit `unitCode` (for a commune: its own supervisors). */
  supervisors(unitCode: string): Promise<Member[]>;
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

export interface Resolution {
  recipients: ResolvedRecipient[];
  skipped: SkippedRecipient[];
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

async function peopleOf(kind: Recipient, input: NotifyInput, directory: RecipientDirectory): Promise<Member[]> {
  switch (kind) {
    case 'applicant': {
      const a = input.applicant;
      return [{ id: a.id, name: a.name, email: a.email ?? null, language: a.language ?? 'fr' }];
    }
    case 'assignee': {
      const task = input.task;
      if (!task) return [];
      // An unassigned task is everyone's who holds its role where it waits: they are told.
      if (!task.assignee) return directory.members(task.unit, task.role);
      // Only a directory member is a person we can write to; an assignee that is not one is nobody.
      const candidates = [...(await directory.members(task.unit, task.role)), ...(await directory.supervisors(task.unit))];
      const found = candidates.find((m) => m.id === task.assignee);
      return found ? [found] : [];
    }
    case 'unit_agents':
      // Without a task, the agents of the unit the case was filed at.
      return input.task
        ? directory.members(input.task.unit, input.task.role)
        : directory.members(input.unit.code, 'agent');
    case 'supervisors':
      return directory.supervisors(supervisedUnit(input));
    default: {
      const unknown: never = kind;
      throw new Error(`notification recipient "${String(unknown)}" is unknown: use applicant, assignee, unit_agents or supervisors`);
    }
  }
}

/** Resolves `input.to` in order; people without an e-mail address are skipped and reported. */
export async function resolveRecipients(input: NotifyInput, directory: RecipientDirectory): Promise<Resolution> {
  const byId = new Map<string, ResolvedRecipient>();
  const skipped: SkippedRecipient[] = [];
  for (const kind of input.to) {
    for (const person of await peopleOf(kind, input, directory)) {
      const known = byId.get(person.id);
      if (known) {
        if (!known.kinds.includes(kind)) known.kinds.push(kind);
        continue;
      }
      const address = person.email?.trim();
      if (!address) {
        if (!skipped.some((s) => s.recipient === person.id)) {
          skipped.push({ recipient: person.id, kind, reason: 'no e-mail address in the directory or the application' });
        }
        continue;
      }
      byId.set(person.id, { id: person.id, name: person.name, address, language: person.language === 'ar' ? 'ar' : 'fr', kinds: [kind] });
    }
  }
  return { recipients: [...byId.values()], skipped };
}
