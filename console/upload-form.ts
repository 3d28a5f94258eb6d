/**
 * Forms that carry files (`multipart/form-data` from an `<input type="file">`): the filing form and
 * the action forms of the case page. The body is streamed, never held whole: each file goes through
 * the same use case as `POST /api/v1/documents` (`uploadDocument`: sniffing, the field's `accept`
 * and size limit, name sanitising) while the rest of the form is read, so the person submits once
 * and the page then files or acts with the uploads' ids.
 *
 * Hazards:
 * - CSRF: the token must be the form's FIRST part (`{{> csrf}}` opens every form, and browsers send
 *   fields in document order). A file before a valid token is never stored: the whole form is
 *   refused (403) and its bytes are drained. The console's CSRF middleware lets these two routes
 *   through for that reason (`streamsUploads`); nothing else does.
 * - The text parts are bounded (count and size) and checked for text PostgreSQL cannot store, like
 *   the API's input guard does for other bodies.
 * - A file refused (type, size) leaves nothing in the store (the use case deletes it); a file
 *   accepted while another part is refused stays the uploader's alone, unattached, and is offered
 *   back on the re-rendered form (the purge removes it after a day if never used).
 */
import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { unstorableText } from '../api/input-guard';
import type { FileField } from '../definitions/file-fields';
import type { Field, Fields } from '../definitions/schema';
import type { UploadedDocument } from '../usecases/documents';
import { UseCaseError, type FieldError } from '../usecases/errors';
import { KEEP, KEEP_NAME, type PostedForm } from './forms';

/** The routes whose multipart forms are streamed here (filing, actions on a case). */
const STREAMED = [/^\/file$/, /^\/cases\/[^/]+\/actions\/[^/]+$/];

/** Whether `req` is a file-carrying form this module reads (the body parsers and CSRF middleware leave it alone). */
export function streamsUploads(req: Request): boolean {
  return req.method === 'POST' && !!req.is('multipart/form-data') && STREAMED.some((re) => re.test(req.path));
}

/** Text parts read at most, and the longest one (a form's longest field is 5000 characters). */
const MAX_FIELDS = 500;
const MAX_FIELD_BYTES = 64 * 1024;
/** Files in one form at most. */
const MAX_FILES = 20;

/** What a file-carrying form gave: its text fields (uploads in place, by id), the uploads, and the refused files. */
export interface UploadForm {
  /** Text fields as Express' urlencoded parser gives them, each file field's uploads added as ids. */
  form: PostedForm;
  /** Every stored upload, by the input's name (several for a list of files). */
  uploads: Map<string, UploadedDocument[]>;
  /** Files refused (type, size, no such field), at the input's name. */
  errors: FieldError[];
}

/** Stores one file chosen in input `name`, given the text fields read so far (they say what it is for). */
export type Uploader = (name: string, fields: PostedForm, content: Readable, fileName: string) => Promise<UploadedDocument>;

const add = (form: PostedForm, name: string, value: string): void => {
  const had = Object.prototype.hasOwnProperty.call(form, name) ? form[name] : undefined;
  form[name] = had === undefined ? value : Array.isArray(had) ? [...(had as string[]), value] : [had as string, value];
};

const refusal = (status: number, message: string) => Object.assign(new Error(message), { status, expose: true });

const csrfMatches = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Reads a file-carrying form: text fields into `form`, each chosen file through `upload`. Throws the
 * console's CSRF refusal when the token is missing, wrong, or not first; a malformed body is a 400.
 * Refused files come back in `errors` (the use case's words), the rest of the form read anyway.
 */
export function readUploadForm(req: Request, csrf: string, upload: Uploader): Promise<UploadForm> {
  return new Promise<UploadForm>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, files: MAX_FILES, parts: MAX_FIELDS + MAX_FILES, headerPairs: 20 },
      });
    } catch (err) {
      reject(refusal(400, `the form could not be read as multipart/form-data: ${(err as Error).message}`));
      return;
    }
    const form: PostedForm = Object.create(null) as PostedForm;
    const uploads = new Map<string, UploadedDocument[]>();
    const errors: FieldError[] = [];
    const pending: Promise<void>[] = [];
    let trusted = false;
    let parts = 0;
    let refused: Error | undefined;
    const refuse = (err: Error) => (refused ??= err);
    const forged = () => new UseCaseError('forbidden', 'csrf', 'the form expired or came from another site: reload the page and try again');

    parser.on('field', (name, value, info) => {
      parts += 1;
      if (parts === 1) {
        if (name === '_csrf' && csrfMatches(value, csrf)) trusted = true;
        else refuse(forged());
        return;
      }
      if (!trusted) return;
      if (info.valueTruncated) return refuse(refusal(413, `the form field "${name.slice(0, 60)}" is longer than ${MAX_FIELD_BYTES} bytes`));
      const problem = unstorableText(value) ?? unstorableText(name);
      if (problem) {
        errors.push({ path: name, message: problem });
        return;
      }
      add(form, name, value);
    });

    parser.on('file', (name, stream, info) => {
      parts += 1;
      // A file before the token (or after a forged one) is never stored, only drained.
      if (!trusted) {
        refuse(forged());
        stream.resume();
        return;
      }
      const fileName = info.filename ?? '';
      // An input left empty: browsers send a part with no file name (and no bytes).
      if (fileName === '') {
        stream.resume();
        return;
      }
      const fields = { ...form };
      const done = upload(name, fields, stream, fileName).then(
        (doc) => {
          uploads.set(name, [...(uploads.get(name) ?? []), doc]);
        },
        (err: unknown) => {
          // Whatever the use case did, the rest of the part must be read, or the parser never finishes.
          stream.resume();
          if (err instanceof UseCaseError && err.kind !== 'unavailable' && err.kind !== 'forbidden') {
            errors.push({ path: name, message: err.fields?.[0]?.message ?? err.message });
            return;
          }
          refuse(err instanceof Error ? err : new Error(String(err)));
        },
      );
      pending.push(done);
    });

    parser.on('filesLimit', () => refuse(refusal(413, `the form carries more than ${MAX_FILES} files`)));
    parser.on('fieldsLimit', () => refuse(refusal(413, `the form has more than ${MAX_FIELDS} fields`)));
    parser.on('partsLimit', () => refuse(refusal(413, 'the form has too many parts')));
    parser.on('error', (err: Error) => {
      req.unpipe(parser);
      req.resume();
      reject(refusal(400, `the form could not be read as multipart/form-data: ${err.message}`));
    });
    parser.on('close', () => {
      Promise.all(pending).then(
        () => {
          if (!trusted && !refused) refuse(forged());
          if (refused) return reject(refused);
          resolve({ form, uploads, errors });
        },
        reject,
      );
    });
    req.on('aborted', () => reject(refusal(400, 'the form was cut short by the browser')));
    req.pipe(parser);
  });
}

/** The file field behind an input of a generated form, and its path in the definition. */
export interface FileInput {
  field: FileField;
  /** Path under the fields in the definition's terms: `plan`, `owner.fields.id_card`, `rows.fields.scan`. */
  definitionPath: string;
  /** A list of files: the input takes several. */
  multiple: boolean;
}

/**
 * The file field an input named `<prefix>.<path>` stands for in `fields`, or undefined when the
 * name is no file input of these fields (a hostile name, a text field). Names come from the
 * client: only own properties of the declared fields are followed.
 */
export function fileInputAt(fields: Fields, name: string, prefix: string): FileInput | undefined {
  if (!name.startsWith(`${prefix}.`)) return undefined;
  const segments = name.slice(prefix.length + 1).split('.');
  let scope: Fields = fields;
  let field: Field | undefined;
  const definition: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    if (field?.type === 'list') {
      // A row of a list of groups (or lists): an index, not a name in the definition.
      if (!/^\d{1,2}$/.test(seg)) return undefined;
      field = field.of;
      if (field.type === 'group') scope = field.fields;
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(scope, seg)) return undefined;
    field = scope[seg] as Field;
    definition.push(definition.length === 0 ? seg : `fields.${seg}`);
    if (field.type === 'group') scope = field.fields;
  }
  if (field?.type === 'file') return { field, definitionPath: definition.join('.'), multiple: false };
  if (field?.type === 'list' && field.of.type === 'file') return { field: field.of, definitionPath: definition.join('.'), multiple: true };
  return undefined;
}

/**
 * Puts the documents of a file-carrying form where the form's parser reads them: each file input's
 * value becomes its documents' ids (a new choice replaces what a single input kept; a list keeps
 * the ticked ones and adds the new), and the same ids are remembered under `_keep.<name>` with
 * their names, so a refused form offers them back.
 */
export function withUploads(read: UploadForm, inputOf: (name: string) => FileInput | undefined): PostedForm {
  const form: PostedForm = { ...read.form };
  const names = new Set<string>([...read.uploads.keys(), ...Object.keys(form).filter((k) => k.startsWith(KEEP)).map((k) => k.slice(KEEP.length))]);
  for (const name of names) {
    const input = inputOf(name);
    const keptRaw = form[`${KEEP}${name}`];
    delete form[`${KEEP}${name}`];
    if (!input) continue;
    const kept = (Array.isArray(keptRaw) ? keptRaw : typeof keptRaw === 'string' ? [keptRaw] : []).filter((v): v is string => typeof v === 'string');
    const fresh = read.uploads.get(name) ?? [];
    for (const doc of fresh) form[`${KEEP_NAME}${doc.id}`] = doc.fileName;
    const ids = input.multiple ? [...kept, ...fresh.map((d) => d.id)] : fresh.length > 0 ? fresh.map((d) => d.id) : kept;
    if (ids.length === 0) continue;
    form[name] = ids.length === 1 ? (ids[0] as string) : ids;
    form[`${KEEP}${name}`] = ids;
  }
  return form;
}
