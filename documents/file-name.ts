/**
 * Client file names made safe to keep and to send back: a name is only ever shown and put in a
 * `Content-Disposition` header, never used as a path, but it still must not carry a path, control
 * characters (NUL, newlines that would split a header), bidirectional overrides that disguise an
 * extension (`invoice\u202Efdp.exe`), characters PostgreSQL cannot store, or unbounded length.
 */

/** Longest kept name, in characters (the extension is kept when a name is cut). */
export const MAX_FILE_NAME = 150;

// C0 and C1 controls, DEL, bidirectional marks and overrides, zero-width and BOM characters,
// line and paragraph separators, and lone surrogates (not valid UTF-8: PostgreSQL refuses them).
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Characters Windows refuses in names, and the quote that would end a quoted header parameter.
const RESERVED = /[<>:"/\\|?*]/g;

/** Extensions for a name that sanitising emptied, by sniffed media type. */
const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/tiff': '.tif',
  'application/zip': '.zip',
};

/** Cuts `name` to `max` characters (whole code points), keeping a short extension. */
function cut(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? [...name.slice(dot)] : [];
  if (ext.length > 0 && ext.length <= 10) return chars.slice(0, max - ext.length).join('') + ext.join('');
  return chars.slice(0, max).join('');
}

/**
 * A safe display name for the file the client called `given`: its last path segment, without
 * unsafe or reserved characters, NFC-normalised, trimmed of dots and spaces, at most
 * `MAX_FILE_NAME` characters; `document.<ext>` when nothing is left.
 */
export function sanitiseFileName(given: string | undefined, mediaType: string): string {
  const lastSegment = (given ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment.normalize('NFC').replace(/[\t\n\v\f\r]/g, ' ').replace(UNSAFE, '').replace(RESERVED, '_').replace(/\s+/g, ' ');
  const trimmed = cut(cleaned.replace(/^[\s.]+|[\s.]+$/g, ''), MAX_FILE_NAME).replace(/^[\s.]+|[\s.]+$/g, '');
  return trimmed === '' ? `document${EXTENSIONS[mediaType] ?? ''}` : trimmed;
}

/** RFC 3986 percent-encoding of UTF-8 bytes, as RFC 8187 `ext-value`s need (`attr-char` kept). */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `Content-Disposition: attachment` for a sanitised name (RFC 6266): an ASCII fallback in
 * `filename` for old clients, and the exact name in `filename*` (UTF-8, percent-encoded).
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\%]/g, '_').trim() || 'document';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(fileName)}`;
}
