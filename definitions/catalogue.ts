/**
 * Law 55-19's published entry of a procedure, built from its compiled definition: the documents
 * it may ask for, its fees and its deadline in words, in French and Arabic. Pure; the use case
 * (`usecases/catalogue.ts`) lists it for every published procedure.
 */
import { stateOutcome, type CompiledProcedure } from './compiled';
import { durationWords } from './duration-words';
import type { Counting, Label, Outcome } from './schema';

/** One procedure in the catalogue. */
export interface CatalogueEntry {
  procedure: { id: string; version: number };
  title: Label;
  description?: Label;
  /** The texts it applies, as cited by the definition. */
  legalBasis: string[];
  documents: { id: string; label: Label; required: boolean; note?: Label }[];
  fees: { label: Label; amount: number; currency: 'MAD'; basis: string; unconfirmed: boolean }[];
  deadline: {
    /** The clock whose duration is published. */
    clock: string;
    label: Label;
    duration: string;
    counting: Counting;
    /** The duration in words: `20 jours ouvrables`, `20 يوم عمل`. */
    words: Label;
    extension?: { words: Label; max: number };
    /** Delivered at the counter the day of the request. */
    sameDay: boolean;
    /** What silence at the deadline means, when the clock decides (tacit approval, implicit refusal). */
    onSilence?: 'escalated' | 'decided';
    /** When silence decides: the outcome it decides (`tacitly_approved`, `tacitly_refused`). */
    silenceOutcome?: Outcome;
    basis?: string;
    note?: Label;
  };
}

const words = (spec: string, counting: Counting): Label => ({ fr: durationWords(spec, counting, 'fr'), ar: durationWords(spec, counting, 'ar') });

/** The catalogue entry of `compiled`, or undefined when its definition declares no catalogue. */
export function catalogueEntry(compiled: CompiledProcedure): CatalogueEntry | undefined {
  const catalogue = compiled.catalogue;
  if (!catalogue) return undefined;
  const clock = compiled.clocks[catalogue.deadline.clock];
  // Validation guarantees the clock; a hand-made compiled object without it has no deadline to publish.
  if (!clock) return undefined;
  const decided = 'decide' in clock.onExpiry ? compiled.states[clock.onExpiry.decide] : undefined;
  const silenceOutcome = decided ? stateOutcome(decided) : undefined;
  return {
    procedure: { id: compiled.id, version: compiled.version },
    title: compiled.title,
    ...(compiled.description ? { description: compiled.description } : {}),
    legalBasis: compiled.legalBasis.map((b) => (b.articles.length ? `${b.law} (${b.articles.join(', ')})` : b.law)),
    documents: Object.entries(catalogue.documents).map(([id, d]) => ({ id, label: d.label, required: d.required, ...(d.note ? { note: d.note } : {}) })),
    fees: catalogue.fees.map((f) => ({ label: f.label, amount: f.amount, currency: 'MAD' as const, basis: f.basis, unconfirmed: f.unconfirmed })),
    deadline: {
      clock: catalogue.deadline.clock,
      label: clock.label,
      duration: clock.duration,
      counting: clock.counting,
      words: words(clock.duration, clock.counting),
      ...(clock.extension ? { extension: { words: words(clock.extension.by, clock.counting), max: clock.extension.max } } : {}),
      sameDay: catalogue.deadline.sameDay,
      onSilence: 'decide' in clock.onExpiry ? 'decided' : 'escalated',
      ...(silenceOutcome ? { silenceOutcome } : {}),
      ...(clock.basis ? { basis: clock.basis } : {}),
      ...(catalogue.deadline.note ? { note: catalogue.deadline.note } : {}),
    },
  };
}
