/**
 * `masar documents purge` as an operator runs it: against a real database and a document folder,
 * it removes uploads never attached and older than a day, bytes and rows, and keeps the rest.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../../cli/main';
import { attachDocuments, getDocument, insertDocument } from '../../../db/documents';
import { createFsDocumentStore } from '../../../documents/fs-store';
import { createTestDb, type TestDb } from '../../support/db';

let t: TestDb;
const dir = mkdtempSync(path.join(tmpdir(), 'masar-purge-'));
const store = createFsDocumentStore(dir);
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function upload(ageHours: number): Promise<string> {
  const stored = await store.put(Readable.from([Buffer.from(`%PDF-1.7 ${ageHours}h`)]));
  const uploadedAt = new Date(Date.now() - ageHours * 3_600_000).toISOString();
  await insertDocument(t.db, { ...stored, field: 'input.plans', fileName: 'plan.pdf', uploadedBy: 'citizen-1', uploadedAt });
  return stored.id;
}

async function masar(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: dir });
  return { code, out, err };
}

describe('masar documents purge', () => {
  it('should remove unattached uploads older than a day and keep fresh or attached ones', async () => {
    const old = await upload(25);
    const fresh = await upload(23);
    const attached = await upload(48);
    await attachDocuments(t.db, 'case-1', [{ id: attached, attachedAs: 'data.plans' }], new Date().toISOString());

    const run = await masar(['documents', 'purge'], { DATABASE_URL: t.url, MASAR_DOCUMENTS_DIR: dir });
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.out).toEqual([`purged 1 unattached upload(s) from filesystem ${dir}`]);
    expect(await getDocument(t.db, old)).toBeUndefined();
    expect(await store.head(old)).toBeUndefined();
    for (const kept of [fresh, attached]) {
      expect(await getDocument(t.db, kept)).toBeDefined();
      expect(await store.head(kept)).toBeDefined();
    }
    // Nothing left to do: a second run purges nothing.
    expect((await masar(['documents', 'purge'], { DATABASE_URL: t.url, MASAR_DOCUMENTS_DIR: dir })).out).toEqual([`purged 0 unattached upload(s) from filesystem ${dir}`]);
  });

  it('should refuse an S3 URL without its key, naming the missing variables', async () => {
    const run = await masar(['documents', 'purge'], { DATABASE_URL: t.url, MASAR_S3_URL: 'http://127.0.0.1:1/bucket' });
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).toContain('MASAR_S3_ACCESS_KEY_ID: is required with MASAR_S3_URL');
    expect(run.err.join('\n')).toContain('MASAR_S3_SECRET_ACCESS_KEY: is required with MASAR_S3_URL');
  });

  it('should answer an unknown sub-command with the usage', async () => {
    const run = await masar(['documents', 'delete-all'], { DATABASE_URL: t.url });
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).toContain('unknown sub-command "delete-all" (expected: purge)');
  });
});
