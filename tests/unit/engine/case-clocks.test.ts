import { clockOpsOnEnter } from '../../../workflows/case-clocks';
import type { ClockRuntime } from '../../../workflows/case-state';
import { compileYaml, SIMPLE } from '../../support/procedures';

const procedure = compileYaml(SIMPLE); // clock `decision`: runs in review, suspended in waiting_documents
const clock = (status: ClockRuntime['status']): Record<string, ClockRuntime> => ({ decision: { status, extensions: 0, reminders: [] } });

describe('clock operations on entering a state', () => {
  it.each([
    ['pending', 'review', [{ clock: 'decision', op: 'start' }]],
    ['running', 'review', []],
    ['running', 'waiting_documents', [{ clock: 'decision', op: 'suspend' }]],
    ['suspended', 'review', [{ clock: 'decision', op: 'resume' }]],
    ['suspended', 'waiting_documents', []],
    ['running', 'approved', [{ clock: 'decision', op: 'stop' }]],
    ['suspended', 'refused', [{ clock: 'decision', op: 'stop' }]],
    ['expired', 'approved', []],
    ['stopped', 'review', []],
    ['pending', 'waiting_documents', []],
  ] as const)('should turn a %s clock entering %s into %j', (status, state, expected) => {
    expect(clockOpsOnEnter(procedure, clock(status), state)).toEqual(expected);
  });
});
