import { type Member, type RecipientDirectory, resolveRecipients } from '../../../activities/notifications/recipients';
import { SAMPLE_INPUTS } from '../../../activities/notifications/samples';
import type { NotifyInput } from '../../../activities/types';
import { outboxId } from '../../../db/outbox';

const COMMUNE = '141.01.01';
const PROVINCE = '141';

/** A tiny in-memory directory: members by unit and role, supervisors by unit. */
function directory(people: (Member & { unit: string; roles: string[] })[]): RecipientDirectory {
  return {
    members: async (unit, role) => people.filter((p) => p.unit === unit && p.roles.includes(role)),
    supervisors: async (unit) => people.filter((p) => p.unit === unit && p.roles.includes('supervisor')),
    member: async (id) => people.find((p) => p.id === id),
    getUnit: async (code) => ({ code, name: { fr: `Unité ${code}`, ar: `الوحدة ${code}` }, parentCode: null }),
  };
}

const people = directory([
  { id: 'agent-1', name: 'Karim Alaoui', email: 'karim@commune.ma', language: 'fr', unit: COMMUNE, roles: ['information_officer'] },
  { id: 'agent-2', name: 'نادية الإدريسي', email: 'nadia@commune.ma', language: 'ar', unit: COMMUNE, roles: ['information_officer'] },
  { id: 'agent-3', name: 'Omar Tazi', email: null, language: 'fr', unit: COMMUNE, roles: ['information_officer'] },
  { id: 'sup-c', name: 'Président', email: 'president@commune.ma', language: 'fr', unit: COMMUNE, roles: ['supervisor'] },
  { id: 'sup-p', name: 'العامل', email: 'gouverneur@prefecture.ma', language: 'ar', unit: PROVINCE, roles: ['supervisor'] },
]);

const input = (overrides: Partial<NotifyInput>): NotifyInput => ({ ...SAMPLE_INPUTS['task-assigned'], ...overrides });

describe('notification recipients', () => {
  it('should write to the applicant in the language of the application', async () => {
    const applicant = { id: 'app-9', name: 'Youssef', email: 'y@example.ma', language: 'ar' as const };
    const { recipients } = await resolveRecipients(input({ to: ['applicant'], applicant }), people);
    expect(recipients).toEqual([{ id: 'app-9', name: 'Youssef', address: 'y@example.ma', language: 'ar', kinds: ['applicant'] }]);
  });

  it('should write to the agents holding the task role at the task unit, each in their language', async () => {
    const { recipients, skipped } = await resolveRecipients(input({ to: ['unit_agents'] }), people);
    expect(recipients.map((r) => [r.id, r.language])).toEqual([
      ['agent-1', 'fr'],
      ['agent-2', 'ar'],
    ]);
    expect(skipped).toEqual([{ recipient: 'agent-3', kind: 'unit_agents', reason: expect.stringContaining('no e-mail address') }]);
  });

  it('should write to the assignee when it is a directory member, and to the role holders when the task is unassigned', async () => {
    const task = SAMPLE_INPUTS['task-assigned'].task!;
    const found = await resolveRecipients(input({ to: ['assignee'], task: { ...task, assignee: 'agent-2' } }), people);
    expect(found.recipients.map((r) => r.id)).toEqual(['agent-2']);
    const stranger = await resolveRecipients(input({ to: ['assignee'], task: { ...task, assignee: 'someone-else' } }), people);
    expect(stranger.recipients).toEqual([]);
    const unassignedTask: typeof task = { ...task };
    delete unassignedTask.assignee;
    const unassigned = await resolveRecipients(input({ to: ['assignee'], task: unassignedTask }), people);
    const holders = await resolveRecipients(input({ to: ['unit_agents'], task: unassignedTask }), people);
    expect(unassigned.recipients.map((r) => r.id)).toEqual(holders.recipients.map((r) => r.id));
    expect(unassigned.recipients.length).toBeGreaterThan(0);
  });

  it('should write to the supervisors of the unit the escalation reached', async () => {
    const escalated = { ...SAMPLE_INPUTS.escalation };
    const { recipients } = await resolveRecipients(escalated, people);
    expect(recipients.map((r) => [r.id, r.language])).toEqual([['sup-p', 'ar']]);
  });

  it('should write to the supervisors of the task unit when nothing escalated', async () => {
    const { recipients } = await resolveRecipients(input({ to: ['supervisors'] }), people);
    expect(recipients.map((r) => r.id)).toEqual(['sup-c']);
  });

  it('should send one message to a person named twice', async () => {
    const task = SAMPLE_INPUTS['task-assigned'].task!;
    const { recipients } = await resolveRecipients(
      input({ to: ['assignee', 'unit_agents'], task: { ...task, assignee: 'agent-1' } }),
      people,
    );
    expect(recipients.map((r) => [r.id, r.kinds])).toEqual([
      ['agent-1', ['assignee', 'unit_agents']],
      ['agent-2', ['unit_agents']],
    ]);
  });

  it('should skip and report an applicant without an e-mail address', async () => {
    const applicant = { id: 'app-2', name: 'Fatima', language: 'fr' as const };
    const { recipients, skipped } = await resolveRecipients(input({ to: ['applicant'], applicant }), people);
    expect(recipients).toEqual([]);
    expect(skipped).toEqual([{ recipient: 'app-2', kind: 'applicant', reason: expect.any(String) }]);
  });
});

describe('recipients that reach nobody', () => {
  const task = SAMPLE_INPUTS['task-assigned'].task!;

  it('should find the assignee wherever they sit in the directory (a province supervisor who took the case over)', async () => {
    const { recipients, unreached } = await resolveRecipients(input({ to: ['assignee'], task: { ...task, assignee: 'sup-p' } }), people);
    expect(recipients.map((r) => r.id)).toEqual(['sup-p']);
    expect(unreached).toEqual([]);
  });

  it.each<[string, Partial<NotifyInput>, Record<string, unknown>]>([
    ['an assignee who left the directory', { to: ['assignee'], task: { ...task, assignee: 'gone' } }, { kind: 'assignee', assignee: 'gone', reason: 'the assignee "gone" is not an active member of the directory' }],
    ['a role nobody holds at the task unit', { to: ['unit_agents'], task: { ...task, role: 'urbanism_officer' } }, { kind: 'unit_agents', role: 'urbanism_officer', unit: COMMUNE, reason: `no member holds role "urbanism_officer" at unit ${COMMUNE}` }],
    ['an unassigned task whose role nobody holds', { to: ['assignee'], task: { ...task, role: 'urbanism_officer', assignee: undefined } }, { kind: 'assignee', role: 'urbanism_officer', unit: COMMUNE }],
    ['a unit without supervisors', { to: ['supervisors'], task: { ...task, unit: 'elsewhere' } }, { kind: 'supervisors', role: 'supervisor', unit: 'elsewhere' }],
    ['an applicant without an address', { to: ['applicant'], applicant: { id: 'app-3', name: 'Sans adresse', language: 'fr' as const } }, { kind: 'applicant', reason: 'the applicant gave no e-mail address' }],
  ])('should report %s as unreached, with why', async (_what, overrides, expected) => {
    const { recipients, unreached } = await resolveRecipients(input(overrides), people);
    expect(recipients).toEqual([]);
    expect(unreached).toEqual([expect.objectContaining(expected)]);
  });

  it('should not report an assignee when the case has no task: nobody is meant', async () => {
    const { task: _task, ...noTask } = SAMPLE_INPUTS['task-assigned'];
    const { unreached } = await resolveRecipients({ ...noTask, to: ['assignee'] }, people);
    expect(unreached).toEqual([]);
  });

  it('should not report a kind reached through another one', async () => {
    const { unreached } = await resolveRecipients(input({ to: ['assignee', 'unit_agents'], task: { ...task, assignee: 'agent-1' } }), people);
    expect(unreached).toEqual([]);
  });
});

describe('outbox id', () => {
  it('should be the same for the same case, occurrence, event and recipient, and differ otherwise', () => {
    const id = outboxId('case-1', 'seq-3', 'decided', 'app-1');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(outboxId('case-1', 'seq-3', 'decided', 'app-1')).toBe(id);
    expect(new Set([
      id,
      outboxId('case-2', 'seq-3', 'decided', 'app-1'),
      outboxId('case-1', 'seq-4', 'decided', 'app-1'),
      outboxId('case-1', 'seq-3', 'case_closed', 'app-1'),
      outboxId('case-1', 'seq-3', 'decided', 'app-2'),
    ]).size).toBe(5);
  });
});
