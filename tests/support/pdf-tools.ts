/**
 * Reading a PDF back with independent tools (Debian's poppler-utils, libnss3-tools and openssl):
 * its text in logical order, a rendering to a grey image, the QR code read from that rendering
 * (jsQR), its signature as `pdfsig` sees it (optionally against an NSS database trusting a CA),
 * and its CMS checked by `openssl cms -verify` against a CA file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import jsQR from 'jsqr';
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

/**
 * `pdfsig`'s report (it exits non-zero for a document whose signature is not valid). With
 * `nssDir` (from `nssTrusting`), it also validates the signer's certificate against that
 * database's trusted CAs: "Certificate is Trusted." only for a chain ending at one of them.
 */
export function pdfsig(pdf: Buffer, nssDir?: string): { status: number; out: string } {
  const r = spawnSync('pdfsig', [...(nssDir ? ['-nssdir', `sql:${nssDir}`] : []), saved(pdf)], { encoding: 'utf8' });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** A new NSS database (`certutil`, Debian's libnss3-tools) trusting `caFile` to issue signers' certificates. */
export function nssTrusting(caFile: string): string {
  const dir = work();
  execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password'], { stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync('certutil', ['-A', '-d', `sql:${dir}`, '-n', path.basename(caFile), '-t', 'CT,C,C', '-i', caFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  return dir;
}

/** The number of pages (`pdfinfo`). */
export function pdfPages(pdf: Buffer): number {
  const pages = /^Pages:\s+(\d+)$/m.exec(execFileSync('pdfinfo', [saved(pdf)], { encoding: 'utf8' }))?.[1];
  if (!pages) throw new Error('pdfinfo did not say how many pages the PDF has');
  return Number(pages);
}

/** The text of the QR code printed on `page` (default: the last), read from its rendering as a phone would; undefined when none is found. */
export function readQrCode(pdf: Buffer, page = pdfPages(pdf), dpi = 100): string | undefined {
  const image = renderGrey(pdf, page, dpi);
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) {
      const i = (y * image.width + x) * 4;
      const v = image.pixel(x, y);
      rgba[i] = v;
      rgba[i + 1] = v;
      rgba[i + 2] = v;
      rgba[i + 3] = 255;
    }
  }
  return jsQR(rgba, image.width, image.height)?.data;
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
