/**
 * The input of an action (a fee, a refusal ground, a document) put in words for a message: each
 * field the action declares and the actor filled, with its label and its value as text in both
 * languages, so a template states it without knowing the procedure (`{{#each inputs}}`).
 * Pure and sandbox-safe: the workflow computes it when the action is applied.
 */
import type { Field, Fields, Label } from '../definitions/schema';

/** One filled field of an action's input, ready for a template. */
export interface InputLine {
  /** The field's key in the action's input. */
  name: string;
  label: Label;
  /** The value in words: a choice's option label, "oui"/"نعم", numbers and texts as written. */
  text: Label;
}

const same = (text: string): Label => ({ fr: text, ar: text });
const YES: Label = { fr: 'oui', ar: 'نعم' };
const NO: Label = { fr: 'non', ar: 'لا' };

function joinLabels(parts: Label[], separator: Label): Label {
  return { fr: parts.map((p) => p.fr).join(separator.fr), ar: parts.map((p) => p.ar).join(separator.ar) };
}

/** The value of one field in words, or undefined when there is nothing to say (empty, malformed). */
function textOf(field: Field, value: unknown): Label | undefined {
  if (value === undefined || value === null) return undefined;
  switch (field.type) {
    case 'text':
    case 'date':
    case 'file':
      return typeof value === 'string' && value.trim() !== '' ? same(value.trim()) : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? same(String(value)) : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? (value ? YES : NO) : undefined;
    case 'choice': {
      if (typeof value !== 'string' || value.trim() === '') return undefined;
      return field.options.find((o) => o.value === value)?.label ?? same(value);
    }
    case 'list': {
      if (!Array.isArray(value)) return undefined;
      const items = value.map((v) => textOf(field.of, v)).filter((t): t is Label => t !== undefined);
      return items.length > 0 ? joinLabels(items, { fr: ', ', ar: '، ' }) : undefined;
    }
    case 'group': {
      if (typeof value !== 'object' || Array.isArray(value)) return undefined;
      const lines = describeInput(field.fields, value as Record<string, unknown>);
      if (lines.length === 0) return undefined;
      return joinLabels(
        lines.map((l) => ({ fr: `${l.label.fr} : ${l.text.fr}`, ar: `${l.label.ar}: ${l.text.ar}` })),
        { fr: ' ; ', ar: '؛ ' },
      );
    }
    default: {
      const never: never = field;
      throw new Error(`unknown field type ${String((never as Field).type)}`);
    }
  }
}

/**
 * The filled fields of `input`, in the order the action declares them. Keys the action does not
 * declare are left out: the validator rejected them already, and a message says only what the
 * procedure names.
 */
export function describeInput(fields: Fields | undefined, input: Record<string, unknown> | undefined): InputLine[] {
  if (!fields || !input) return [];
  const lines: InputLine[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const text = textOf(field, input[name]);
    if (text) lines.push({ name, label: field.label, text });
  }
  return lines;
}
