/**
 * The model of the case page, for everyone who may see the case (the same `readCase` as the API:
 * applicant, staff of its units, supervisors above): applicant data and documents (only with
 * `access.personal`), the timeline (journal and messages sent), the procedure's diagram with the
 * current state highlighted, the clocks, and each available action as a generated form.
 *
 * A form that was refused comes back with what was typed and its errors; every rendered form gets
 * a fresh idempotency key, so a double submit acts once and a corrected form acts anew.
 */
import { randomUUID } from 'node:crypto';
import { procedureGraph } from '../definitions/diagram';
import { diagramSvg } from '../definitions/diagram-svg';
import type { CompiledProcedure } from '../definitions/compiled';
import type { Field, Fields, Label } from '../definitions/schema';
import type { AvailableAction } from '../usecases/available-actions';
import type { FieldError } from '../usecases/errors';
import type { Principal } from '../usecases/principal';
import { readCase, readCaseJournal, readCaseMessages } from '../usecases/read-cases';
import { UseCaseError } from '../usecases/errors';
import type { CaseView } from '../workflows/messages';
import type { CaseSupport } from './case-support';
import type { ConsoleContext } from './context';
import type { ReadRoute } from '../usecases/access-log';
import { clockLines, countdownBadge } from './deadlines';
import { errorWords, formFields, holdsFiles, sizeText, valueText, type PostedForm } from './forms';
import { listDocumentsOfCase, type DocumentSummary } from '../usecases/documents';
import type { JournalRow } from '../db/journal';
import { ownValue } from '../definitions/compiled';
import { hasMessage, translate, type ConsoleLanguage } from './i18n';

/** A refused action form to show again: the action, what was posted, and the errors. */
export interface RefusedForm {
  action: string;
  form: PostedForm;
  /** Paths relative to the action's input, or `comment`; `''` for the action as a whole. */
  errors: FieldError[];
  /** The use case's message when no field carries it. */
  message?: string;
}

/** Timeline entries shown at most (the journal of a long case is paged by the API). */
const TIMELINE_MAX = 300;

const bilingual = (ctx: { fr: string; ar: string }): Label => ctx;
const catalogueLabel = (key: string): Label => bilingual({ fr: translate('fr', key), ar: translate('ar', key) });

/**
 * The input fields of an available action in the procedure language. Procedure actions carry
 * them; built-in supervisor actions describe theirs in a smaller shape (`{ type, options }` with
 * bare values), turned here into fields labelled from the catalogue and the procedure.
 */
export function actionFields(action: AvailableAction, procedure: CompiledProcedure | undefined): Fields {
  if (!action.input) return {};
  if (action.kind === 'procedure') return action.input as Fields;
  const fields: Fields = {};
  for (const [name, spec] of Object.entries(action.input)) {
    const s = (typeof spec === 'object' && spec !== null ? spec : {}) as { type?: unknown; options?: unknown; required?: unknown; optionLabels?: unknown };
    // A unit picker (`escalation.reassign`) names its units in `optionLabels`.
    const named = (value: string): Label | undefined => {
      const labels = s.optionLabels;
      if (typeof labels !== 'object' || labels === null || !Object.prototype.hasOwnProperty.call(labels, value)) return undefined;
      const l = (labels as Record<string, unknown>)[value] as { fr?: unknown; ar?: unknown } | null;
      return l && typeof l.fr === 'string' && typeof l.ar === 'string' ? { fr: l.fr, ar: l.ar } : undefined;
    };
    const label = catalogueLabel(`field.${name === 'unit' || name === 'assignee' || name === 'clock' || name === 'state' ? name : 'other'}`);
    const required = s.required === true;
    if (s.type === 'choice' && Array.isArray(s.options)) {
      const options = s.options
        .filter((o): o is string => typeof o === 'string' && o !== '')
        .map((value) => ({ value, label: (name === 'state' ? procedure?.states[value]?.label : name === 'clock' ? procedure?.clocks[value]?.label : named(value)) ?? { fr: value, ar: value } }));
      if (options.length > 0) fields[name] = { type: 'choice', label, required, options };
    } else fields[name] = { type: 'text', label, required, maxLength: 100 };
  }
  return fields;
}

/** Whether taking `action` pauses a legal clock (it leads to a state where a clock is suspended). */
function pausesClock(action: AvailableAction, view: CaseView, procedure: CompiledProcedure | undefined): boolean {
  const to = procedure?.states[view.state]?.actions[action.action]?.to;
  return !!to && Object.values(procedure?.clocks ?? {}).some((c) => c.suspendedIn.includes(to));
}

function actionLabel(action: AvailableAction, lang: ConsoleLanguage): string {
  const key = `action.builtin.${action.action.replace('.', '_')}`;
  if (action.kind !== 'procedure' && hasMessage(lang, key)) return translate(lang, key);
  return action.label?.[lang] ?? action.action;
}

/** The form of one action, fresh or refused. */
function actionForm(action: AvailableAction, view: CaseView, procedure: CompiledProcedure | undefined, lang: ConsoleLanguage, refused: RefusedForm | undefined, fileLimit: number | undefined) {
  const mine = refused?.action === action.action ? refused : undefined;
  const fields = actionFields(action, procedure);
  const commentError = mine?.errors.find((e) => e.path === 'comment');
  const inputErrors = (mine?.errors ?? []).filter((e) => e.path !== 'comment' && e.path !== '');
  const whole = (mine?.errors ?? []).find((e) => e.path === '');
  const known = new Set(Object.keys(fields));
  const stray = inputErrors.filter((e) => !known.has(e.path.split('.')[0] ?? ''));
  const id = `action-${action.action.replace(/[^a-z0-9_-]/g, '-')}`;
  return {
    id,
    action: action.action,
    kind: action.kind,
    label: actionLabel(action, lang),
    fields: formFields(fields, lang, { form: mine?.form ?? {}, errors: inputErrors, prefix: 'input', idPrefix: id, ...(fileLimit !== undefined ? { fileLimit } : {}) }),
    // A form with a file input is sent as multipart/form-data (console/upload-form.ts reads it).
    hasFiles: Object.values(fields).some(holdsFiles),
    reasonRequired: action.reasonRequired,
    comment: typeof mine?.form.comment === 'string' ? mine.form.comment : '',
    commentError: commentError ? errorWords(lang, commentError.message) : undefined,
    key: randomUUID(),
    refused: !!mine,
    problem: mine ? [whole?.message, ...stray.map((e) => `${e.path}: ${e.message}`), mine.errors.length === 0 ? mine.message : undefined].filter(Boolean).join('; ') : undefined,
    pausesClock: pausesClock(action, view, procedure),
    dueAt: action.dueAt,
    danger: action.kind === 'procedure' && /refus|reject|rejet/.test(action.action),
  };
}

/** The diagram of the procedure in `lang`, the current state marked (a class the stylesheet outlines, and words beside it). */
function diagram(procedure: CompiledProcedure, state: string, lang: ConsoleLanguage): string {
  const svg = diagramSvg(procedureGraph(procedure, lang));
  // Masar's own SVG: state ids are identifiers (`^[a-z][a-z0-9_]*$`), safe in the attribute.
  return svg
    .replace('<svg ', `<svg role="img" aria-labelledby="diagram-caption" focusable="false" `)
    .replace(new RegExp(`<g class="state ([a-z]+)" id="state-${state}">`), `<g class="state $1 masar-current" id="state-${state}">`);
}

function timelineKind(kind: string, from: string | undefined, procedure: CompiledProcedure | undefined, lang: ConsoleLanguage): string {
  const key = `timeline.kind.${kind.replace(/\./g, '_')}`;
  if (/^[a-z_.]+$/.test(kind) && hasMessage(lang, key)) return translate(lang, key);
  const action = from ? procedure?.states[from]?.actions[kind] : undefined;
  return action?.label[lang] ?? kind;
}

/** The label of the field a document was attached as (`data.plan`, `answer:input.documents.0`), in `lang`. */
function attachedLabel(attachedAs: string | null, procedure: CompiledProcedure | undefined, lang: ConsoleLanguage): string | undefined {
  if (!attachedAs || !procedure) return undefined;
  const m = /^(?:data|([a-z][a-z0-9_.]*):input)\.(.+)$/.exec(attachedAs);
  if (!m) return undefined;
  let fields: Fields | undefined = procedure.input;
  if (m[1]) {
    fields = undefined;
    for (const state of Object.values(procedure.states)) {
      const action = ownValue(state.actions, m[1]);
      if (action) {
        fields = action.input;
        break;
      }
    }
  }
  let field: Field | undefined;
  for (const seg of (m[2] as string).split('.')) {
    if (/^\d+$/.test(seg)) continue;
    if (!fields || !Object.prototype.hasOwnProperty.call(fields, seg)) return field?.label[lang];
    field = fields[seg] as Field;
    fields = field.type === 'group' ? field.fields : field.type === 'list' && field.of.type === 'group' ? field.of.fields : undefined;
  }
  return field?.label[lang];
}

/**
 * One line of the documents list: name, type, size, field, who sent it and when, a short hash,
 * and its download link. Who: the applicant for the filing's documents; for an action's, the
 * actor of that action in the journal (the first entry of it after the attachment).
 */
function documentLine(d: DocumentSummary, procedure: CompiledProcedure | undefined, journal: readonly JournalRow[], applicantId: string, lang: ConsoleLanguage) {
  const action = d.attachedAs && !d.attachedAs.startsWith('data.') ? d.attachedAs.split(':')[0] : undefined;
  const entry = action && d.attachedAt ? journal.find((e) => e.kind === action && Date.parse(e.at) >= Date.parse(d.attachedAt as string)) : undefined;
  const actor = action ? entry?.actor.id : applicantId;
  return {
    href: `/documents/${encodeURIComponent(d.id)}`,
    fileName: d.fileName,
    mediaType: d.mediaType,
    size: sizeText(lang, d.size),
    sha256: d.sha256.slice(0, 12),
    field: attachedLabel(d.attachedAs, procedure, lang),
    at: d.attachedAt ?? d.uploadedAt,
    byApplicant: actor === applicantId,
    by: actor === applicantId ? undefined : actor,
    downloadLabel: translate(lang, 'upload.download', { name: d.fileName }),
  };
}

/** Everything the case page shows, for `p`. Throws the use case's not-found/forbidden for a case they may not see. */
export async function casePageModel(
  ctx: ConsoleContext,
  support: CaseSupport,
  p: Principal,
  caseId: string,
  lang: ConsoleLanguage,
  options: { consistent?: boolean; refused?: RefusedForm; via?: ReadRoute } = {},
) {
  let read;
  try {
    read = await readCase(ctx.useCases, p, caseId, { consistent: !!options.consistent, via: options.via });
  } catch (err) {
    // A fresh view is a nicety after acting: the read model will do when the workflow cannot answer.
    if (!(options.consistent && err instanceof UseCaseError && err.kind === 'unavailable')) throw err;
    read = await readCase(ctx.useCases, p, caseId, { via: options.via });
  }
  const { record, access, actions } = read;
  const view = read.view ?? record.view;
  const [procedure, calendar, journal, messages, stored] = await Promise.all([
    support.procedureOf(view),
    support.calendar(),
    readCaseJournal(ctx.useCases, p, caseId, { after: 0, limit: TIMELINE_MAX }),
    readCaseMessages(ctx.useCases, p, caseId),
    // The documents go with the case's data: only to those who may read it (the use case says so too).
    access.personal ? listDocumentsOfCase(ctx.useCases, p, caseId, options.via) : Promise.resolve([]),
  ]);
  const stateLabel = (s: string | undefined) => (s ? (procedure?.states[s]?.label[lang] ?? s) : undefined);
  const isApplicant = record.applicantId === p.sub;

  const inputFields: [string, Field][] = Object.entries(procedure?.input ?? {});
  const data = access.personal
    ? inputFields.filter(([, f]) => !holdsFiles(f)).map(([k, f]) => ({ label: f.label[lang], value: valueText(f, record.data[k], lang) }))
    : [];
  const documents = stored.map((d) => documentLine(d, procedure, journal.items, record.applicantId, lang));

  const timeline = [
    ...journal.items.map((e) => ({
      at: e.at,
      kind: 'journal' as const,
      what: timelineKind(e.kind, e.fromState, procedure, lang),
      who: e.actor.id === 'system' ? translate(lang, 'timeline.system') : e.actor.id === record.applicantId ? translate(lang, 'timeline.applicant') : e.actor.id,
      whoIsId: e.actor.id !== 'system' && e.actor.id !== record.applicantId,
      from: e.fromState !== e.toState ? stateLabel(e.fromState) : undefined,
      to: e.fromState !== e.toState ? stateLabel(e.toState) : undefined,
      reason: e.reason,
    })),
    ...messages.map((m) => ({
      at: m.sentAt ?? m.createdAt,
      kind: 'message' as const,
      what: hasMessage(lang, `timeline.event.${m.event}`) ? translate(lang, `timeline.event.${m.event}`) : m.event,
      status: translate(lang, `timeline.messageStatus.${m.status}`),
      recipient: m.recipient === 'applicant' ? translate(lang, 'timeline.applicant') : m.recipient,
      subject: m.subject,
      address: m.address,
    })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const now = ctx.useCases.now();
  const clocks = clockLines(view, procedure, calendar, now).map((c) => ({
    ...c,
    label: c.label[lang],
    tacitLabel: c.tacit?.[lang],
    statusText: translate(lang, `clock.status.${c.status}`),
    badge: countdownBadge(c),
    countingText: translate(lang, `clock.counting.${c.counting}`),
  }));

  return {
    caseId,
    reference: view.reference,
    procedureTitle: record.facts.procedureTitle[lang],
    procedureVersion: view.procedure.version,
    unitName: record.facts.unit.name[lang],
    stateLabel: view.stateLabel[lang],
    closed: view.status === 'closed',
    outcome: view.outcome ? translate(lang, `case.outcome.${view.outcome}`) : undefined,
    filedAt: view.filedAt,
    closedAt: view.closedAt,
    waitingUntil: view.waitingUntil,
    escalation: view.escalation ? { level: translate(lang, `case.level.${view.escalation.level}`), unit: view.escalation.unit } : undefined,
    task: view.tasks[0] ? { assignee: view.tasks[0].assignee, mine: view.tasks[0].assignee === p.sub, unit: view.tasks[0].unit } : undefined,
    personal: access.personal,
    isApplicant,
    applicant: access.personal ? { name: record.facts.applicant.name, email: record.facts.applicant.email, language: record.facts.applicant.language } : undefined,
    data,
    documents,
    issued: ctx.sealedDocuments
      ? {
          receipt: `/cases/${encodeURIComponent(caseId)}/receipt.pdf`,
          ...(view.outcome ? { decision: `/cases/${encodeURIComponent(caseId)}/decision.pdf` } : {}),
        }
      : undefined,
    timeline,
    timelineTruncated: journal.next !== undefined,
    clocks,
    tacitAlert: clocks.find((c) => c.alert),
    diagram: procedure ? diagram(procedure, view.state, lang) : undefined,
    actions: actions.map((a) => actionForm(a, view, procedure, lang, options.refused, ctx.useCases.documents?.maxBytes)),
  };
}
