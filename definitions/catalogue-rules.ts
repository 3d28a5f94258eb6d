/**
 * Whole-document rules of a procedure's catalogue (law 55-19): the published deadline names a
 * clock of the procedure, a document names an input field that exists, and a request for
 * documents asks only for documents the catalogue publishes (law 55-19, art. 6: the
 * administration may not ask for a document its published list does not name).
 */
import type { KeyPath, Problem } from './errors';
import type { Field, Procedure } from './schema';
import { didYouMean, humanList } from './suggest';

/**
 * The input field by which an action asks the applicant for documents. In a procedure with a
 * catalogue, its options (a choice, or a list of choices) must be catalogue documents.
 */
export const DOCUMENTS_REQUEST_FIELD = 'documents';

const has = (table: object, name: string): boolean => Object.hasOwn(table, name);

/** The choice a documents request offers: the field itself or the items of a list. */
function requestedChoice(field: Field): Extract<Field, { type: 'choice' }> | undefined {
  if (field.type === 'choice') return field;
  if (field.type === 'list' && field.of.type === 'choice') return field.of;
  return undefined;
}

function documentRequests(procedure: Procedure, documents: string[]): Problem[] {
  const problems: Problem[] = [];
  for (const [name, state] of Object.entries(procedure.states)) {
    if (state.kind === 'final') continue;
    for (const [action, def] of Object.entries(state.actions)) {
      const field = def.input?.[DOCUMENTS_REQUEST_FIELD];
      if (!field || def.by.includes('applicant')) continue;
      const path: KeyPath = ['states', name, 'actions', action, 'input', DOCUMENTS_REQUEST_FIELD];
      const choice = requestedChoice(field);
      if (!choice) {
        problems.push({
          path: [...path, 'type'],
          at: 'value',
          message: `a request for documents must offer the catalogue's documents as a choice (or a list of choices), not a ${field.type}`,
          hint: `write type: list with of: { type: choice, options: [...] } naming ${humanList(documents)}`,
        });
        continue;
      }
      const optionsPath: KeyPath = field.type === 'list' ? [...path, 'of', 'options'] : [...path, 'options'];
      choice.options.forEach((option, i) => {
        if (documents.includes(option.value)) return;
        const hint = didYouMean(option.value, documents) ?? `the catalogue publishes ${humanList(documents)}`;
        problems.push({
          path: [...optionsPath, i, 'value'],
          at: 'value',
          message: `document "${option.value}" is not in the catalogue: law 55-19 allows asking only for published documents`,
          hint,
        });
      });
    }
  }
  return problems;
}

/** Problems of `procedure.catalogue`; none when the procedure has no catalogue. */
export function catalogueProblems(procedure: Procedure): Problem[] {
  const { catalogue } = procedure;
  if (!catalogue) return [];
  const problems: Problem[] = [];
  const clocks = Object.keys(procedure.clocks);
  if (!has(procedure.clocks, catalogue.deadline.clock)) {
    problems.push({
      path: ['catalogue', 'deadline', 'clock'],
      at: 'value',
      message: `unknown clock "${catalogue.deadline.clock}": the published deadline is one of the procedure's clocks`,
      hint: didYouMean(catalogue.deadline.clock, clocks) ?? (clocks.length ? `declared clocks: ${clocks.join(', ')}` : 'declare the clock under clocks'),
    });
  }
  const fields = Object.keys(procedure.input);
  for (const [name, doc] of Object.entries(catalogue.documents)) {
    if (doc.field === undefined || has(procedure.input, doc.field)) continue;
    problems.push({
      path: ['catalogue', 'documents', name, 'field'],
      at: 'value',
      message: `unknown input field "${doc.field}"`,
      hint: didYouMean(doc.field, fields) ?? (fields.length ? `input fields: ${fields.join(', ')}` : 'the procedure has no input fields'),
    });
  }
  problems.push(...documentRequests(procedure, Object.keys(catalogue.documents)));
  return problems;
}
