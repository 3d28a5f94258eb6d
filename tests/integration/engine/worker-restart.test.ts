/**
 * Durability on the real dev server: a worker killed with SIGKILL in the middle of a case loses
 * nothing; a new worker picks the case up, applies the action waiting for it, and the case's
 * clock still decides on time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { procedureCase } from '../../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate, viewQuery } from '../../../workflows/messages';
import { AGENT, caseInput, compileYaml } from '../../support/procedures';
import { devServerEnv } from '../../support/temporal';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TQ = `restart-${Date.now()}`;

const PROCEDURE = `
id: tacit-demo
version: 1
title: { fr: Démo, ar: عرض }
legalBasis: [{ law: Test }]
roles: { reviewer: { fr: Instructeur, ar: مدرس } }
initial: review
states:
  review:
    kind: task
    label: { fr: Instruction, ar: دراسة }
    task: { role: reviewer }
    actions:
      ask_opinion: { label: { fr: Avis, ar: رأي }, by: [reviewer], to: opinion }
      approve: { label: { fr: Approuver, ar: موافقة }, by: [reviewer], to: approved }
  opinion:
    kind: task
    label: { fr: Avis, ar: رأي }
    task: { role: reviewer }
    actions:
      give_opinion: { label: { fr: Donner, ar: إبداء }, by: [reviewer], to: review }
  approved: { kind: final, label: { fr: Accordé, ar: مقبول }, outcome: approved }
  tacitly_approved: { kind: final, label: { fr: Accord tacite, ar: موافقة ضمنية }, outcome: tacitly_approved }
clocks:
  silence:
    label: { fr: Silence, ar: سكوت }
    duration: PT8S
    runsIn: [review, opinion]
    onExpiry: { decide: tacitly_approved }
`;

function startWorker(): Promise<ChildProcess> {
  // One process, node itself with tsx as a loader: the tsx CLI would run the script in a child of
  // its own, which a SIGKILL of the CLI leaves running (the worker would never really die).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/support/worker-process.ts')], {
    env: { ...process.env, TASK_QUEUE: TQ },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${err.slice(-2000)}`)));
  });
}

let env: TestWorkflowEnvironment;
const children: ChildProcess[] = [];
beforeAll(async () => {
  env = await devServerEnv();
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await env?.teardown();
});

describe('worker restart', () => {
  it('should let a case finish after its worker is killed mid-case', async () => {
    const first = await startWorker();
    children.push(first);
    const input = caseInput(compileYaml(PROCEDURE));
    const handle = await env.client.workflow.start(procedureCase, { taskQueue: TQ, workflowId: caseWorkflowId(input.caseId), args: [input] });
    await handle.executeUpdate(filedUpdate);
    const asked = await handle.executeUpdate(actUpdate, { args: [{ action: 'ask_opinion', actor: AGENT }] });
    expect(asked.state).toBe('opinion');

    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    // The action is sent while no worker runs: it waits in Temporal, nothing is lost.
    const pending = handle.executeUpdate(actUpdate, { args: [{ action: 'give_opinion', actor: AGENT }], updateId: 'opinion-1' });
    const second = await startWorker();
    children.push(second);
    expect((await pending).state).toBe('review');

    // Nobody approves: the 8-second silence decides, on the new worker.
    const result = await handle.result();
    expect(result).toEqual(expect.objectContaining({ state: 'tacitly_approved', outcome: 'tacitly_approved' }));
    const view = await handle.query(viewQuery);
    expect(view.clocks[0]).toEqual(expect.objectContaining({ status: 'expired' }));
  }, 120_000);
});
