/**
 * The media type of a document from its first bytes (its magic number), never from what the
 * client declared: a PNG sent as `application/pdf` is a PNG. Only the types a procedure is likely
 * to accept are recognised; anything else is `application/octet-stream`, which no `accept` list
 * matches unless it says so.
 */

/** How many leading bytes `sniffMediaType` looks at. */
export const SNIFF_BYTES = 16;

/** Whether `bytes` starts with `signature` at `offset` (`undefined` in the signature matches any byte). */
function startsWith(bytes: Uint8Array, signature: (number | undefined)[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => b === undefined || bytes[offset + i] === b);
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** Signatures in the order they are tried; the first match wins. */
const SIGNATURES: { mediaType: string; match: (bytes: Uint8Array) => boolean }[] = [
  { mediaType: 'application/pdf', match: (b) => startsWith(b, ascii('%PDF-')) },
  { mediaType: 'image/png', match: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mediaType: 'image/jpeg', match: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { mediaType: 'image/gif', match: (b) => startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a')) },
  { mediaType: 'image/webp', match: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8) },
  { mediaType: 'image/tiff', match: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]) },
  // Office documents (docx, odt...) are zip archives; telling them apart needs the archive's contents.
  { mediaType: 'application/zip', match: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) },
];

/** The media type `bytes` (a document's first `SNIFF_BYTES` bytes or more) starts like. */
export function sniffMediaType(bytes: Uint8Array): string {
  return SIGNATURES.find((s) => s.match(bytes))?.mediaType ?? 'application/octet-stream';
}

/**
 * Whether a sniffed media type is one `accept` allows: exact types (`application/pdf`) and
 * wildcards of a top-level type (`image/*`). An absent `accept` allows anything.
 */
export function acceptsMediaType(accept: readonly string[] | undefined, mediaType: string): boolean {
  if (!accept || accept.length === 0) return true;
  const [top] = mediaType.split('/');
  return accept.some((a) => {
    const wanted = a.trim().toLowerCase();
    return wanted === mediaType || wanted === '*/*' || (wanted.endsWith('/*') && wanted.slice(0, -2) === top);
  });
}
