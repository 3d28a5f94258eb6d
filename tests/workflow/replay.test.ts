/**
 * Determinism guard: histories recorded from earlier versions of the workflow must replay on the
 * current code without nondeterminism errors. A failure here means a change would break running
 * cases: patch it (`patched()`), or re-record only when no case of the old shape can be running.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { EncryptionCodec, parsePayloadKeys } from '../../config/payload-codec';
import { temporalDataConverter } from '../../config/temporal';
import { workflowBundle } from '../support/temporal';

const DIR = path.join(__dirname, '..', 'fixtures', 'histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.history.bin')).sort();

describe('recorded histories', () => {
  it('should have recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it('should hold histories of both shapes: projection and clocks as activities (older cases) and as local activities', () => {
    const kinds = files.map((file) => {
      const history = temporal.api.history.v1.History.decode(readFileSync(path.join(DIR, file)));
      const types = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? e.markerRecordedEventAttributes?.markerName);
      return types.includes('project') ? 'activity' : types.includes('core_local_activity') ? 'local' : 'none';
    });
    expect(new Set(kinds)).toEqual(new Set(['activity', 'local']));
  });

  it.each(files)('should replay %s without nondeterminism', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(DIR, file)));
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file)).resolves.toBeUndefined();
  });

  // Histories written before payload keys were configured hold clear payloads: a worker with the
  // codec must still replay them (the codec passes through what it did not seal).
  it.each(files)('should replay %s with the payload codec turned on', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(DIR, file)));
    const dataConverter = temporalDataConverter(new EncryptionCodec(parsePayloadKeys(`k1:${'ab'.repeat(32)}`, 'test key')));
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter }, history, file)).resolves.toBeUndefined();
  });
});
