/** `masar documents purge`: removes uploads never attached to a case within a day (DATABASE_URL, document store settings). */
import { loadDocumentsConfig } from '../../config/env';
import { createDb } from '../../db/pool';
import { documentStoreFrom } from '../../documents/from-config';
import { purgeUnattachedDocuments } from '../../usecases/documents';
import { parseCommandArgs } from '../args';
import type { Command, CommandIO } from '../command';
import { UsageError } from '../command';

const usage = `usage: masar documents purge

Removes the uploads that no filing or action attached to a case within a day: their rows in the
database named by DATABASE_URL, then their bytes in the document store (MASAR_S3_URL with its
access key, or the folder MASAR_DOCUMENTS_DIR). The API does the same every
MASAR_DOCUMENT_PURGE_MINUTES; this command is for an operator's cron or a one-off. Safe to run
while the API runs: an upload attached meanwhile is kept.`;

async function run(args: string[], io: CommandIO): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, { name: 'a sub-command (purge)', min: 1, max: 1 });
  if (positionals[0] !== 'purge') throw new UsageError(`unknown sub-command "${positionals[0]}" (expected: purge)`);
  let config;
  try {
    config = loadDocumentsConfig({ ...io.env, MASAR_DOCUMENTS_DIR: io.env.MASAR_DOCUMENTS_DIR ?? `${io.cwd}/data/documents` });
  } catch (err) {
    io.err(`masar documents: ${(err as Error).message}`);
    return 2;
  }
  const db = createDb({ url: config.DATABASE_URL, max: 1 });
  try {
    const store = documentStoreFrom(config);
    const result = await purgeUnattachedDocuments({ db, documents: { store, maxBytes: config.MASAR_UPLOAD_MAX_BYTES }, now: () => new Date() });
    io.out(`purged ${result.purged} unattached upload(s) from ${store.description}`);
    if (result.failed.length > 0) {
      io.err(`masar documents: the store did not delete ${result.failed.length} document(s) whose rows are gone: ${result.failed.join(', ')}`);
      return 1;
    }
    return 0;
  } catch (err) {
    io.err(`masar documents: ${(err as Error).message}`);
    return 1;
  } finally {
    await db.end();
  }
}

export const documentsCommand: Command = { name: 'documents', summary: 'purge uploads never attached to a case', usage, run };
