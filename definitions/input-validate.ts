/**
 * Validates a value against a procedure's typed fields (the applicant's input, an action's input).
 * Pure and synchronous: it runs in Temporal Update validators inside the workflow sandbox and in
 * the API before filing, so both give the same field-by-field errors.
 */
import type { Field, Fields } from './schema';

export interface InputError {
  /** Dotted path of the field (`documents.0.name`), `''` for the input as a whole. */
  path: string;
  message: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A document id: a lowercase UUID (documents/store.ts makes them). */
export const DOCUMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Keys that could reach a prototype if a careless consumer merged the input into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function isRealDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function checkField(field: Field, value: unknown, path: string, errors: InputError[]): void {
  switch (field.type) {
    case 'text':
      if (typeof value !== 'string') return void errors.push({ path, message: `expected text, got ${describe(value)}` });
      if (field.required && value.trim() === '') errors.push({ path, message: 'is required' });
      if (field.minLength !== undefined && value.length < field.minLength)
        errors.push({ path, message: `must be at least ${field.minLength} characters` });
      if (field.maxLength !== undefined && value.length > field.maxLength)
        errors.push({ path, message: `must be at most ${field.maxLength} characters` });
      if (field.pattern !== undefined && !new RegExp(field.pattern).test(value))
        errors.push({ path, message: `does not match the expected format ${field.pattern}` });
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return void errors.push({ path, message: `expected a number, got ${describe(value)}` });
      if (field.integer && !Number.isInteger(value)) errors.push({ path, message: 'must be a whole number' });
      if (field.min !== undefined && value < field.min) errors.push({ path, message: `must be at least ${field.min}` });
      if (field.max !== undefined && value > field.max) errors.push({ path, message: `must be at most ${field.max}` });
      return;
    case 'date':
      if (typeof value !== 'string' || !isRealDate(value))
        errors.push({ path, message: `expected a date as YYYY-MM-DD, got ${describe(value)}` });
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push({ path, message: `expected true or false, got ${describe(value)}` });
      return;
    case 'choice': {
      const allowed = field.options.map((o) => o.value);
      if (typeof value !== 'string' || !allowed.includes(value))
        errors.push({ path, message: `must be one of ${allowed.map((v) => `"${v}"`).join(', ')}, got ${describe(value)}` });
      return;
    }
    case 'file':
      // A document id returned by POST /api/v1/documents, never the content itself. Whether the
      // document exists, is the caller's and fits `accept` is checked by the use cases (I/O).
      if (typeof value !== 'string' || !DOCUMENT_ID.test(value))
        errors.push({ path, message: `expected a document id (as POST /api/v1/documents returns), got ${describe(value)}` });
      return;
    case 'list':
      if (!Array.isArray(value)) return void errors.push({ path, message: `expected a list, got ${describe(value)}` });
      if (field.minItems !== undefined && value.length < field.minItems)
        errors.push({ path, message: `must have at least ${field.minItems} items` });
      if (field.maxItems !== undefined && value.length > field.maxItems)
        errors.push({ path, message: `must have at most ${field.maxItems} items` });
      value.forEach((item, i) => checkField(field.of, item, join(path, i), errors));
      return;
    case 'group':
      if (!isPlainObject(value)) return void errors.push({ path, message: `expected an object, got ${describe(value)}` });
      checkFields(field.fields, value, path, errors);
      return;
    default: {
      const never: never = field;
      throw new Error(`unknown field type ${JSON.stringify(never)}`);
    }
  }
}

function checkFields(fields: Fields, value: Record<string, unknown>, path: string, errors: InputError[]): void {
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) errors.push({ path: join(path, key), message: 'is not an allowed field name' });
    else if (!Object.prototype.hasOwnProperty.call(fields, key)) errors.push({ path: join(path, key), message: 'is not a field of this form' });
  }
  for (const [key, field] of Object.entries(fields)) {
    const present = Object.prototype.hasOwnProperty.call(value, key) && value[key] !== undefined && value[key] !== null;
    if (!present) {
      if (field.required) errors.push({ path: join(path, key), message: 'is required' });
      continue;
    }
    checkField(field, value[key], join(path, key), errors);
  }
}

/** Every error in `value` against `fields`; an empty list means valid. */
export function validateInput(fields: Fields, value: unknown): InputError[] {
  const errors: InputError[] = [];
  if (value === undefined || value === null) value = {};
  if (!isPlainObject(value)) return [{ path: '', message: `expected an object of fields, got ${describe(value)}` }];
  checkFields(fields, value, '', errors);
  return errors;
}
