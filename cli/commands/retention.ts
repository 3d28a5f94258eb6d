/**
 * `masar retention run [--dry-run]`: the retention job by hand, for operators (the worker's Temporal
 * schedule runs the same erasure every night). Erases the closed cases past their retention period
 * now, or only lists them.
 */
import { Client } from '@temporalio/client';
import { loadRetentionConfig, type RetentionConfig } from '../../config/env';
import { connectTemporal, payloadCodec, temporalDataConverter } from '../../config/temporal';
import { temporalHistoryEraser } from '../../activities/retention';
import { journalKeyring } from '../../db/journal-keys';
import { createDb } from '../../db/pool';
import { documentStoreFrom } from '../../documents/from-config';
import { runRetention, type RetentionCaseReport } from '../../usecases/retention';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';

const usage = `usage: masar retention run [--dry-run] [--as-of <instant>] [--limit <n>] [--keep-histories]

Erases the personal data of closed cases whose retention period has passed (the procedure's
\`retention.after\`, else MASAR_RETENTION_DEFAULT): the applicant's input, name and e-mail, the
documents' bytes and file names, the sealed PDFs, the messages' addresses and bodies, the journal's
reasons and data (the erasure is journaled; the chain still verifies); then deletes each case's
closed Temporal history. Keeps reference, procedure version, unit, dates, outcome and hashes.

  --dry-run         list the cases that are due, erase nothing
  --as-of           judge retention at this instant (ISO 8601) instead of now; only with --dry-run
  --limit           cases at most (default MASAR_RETENTION_BATCH)
  --keep-histories  leave Temporal histories to the namespace's retention

  DATABASE_URL, TEMPORAL_ADDRESS (+ namespace, TLS, payload keys), MASAR_DOCUMENTS_DIR or MASAR_S3_URL
  (+ access key), MASAR_RETENTION_DEFAULT, MASAR_JOURNAL_KEY (signs the erasure entry).`;

function line(c: RetentionCaseReport): string {
  const head = `case ${c.caseId} (${c.reference}): closed ${c.closedAt}, retention ${c.retention}, due ${c.dueAt}`;
  if (c.error) return `${head}: FAILED: ${c.error}`;
  if (c.deferred) return `${head}: deferred (its workflow still runs: a later run erases it)`;
  if (!c.erasure) return `${head}: due`;
  const e = c.erasure;
  const what = e.erasedNow ? `erased (${e.documents} document(s), ${e.issuedDocuments} sealed PDF(s), ${e.messages} message(s), ${e.journalEntries} journal entr(ies))` : 'already erased';
  return `${head}: ${what}${c.history ? `, history ${c.history.outcome}` : ''}`;
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { 'dry-run': { type: 'boolean' }, 'as-of': { type: 'string' }, limit: { type: 'string' }, 'keep-histories': { type: 'boolean' } },
    { name: 'a sub-command (run)', min: 1, max: 1 },
  );
  if (positionals[0] !== 'run') throw new UsageError(`unknown sub-command "${positionals[0]}" (expected: run)`);
  const dryRun = values['dry-run'] === true;
  let asOf = new Date();
  if (values['as-of'] !== undefined) {
    if (!dryRun) throw new UsageError('--as-of: only with --dry-run (erasing before the period ends is not retention)');
    asOf = new Date(values['as-of']);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values['as-of']) || Number.isNaN(asOf.getTime())) throw new UsageError(`--as-of "${values['as-of']}": not an ISO 8601 instant (e.g. 2031-01-01T00:00:00Z)`);
  }
  let config: RetentionConfig;
  try {
    config = loadRetentionConfig({ ...io.env, MASAR_DOCUMENTS_DIR: io.env.MASAR_DOCUMENTS_DIR ?? `${io.cwd}/data/documents` });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let limit = config.MASAR_RETENTION_BATCH;
  if (values.limit !== undefined) {
    if (!/^\d{1,5}$/.test(values.limit) || Number(values.limit) < 1) throw new UsageError(`--limit "${values.limit}": a whole number from 1 to 99999`);
    limit = Number(values.limit);
  }
  const db = createDb({ url: config.DATABASE_URL, max: 1 });
  const connection = dryRun || values['keep-histories'] ? undefined : await connectTemporal(config);
  try {
    const histories = connection ? temporalHistoryEraser(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(payloadCodec(config)) })) : undefined;
    const report = await runRetention(
      { db, store: documentStoreFrom(config), defaultPeriod: config.MASAR_RETENTION_DEFAULT, journalKey: journalKeyring(config).signing, histories },
      { asOf, limit, dryRun },
    );
    for (const c of report.cases) io.out(line(c));
    const failed = report.cases.filter((c) => c.error).length;
    io.out(`retention: ${report.cases.length} case(s) ${dryRun ? 'due' : 'past retention'} as of ${report.asOf}${dryRun ? ' (dry run: nothing erased)' : `, ${report.cases.length - failed} erased, ${failed} failed`}`);
    return failed > 0 ? 1 : 0;
  } finally {
    await connection?.close();
    await db.end();
  }
}

export const retentionCommand: Command = { name: 'retention', summary: 'erase personal data of closed cases past retention', usage, run };
