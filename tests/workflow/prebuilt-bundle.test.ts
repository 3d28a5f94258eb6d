/** Production workers run a prebuilt bundle: it must hold the whole workflow and run a case. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { buildWorkflowBundle } from '../../worker/bundle';
import { createMasarWorker } from '../../worker/create-worker';
import { procedureCase } from '../../workflows/procedure-case';
import { actUpdate, caseWorkflowId, filedUpdate } from '../../workflows/messages';
import { recordingActivities } from '../support/fake-activities';
import { AGENT, caseInput, compileYaml, SIMPLE } from '../support/procedures';
import { timeSkippingEnv } from '../support/temporal';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

it('should run a case on a worker started from the prebuilt bundle', async () => {
  const file = await buildWorkflowBundle(path.join(mkdtempSync(path.join(tmpdir(), 'masar-bundle-')), 'workflow-bundle.js'));
  const worker = await createMasarWorker({
    connection: env.nativeConnection,
    taskQueue: 'prebuilt',
    activities: recordingActivities().activities,
    workflowBundlePath: file,
  });
  await worker.runUntil(async () => {
    const input = caseInput(compileYaml(SIMPLE));
    const handle = await env.client.workflow.start(procedureCase, { taskQueue: 'prebuilt', workflowId: caseWorkflowId(input.caseId), args: [input] });
    await handle.executeUpdate(filedUpdate);
    const view = await handle.executeUpdate(actUpdate, { args: [{ action: 'approve', actor: AGENT }] });
    expect(view.outcome).toBe('approved');
    await handle.result();
  });
});
