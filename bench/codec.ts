/**
 * Micro-measure of the payload codec (`config/payload-codec.ts`): encode and decode operations a
 * second on a typical case input (a compiled procedure of about 20 kB plus the applicant's data),
 * and on a small payload (an activity's result). One process, no server; not part of `npm run bench`.
 *
 *   npx tsx bench/codec.ts [--seconds=3]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, parsePayloadKeys } from '../config/payload-codec';
import { compileProcedure } from '../definitions/compile';
import { loadProcedureSource } from '../definitions/load';

const seconds = Number(/^--seconds=(\d+(\.\d+)?)$/.exec(process.argv[2] ?? '')?.[1] ?? 3);
const file = path.join(__dirname, '..', 'definitions', 'procedures', 'acces-information.yaml');
const loaded = loadProcedureSource(readFileSync(file, 'utf8'), file);
if (!loaded.ok) throw new Error(`${file} does not load`);
const converter = new DefaultPayloadConverter();
const caseInput = converter.toPayload({
  caseId: 'c-0001',
  reference: 'AI-2026-000001',
  procedure: compileProcedure(loaded.procedure),
  unit: { code: '01.511.01.01', name: { fr: 'Tanger', ar: 'طنجة' } },
  applicant: { id: 'citizen-1', name: 'Amina Benali', email: 'amina@example.ma', language: 'fr' },
  data: { subject: 'Le budget communal 2025 et ses annexes'.repeat(4), format: 'electronic', urgent: false },
});
const small = converter.toPayload({ ok: true, sequence: 12, dueAt: '2026-12-24T23:59:59.000Z' });
const codec = new EncryptionCodec(parsePayloadKeys(`k1:${randomBytes(32).toString('hex')}`, 'bench'));

async function rate(label: string, payload: Payload): Promise<string> {
  const [sealed] = await codec.encode([payload]);
  const measure = async (op: () => Promise<unknown>) => {
    for (let i = 0; i < 200; i += 1) await op(); // warm-up
    let n = 0;
    const started = process.hrtime.bigint();
    const until = started + BigInt(Math.round(seconds * 1e9));
    while (process.hrtime.bigint() < until) {
      for (let i = 0; i < 100; i += 1) await op();
      n += 100;
    }
    return n / (Number(process.hrtime.bigint() - started) / 1e9);
  };
  const enc = await measure(() => codec.encode([payload]));
  const dec = await measure(() => codec.decode([sealed as Payload]));
  const size = payload.data?.length ?? 0;
  return `| ${label} | ${size} B | +${(sealed?.data?.length ?? 0) - size} B | ${Math.round(enc)} | ${Math.round(dec)} | ${((1e6 / enc) + (1e6 / dec)).toFixed(1)} µs |`;
}

async function main(): Promise<void> {
  console.log(`payload codec (AES-256-GCM), node ${process.version}, ${seconds} s per figure, one thread`);
  console.log('| payload | size | sealed data overhead | encode/s | decode/s | encode+decode |');
  console.log('|---|---|---|---|---|---|');
  console.log(await rate('case input (compiled procedure + data)', caseInput));
  console.log(await rate('activity result (small)', small));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
