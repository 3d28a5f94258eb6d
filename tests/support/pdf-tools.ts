/**
 * Reading a PDF back with independent tools (Debian's poppler-utils and openssl): its text in
 * logical order, a rendering to a grey image, its signature as `pdfsig` sees it, and its CMS
 * checked by `openssl cms -verify` against a CA file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const work = () => mkdtempSync(path.join(tmpdir(), 'masar-pdf-'));

function saved(pdf: Buffer): string {
  const file = path.join(work(), 'doc.pdf');
  writeFileSync(file, pdf);
  return file;
}

/** `pdftotext`: the text, right-to-left lines put back in logical order by poppler. */
export function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', saved(pdf), '-'], { encoding: 'utf8' });
}

/** `pdfsig`'s report (it exits non-zero for a document whose signature is not valid). */
export function pdfsig(pdf: Buffer): { status: number; out: string } {
  const r = spawnSync('pdfsig', [saved(pdf)], { encoding: 'utf8' });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** A page rendered to 8-bit grey (`pdftoppm -gray`), as rows of pixels. */
export function renderGrey(pdf: Buffer, page = 1, dpi = 72): { width: number; height: number; pixel(x: number, y: number): number } {
  const dir = work();
  const file = saved(pdf);
  execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', file, path.join(dir, 'page')]);
  const pgm = readFileSync(path.join(dir, 'page.pgm'));
  // Binary PGM: "P5\n<width> <height>\n<max>\n" then one byte a pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 50).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a binary PGM');
  const [all, w, h] = header;
  const width = Number(w);
  const offset = Buffer.byteLength(all as string, 'latin1');
  return { width, height: Number(h), pixel: (x, y) => pgm[offset + y * width + x] ?? 255 };
}

/** The signed byte ranges and the CMS of a PDF's first signature, cut out as `pdfsig` would. */
export function signatureParts(pdf: Buffer): { signed: Buffer; cms: Buffer } {
  const text = pdf.toString('latin1');
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text);
  if (!m) throw new Error('no /ByteRange in the PDF');
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const padded = Buffer.from(pdf.subarray(a + b + 1, c - 1).toString('latin1'), 'hex');
  // The placeholder is zero-padded: the DER header says how long the CMS really is.
  const lengthBytes = (padded[1] ?? 0) & 0x7f;
  const long = ((padded[1] ?? 0) & 0x80) !== 0;
  const length = long ? padded.subarray(2, 2 + lengthBytes).reduce((n, byte) => n * 256 + byte, 0) : lengthBytes;
  return { signed, cms: padded.subarray(0, (long ? 2 + lengthBytes : 2) + length) };
}

/** `openssl cms -verify` of the PDF's signature against `caFile`: true when the chain and digest hold. */
export function opensslVerifies(pdf: Buffer, caFile: string): { ok: boolean; out: string } {
  const dir = work();
  const { signed, cms } = signatureParts(pdf);
  writeFileSync(path.join(dir, 'signed.bin'), signed);
  writeFileSync(path.join(dir, 'sig.der'), cms);
  const r = spawnSync(
    'openssl',
    ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.der', '-content', 'signed.bin', '-CAfile', caFile, '-purpose', 'any', '-out', '/dev/null'],
    { cwd: dir, encoding: 'utf8' },
  );
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}
