/**
 * A small RFC 4180 CSV reader for operator-supplied files (the territorial directory import).
 * Handles quoted fields holding commas, quotes (`""`) and line breaks, CRLF or LF line ends and a
 * UTF-8 byte order mark. Lines starting with `#` outside a quoted field are comments (attribution
 * lines such as `# Source: HCP, RGPH 2024 (CC BY 4.0)`), blank lines are skipped.
 */

/** One record and the 1-based line of the file it starts on, for error reports. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record is malformed (an unterminated quote, text after a closing quote). */
  error?: string;
}

/** Splits CSV text into records; never throws, a malformed record carries its `error`. */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;

  while (i < src.length) {
    const start = line;
    // A comment or blank line is recognised only at the start of a record.
    if (src[i] === '#' || src[i] === '\n' || (src[i] === '\r' && src[i + 1] === '\n')) {
      const end = src.indexOf('\n', i);
      i = end === -1 ? src.length : end + 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    let error: string | undefined;
    let field = '';
    let endOfRecord = false;
    while (!endOfRecord) {
      if (src[i] === '"') {
        // Quoted field: runs to the next quote not doubled.
        i++;
        let closed = false;
        while (i < src.length) {
          const c = src[i];
          if (c === '"') {
            if (src[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (!closed) error ??= `unterminated quoted field (a " opened on line ${start} is never closed)`;
        // After the closing quote only a separator or the end of the line may follow.
        while (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') {
          error ??= `unexpected text after a closing quote in field ${fields.length + 1} (quote the whole field and double inner quotes: "")`;
          field += src[i];
          i++;
        }
      } else {
        while (i < src.length && src[i] !== ',' && src[i] !== '\n' && !(src[i] === '\r' && src[i + 1] === '\n')) {
          field += src[i];
          i++;
        }
      }
      fields.push(field);
      field = '';
      if (src[i] === ',') {
        i++;
        continue;
      }
      // End of line or of the text.
      if (src[i] === '\r') i++;
      if (src[i] === '\n') {
        i++;
        line++;
      }
      endOfRecord = true;
    }
    records.push(error === undefined ? { line: start, fields } : { line: start, fields, error });
  }
  return records;
}
