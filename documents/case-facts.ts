/**
 * What a receipt and a decision state, gathered from the read model: the stored case (view, facts,
 * data), its procedure version, and for a decision the journal entry that decided. Pure functions
 * of what was stored, so the same case always reads the same.
 */
import { stateOutcome, type CompiledProcedure } from '../definitions/compiled';
import type { Fields } from '../definitions/schema';
import type { CaseRecord } from '../db/cases';
import type { JournalRow } from '../db/journal';
// The wording of an action's input (pure, sandbox-safe): the decision says what the e-mail says.
import { describeInput } from '../workflows/action-inputs';
import type { DecisionFacts } from './pdf/decision';
import type { ReceiptFacts } from './pdf/receipt';
import type { Silence } from './pdf/words';

/** The file fields of the filing (top level, and lists of files). */
function fileFields(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([, f]) => f.type === 'file' || (f.type === 'list' && f.of.type === 'file')));
}

/** What silence past `clock` means: the outcome of the state its expiry decides, if tacit. */
function silenceOf(procedure: CompiledProcedure, clockName: string): Silence | undefined {
  const clock = procedure.clocks[clockName];
  if (!clock || !('decide' in clock.onExpiry)) return undefined;
  const target = procedure.states[clock.onExpiry.decide];
  const outcome = target ? stateOutcome(target) : undefined;
  if (outcome === 'tacitly_approved' || outcome === 'approved') return 'approval';
  if (outcome === 'tacitly_refused' || outcome === 'refused') return 'refusal';
  return undefined;
}

/**
 * The filing's file fields with each document id replaced by its file name (`fileNames`, from the
 * documents table): a receipt says "plans-rdc.pdf", which the applicant recognises, not a UUID.
 * An id without a name (its row erased since) stays as it is.
 */
function namedFiles(fields: Fields, data: Record<string, unknown>, fileNames: ReadonlyMap<string, string>): Record<string, unknown> {
  const name = (v: unknown) => (typeof v === 'string' ? (fileNames.get(v) ?? v) : v);
  return Object.fromEntries(Object.keys(fields).map((key) => {
    const value = data[key];
    return [key, Array.isArray(value) ? value.map(name) : name(value)];
  }));
}

/**
 * The receipt's facts. The deadline is the clock running since filing, else the first declared.
 * `fileNames` maps the case's document ids to their file names.
 */
export function receiptFacts(record: CaseRecord, procedure: CompiledProcedure, fileNames: ReadonlyMap<string, string>): ReceiptFacts {
  const view = record.view;
  const names = Object.keys(procedure.clocks);
  const running = view.clocks.find((c) => c.status === 'running' && c.dueDate);
  const name = running?.name ?? names[0];
  const clock = name ? procedure.clocks[name] : undefined;
  const files = fileFields(procedure.input);
  return {
    reference: view.reference,
    procedure: { title: procedure.title, legalBasis: procedure.legalBasis },
    unit: { code: record.unitCode, name: record.facts.unit.name },
    filedAt: view.filedAt,
    channel: record.facts.filedBy.id === record.applicantId ? 'online' : 'counter',
    documents: describeInput(files, namedFiles(files, record.data, fileNames)).map((l) => ({ label: l.label, value: l.text.fr })),
    ...(name && clock
      ? {
          deadline: {
            label: clock.label,
            dueDate: running?.dueDate,
            duration: clock.duration,
            counting: clock.counting,
            basis: clock.basis,
            silence: silenceOf(procedure, name),
          },
        }
      : {}),
  };
}

/**
 * The decision's facts, or undefined while the case has no outcome. The deciding entry is the
 * first that entered a state carrying the case's outcome: an action (its reason and input) or a
 * clock's expiry (a decision by law).
 */
export function decisionFacts(record: CaseRecord, procedure: CompiledProcedure, journal: JournalRow[]): DecisionFacts | undefined {
  const view = record.view;
  const outcome = view.outcome;
  if (!outcome) return undefined;
  const decided = journal.find((e) => {
    const to = e.toState ? procedure.states[e.toState] : undefined;
    return e.toState !== e.fromState && to !== undefined && stateOutcome(to) === outcome;
  });
  const stateDef = procedure.states[decided?.toState ?? view.state];
  const base = {
    reference: view.reference,
    procedure: { title: procedure.title },
    unit: { code: record.unitCode, name: record.facts.unit.name },
    filedAt: view.filedAt,
    decidedAt: decided?.at ?? view.closedAt ?? view.filedAt,
    outcome,
    state: stateDef?.label ?? view.stateLabel,
  };
  if (decided?.kind === 'clock.expired') {
    const clockName = typeof decided.data?.clock === 'string' ? decided.data.clock : undefined;
    const clock = clockName ? procedure.clocks[clockName] : undefined;
    const dueAt = typeof decided.data?.dueAt === 'string' ? decided.data.dueAt : undefined;
    return { ...base, inputs: [], tacit: { clock: clock?.label ?? { fr: clockName ?? '', ar: clockName ?? '' }, dueAt, basis: clock?.basis } };
  }
  const fromDef = decided?.fromState ? procedure.states[decided.fromState] : undefined;
  const action = fromDef && decided && fromDef.kind !== 'final' && 'actions' in fromDef ? fromDef.actions[decided.kind] : undefined;
  const input = decided?.data?.input;
  const inputs = action && input && typeof input === 'object' && !Array.isArray(input) ? describeInput(action.input, input as Record<string, unknown>) : [];
  return { ...base, grounds: decided?.reason, inputs: inputs.map((l) => ({ label: l.label, text: l.text })) };
}
