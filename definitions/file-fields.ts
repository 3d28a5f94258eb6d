/**
 * The `type: file` fields of a procedure and the document ids a value names in them. Pure: the
 * upload route resolves the field a document is uploaded for (its `accept` and `maxSize`), and
 * the filing and action use cases find every document id an input names, with the field that
 * governs it, to check and attach them.
 *
 * A field is named by its path in the definition: `input.plans` for the filing input,
 * `states.review.actions.complete.input.documents` for an action's; a list names its items'
 * field, a group's members go through `fields` (`input.owner.fields.id_card`).
 */
import type { CompiledProcedure } from './compiled';
import { FILE_SIZE, type Field, type Fields } from './schema';

export type FileField = Extract<Field, { type: 'file' }>;

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `maxSize` in bytes (`20 MB` -> 20971520), or undefined when the field sets none. */
export function maxSizeBytes(field: FileField): number | undefined {
  const size = field.maxSize;
  if (size === undefined) return undefined;
  if (typeof size === 'number') return size;
  const m = FILE_SIZE.exec(size.trim());
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * (UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

/** Every file field under `fields`, by definition path. */
function collect(fields: Fields, prefix: string, out: Map<string, FileField>): void {
  const visit = (field: Field, at: string): void => {
    switch (field.type) {
      case 'file':
        out.set(at, field);
        return;
      case 'list':
        return visit(field.of, at);
      case 'group':
        for (const [key, inner] of Object.entries(field.fields)) visit(inner, `${at}.fields.${key}`);
        return;
      case 'text':
      case 'number':
      case 'date':
      case 'boolean':
      case 'choice':
        return;
      default: {
        const never: never = field;
        throw new Error(`unknown field type ${JSON.stringify(never)}`);
      }
    }
  };
  for (const [key, field] of Object.entries(fields)) visit(field, `${prefix}.${key}`);
}

/** Every file field of a procedure (filing input and every action's input), by definition path. */
export function fileFields(procedure: Pick<CompiledProcedure, 'input' | 'states'>): Map<string, FileField> {
  const out = new Map<string, FileField>();
  collect(procedure.input, 'input', out);
  for (const [name, state] of Object.entries(procedure.states)) {
    for (const [action, def] of Object.entries(state.actions)) collect(def.input, `states.${name}.actions.${action}.input`, out);
  }
  return out;
}

/** One document id named by a value, where, and the field that governs it. */
export interface FileReference {
  id: string;
  /** Path in the value: `plans`, `documents.1`, `owner.id_card`. */
  path: string;
  field: FileField;
}

/**
 * The document ids `value` names in the file fields of `fields`, in order. Values of the wrong
 * shape are skipped: `validateInput` reports them.
 */
export function fileReferences(fields: Fields, value: unknown): FileReference[] {
  const out: FileReference[] = [];
  const visit = (field: Field, v: unknown, at: string): void => {
    if (v === undefined || v === null) return;
    switch (field.type) {
      case 'file':
        if (typeof v === 'string') out.push({ id: v, path: at, field });
        return;
      case 'list':
        if (Array.isArray(v)) v.forEach((item, i) => visit(field.of, item, `${at}.${i}`));
        return;
      case 'group':
        if (typeof v === 'object' && !Array.isArray(v)) walk(field.fields, v as Record<string, unknown>, at);
        return;
      case 'text':
      case 'number':
      case 'date':
      case 'boolean':
      case 'choice':
        return;
      default: {
        const never: never = field;
        throw new Error(`unknown field type ${JSON.stringify(never)}`);
      }
    }
  };
  const walk = (fs: Fields, v: Record<string, unknown>, at: string): void => {
    for (const [key, field] of Object.entries(fs)) {
      if (Object.prototype.hasOwnProperty.call(v, key)) visit(field, v[key], at ? `${at}.${key}` : key);
    }
  };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) walk(fields, value as Record<string, unknown>, '');
  return out;
}
