/**
 * The procedure definition language, v1: one zod schema is the single source of truth for
 * parsing YAML definitions, for the TypeScript types the rest of Masar sees, and for the
 * JSON Schema editors use (`definitions/json-schema.ts`).
 *
 * Structural rules live here (types, unknown keys, formats). Rules that need the whole
 * document (unknown target states, unreachable states, undeclared roles...) live in
 * `definitions/validate.ts`, which reports them with the same error shape.
 */
import { z } from 'zod';

/** Identifiers used as keys: states, actions, clocks, fields, roles. */
export const IDENTIFIER = /^[a-z][a-z0-9_]*$/;
/** Procedure ids are kebab-case, as they appear in URLs (`acces-information`). */
export const PROCEDURE_ID = /^[a-z][a-z0-9-]*$/;

const identifier = z.string().regex(IDENTIFIER, 'must be lower_snake_case (a-z, 0-9, _), starting with a letter');

/** The official languages of the platform: of labels, messages, pages and applicants. */
export const LANGUAGES = ['fr', 'ar'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

/** A text in both official languages of the platform. */
export const Label = z.strictObject({
  fr: z.string().min(1),
  ar: z.string().min(1),
});
export type Label = z.infer<typeof Label>;

/**
 * A duration as written in definitions: ISO 8601 (`P60D`, `P2M`, `PT30S`) or
 * `N working days` / `N days` / `N calendar days`. Parsed by `definitions/duration.ts`.
 */
export const DurationSpec = z
  .string()
  .regex(
    /^(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?|\d+ (working |calendar )?days?)$/,
    'must be an ISO 8601 duration (P60D, PT30S) or "N working days" / "N days"',
  );
export type DurationSpec = z.infer<typeof DurationSpec>;

/** Levels of the territorial hierarchy, relative to the unit where the case was filed. */
export const Level = z.enum(['unit', 'province', 'region', 'ministry']);
export type Level = z.infer<typeof Level>;

/**
 * What happens when a period ends on a day the administration is closed (weekend, holiday,
 * closure): `extend` moves the end to the end of the next working day, `keep` leaves it. Defaults
 * (`clockEndRule`): `extend` for periods given to the applicant (a waiting state's timeout, a
 * clock that runs only in waiting states: documents, recourse), `keep` for the administration's
 * own periods. See docs/calendar.md, "End of a period".
 */
export const EndOnNonWorkingDay = z.enum(['extend', 'keep']);
export type EndOnNonWorkingDay = z.infer<typeof EndOnNonWorkingDay>;

/**
 * Roles every procedure knows without declaring them. `commune_president`: the president of the
 * commune council (or of an arrondissement council), who signs the permits and decisions the law
 * gives him (law 12-90, organic law 113-14 art. 94 and following); the directory knows it too.
 */
export const BUILTIN_ROLES = ['applicant', 'agent', 'supervisor', 'admin', 'commune_president'] as const;

/** Outcomes a final state (or a decided state) can carry. */
export const Outcome = z.enum([
  'approved',
  'refused',
  'withdrawn',
  'abandoned',
  'tacitly_approved',
  'tacitly_refused',
  'answered',
  /** Part of the request answered, the rest refused with reasons (law 31-13). */
  'partially_refused',
  'redirected',
  'closed',
]);
export type Outcome = z.infer<typeof Outcome>;

// ---------------------------------------------------------------------------------------------
// Typed input fields (applicant input and action input)

const fieldBase = {
  label: Label,
  required: z.boolean().default(false),
  help: Label.optional(),
};

/** A media type or a range of one top-level type, as `accept` lists them. */
const MEDIA_RANGE = /^[a-z]+\/(\*|[a-z0-9][a-z0-9.+-]*)$/;
/** `20 MB`, `512KB`, `1000 B`. */
export const FILE_SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB)$/i;

export const ChoiceOption = z.strictObject({ value: z.string().min(1), label: Label });

export type Field =
  | { type: 'text'; label: Label; required: boolean; help?: Label; minLength?: number; maxLength?: number; pattern?: string }
  | { type: 'number'; label: Label; required: boolean; help?: Label; min?: number; max?: number; integer?: boolean }
  | { type: 'date'; label: Label; required: boolean; help?: Label }
  | { type: 'boolean'; label: Label; required: boolean; help?: Label }
  | { type: 'choice'; label: Label; required: boolean; help?: Label; options: z.infer<typeof ChoiceOption>[] }
  | { type: 'file'; label: Label; required: boolean; help?: Label; accept?: string[]; maxSize?: number | string }
  | { type: 'list'; label: Label; required: boolean; help?: Label; of: Field; minItems?: number; maxItems?: number }
  | { type: 'group'; label: Label; required: boolean; help?: Label; fields: Record<string, Field> };

export const Field: z.ZodType<Field> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('text'),
      ...fieldBase,
      minLength: z.number().int().nonnegative().optional(),
      maxLength: z.number().int().positive().optional(),
      pattern: z.string().optional(),
    }),
    z.strictObject({
      type: z.literal('number'),
      ...fieldBase,
      min: z.number().optional(),
      max: z.number().optional(),
      integer: z.boolean().optional(),
    }),
    z.strictObject({ type: z.literal('date'), ...fieldBase }),
    z.strictObject({ type: z.literal('boolean'), ...fieldBase }),
    z.strictObject({ type: z.literal('choice'), ...fieldBase, options: z.array(ChoiceOption).min(1) }),
    z.strictObject({
      type: z.literal('file'),
      ...fieldBase,
      /** Media types the document may be (sniffed from its bytes): `application/pdf`, `image/*`. */
      accept: z.array(z.string().regex(MEDIA_RANGE, 'must be a media type such as application/pdf or image/*')).min(1).optional(),
      /** Largest upload: bytes, or a size such as `20 MB` (units B, KB, MB; 1 KB = 1024 B). */
      maxSize: z.union([z.number().int().positive(), z.string().regex(FILE_SIZE, 'must be bytes or a size such as 20 MB')]).optional(),
    }),
    z.strictObject({
      type: z.literal('list'),
      ...fieldBase,
      of: Field,
      minItems: z.number().int().nonnegative().optional(),
      maxItems: z.number().int().positive().optional(),
    }),
    z.strictObject({ type: z.literal('group'), ...fieldBase, fields: z.record(identifier, Field) }),
  ]),
) as z.ZodType<Field>;

export const Fields = z.record(identifier, Field);
export type Fields = z.infer<typeof Fields>;

// ---------------------------------------------------------------------------------------------
// Actions and their effects

/** Who is told, in notification rules and notify effects. */
export const Recipient = z.enum(['applicant', 'assignee', 'unit_agents', 'supervisors']);
export type Recipient = z.infer<typeof Recipient>;

export const ClockOperation = z.enum(['start', 'suspend', 'resume', 'extend', 'stop', 'restart']);
export type ClockOperation = z.infer<typeof ClockOperation>;

export const Effect = z.union([
  z.strictObject({ notify: z.string().min(1), to: z.array(Recipient).min(1) }),
  z.strictObject({ clock: identifier, op: ClockOperation }),
]);
export type Effect = z.infer<typeof Effect>;

export const Action = z.strictObject({
  label: Label,
  /** Roles allowed to take the action: procedure roles, `applicant`, `supervisor`, `agent`, `admin`. */
  by: z.array(identifier).min(1),
  to: identifier,
  /** The action's typed input (e.g. a refusal reason chosen from a list plus free text). */
  input: Fields.optional(),
  /** A comment required from the actor (journaled as the reason). */
  reasonRequired: z.boolean().default(false),
  effects: z.array(Effect).default([]),
});
export type Action = z.infer<typeof Action>;

// ---------------------------------------------------------------------------------------------
// States

const stateBase = {
  label: Label,
  description: Label.optional(),
  actions: z.record(identifier, Action).default({}),
  /** Effects run on entering the state. */
  onEnter: z.array(Effect).default([]),
};

export const Task = z.strictObject({
  role: identifier,
  level: Level.default('unit'),
  title: Label.optional(),
});
export type Task = z.infer<typeof Task>;

export const TaskState = z.strictObject({
  kind: z.literal('task'),
  ...stateBase,
  task: Task,
  /** A case can be decided before its last task (a tacit approval waiting for its attestation). */
  outcome: Outcome.optional(),
});

export const WaitingState = z.strictObject({
  kind: z.literal('waiting'),
  ...stateBase,
  /** How long the applicant has to act before `onTimeout` (e.g. abandoned). */
  timeout: z
    .strictObject({
      after: DurationSpec,
      to: identifier,
      /** The applicant's period: `extend` unless the definition says otherwise. */
      endOnNonWorkingDay: EndOnNonWorkingDay.optional(),
    })
    .optional(),
  /** A decision reached on entering, that the applicant may still contest (a refusal open to recourse). */
  outcome: Outcome.optional(),
});

export const AutomaticState = z.strictObject({
  kind: z.literal('automatic'),
  ...stateBase,
  /** The named service call, run as an activity. */
  service: z.string().min(1),
  /** Target states for the service's outcomes; `done` and `failed` are required. */
  on: z.record(identifier, identifier),
});

export const FinalState = z.strictObject({
  kind: z.literal('final'),
  label: Label,
  description: Label.optional(),
  outcome: Outcome,
  onEnter: z.array(Effect).default([]),
});

export const State = z.discriminatedUnion('kind', [TaskState, WaitingState, AutomaticState, FinalState]);
export type State = z.infer<typeof State>;
export type TaskState = z.infer<typeof TaskState>;
export type WaitingState = z.infer<typeof WaitingState>;
export type AutomaticState = z.infer<typeof AutomaticState>;
export type FinalState = z.infer<typeof FinalState>;

// ---------------------------------------------------------------------------------------------
// Clocks

export const Counting = z.enum(['working_days', 'calendar']);
export type Counting = z.infer<typeof Counting>;


export const Expiry = z.union([
  z.strictObject({ escalate: z.literal(true) }),
  z.strictObject({ decide: identifier }),
]);
export type Expiry = z.infer<typeof Expiry>;

export const Clock = z.strictObject({
  label: Label,
  /** Legal basis of this deadline, e.g. "Loi 31-13, art. 16". */
  basis: z.string().optional(),
  duration: DurationSpec,
  /** Defaults to what the duration says: `N working days` counts working days, others calendar time. */
  counting: Counting.optional(),
  /** The clock starts on first entering one of these states and runs while the case is in them. */
  runsIn: z.array(identifier).min(1),
  /** The clock is suspended (remaining time kept) while the case is in one of these states. */
  suspendedIn: z.array(identifier).default([]),
  /**
   * A period ending on a non-working day: `extend` to the next working day, or `keep`. Absent:
   * `extend` when the clock runs only in waiting states (the applicant's period), else `keep`.
   */
  endOnNonWorkingDay: EndOnNonWorkingDay.optional(),
  extension: z
    .strictObject({
      by: DurationSpec,
      max: z.number().int().positive().default(1),
      reasonRequired: z.boolean().default(true),
      /** The applicant must be told before the original deadline (law 31-13). */
      noticeBeforeDeadline: z.boolean().default(true),
    })
    .optional(),
  /**
   * How often the clock may be suspended (a request to the applicant, in a `suspendedIn` state)
   * in one case. Absent: once (law 55-19: the administration asks only for the documents its
   * published list names, so a second request cannot put the tacit decision off again).
   */
  suspensions: z.strictObject({ max: z.number().int().min(0).max(20) }).optional(),
  /** Durations before expiry at which the assignee is reminded. */
  reminders: z.array(DurationSpec).default([]),
  onExpiry: Expiry,
});
export type Clock = z.infer<typeof Clock>;

// ---------------------------------------------------------------------------------------------
// Escalation and notifications

export const Escalation = z.strictObject({
  /** Levels climbed in order after the unit itself. */
  levels: z.array(Level.exclude(['unit'])).min(1).default(['province', 'region', 'ministry']),
  /** Time each level has before the case climbs to the next. */
  interval: DurationSpec,
  template: z.string().min(1).default('escalation'),
});
export type Escalation = z.infer<typeof Escalation>;

export const NotificationEvent = z.enum([
  'case_filed',
  'task_assigned',
  'clock_reminder',
  'clock_extended',
  /** A calendar change moved a running deadline. */
  'deadline_moved',
  'information_requested',
  'escalated',
  'decided',
  'case_closed',
]);
export type NotificationEvent = z.infer<typeof NotificationEvent>;

export const NotificationRule = z.strictObject({
  on: NotificationEvent,
  to: z.array(Recipient).min(1),
  template: z.string().min(1),
  /** Limit the rule to entering these states (for `decided`, `information_requested`). */
  states: z.array(identifier).optional(),
});
export type NotificationRule = z.infer<typeof NotificationRule>;

// ---------------------------------------------------------------------------------------------
// The catalogue (law 55-19, art. 5 to 7: every act publishes its documents, fees and deadline)

/** A document the procedure asks for; its key is what a request for documents names. */
export const CatalogueDocument = z.strictObject({
  label: Label,
  /** Required for every application (`true`), or only in the cases `note` says. */
  required: z.boolean().default(true),
  /** The applicant's input field that carries it at filing, if any. */
  field: identifier.optional(),
  note: Label.optional(),
});
export type CatalogueDocument = z.infer<typeof CatalogueDocument>;

/** A fee, in dirhams. */
export const CatalogueFee = z.strictObject({
  label: Label,
  amount: z.number().nonnegative(),
  /** The text that sets the rate (a commune's fiscal order, a law). */
  basis: z.string().min(1),
  /** The amount is a parameter of the deployment, not a confirmed rate: published with that warning. */
  unconfirmed: z.boolean().default(false),
});
export type CatalogueFee = z.infer<typeof CatalogueFee>;

export const CatalogueDeadline = z.strictObject({
  /** The clock whose duration (and extension) is the published deadline. */
  clock: identifier,
  /** Delivered at the counter the day of the request; the clock only bounds a late delivery. */
  sameDay: z.boolean().default(false),
  note: Label.optional(),
});
export type CatalogueDeadline = z.infer<typeof CatalogueDeadline>;

/** What law 55-19 requires an administration to publish about an act. */
export const Catalogue = z.strictObject({
  documents: z.record(identifier, CatalogueDocument).default({}),
  fees: z.array(CatalogueFee).default([]),
  deadline: CatalogueDeadline,
});
export type Catalogue = z.infer<typeof Catalogue>;

// ---------------------------------------------------------------------------------------------
// Registration (a bureau d'ordre's registers)

/**
 * Cases get a registration number at filing, gapless per unit, register and year (a bureau
 * d'ordre's incoming and outgoing mail registers): assigned in the transaction that records the
 * filing, so a filing that fails leaves no hole.
 */
export const Registration = z.strictObject({
  /** A required choice input whose value names the case's register; absent: the one register. */
  by: identifier.optional(),
  registers: z.record(identifier, Label).refine((r) => Object.keys(r).length > 0, 'must declare at least one register'),
});
export type Registration = z.infer<typeof Registration>;

// ---------------------------------------------------------------------------------------------
// The procedure

/** A handlebars template in one language. */
export const TemplateSource = z.strictObject({
  subject: z.string().min(1),
  text: z.string().min(1),
  html: z.string().optional(),
});
export type TemplateSource = z.infer<typeof TemplateSource>;

export const LegalBasis = z.strictObject({
  law: z.string().min(1),
  articles: z.array(z.string()).default([]),
  title: Label.optional(),
  note: z.string().optional(),
});

/**
 * A retention period: ISO 8601 in calendar years, months, weeks or days (`P5Y`, `P18M`, `P90D`),
 * counted from the case's closure. PostgreSQL reads the same text as an interval.
 */
export const RetentionPeriod = z
  .string()
  .regex(/^P(?!$)(\d{1,4}Y)?(\d{1,4}M)?(\d{1,4}W)?(\d{1,5}D)?$/, 'must be an ISO 8601 period in years, months, weeks or days (P5Y, P18M, P90D)');

/**
 * How long the applicant's personal data is kept after the case closes, and the text that says so
 * (law 09-08 art. 3: no longer than the purpose needs). Without it, the configured default applies
 * (MASAR_RETENTION_DEFAULT, docs/retention.md).
 */
export const Retention = z.strictObject({
  after: RetentionPeriod,
  basis: LegalBasis,
});
export type Retention = z.infer<typeof Retention>;

export const Procedure = z.strictObject({
  id: z.string().regex(PROCEDURE_ID, 'must be kebab-case (a-z, 0-9, -), starting with a letter'),
  version: z.number().int().positive(),
  title: Label,
  description: Label.optional(),
  legalBasis: z.array(LegalBasis).min(1),
  /** The procedure's own roles, besides applicant, agent, supervisor and admin. */
  roles: z.record(identifier, Label).default({}),
  input: Fields.default({}),
  initial: identifier,
  states: z.record(identifier, State),
  clocks: z.record(identifier, Clock).default({}),
  escalation: Escalation.optional(),
  notifications: z.array(NotificationRule).default([]),
  retention: Retention.optional(),
  /** Law 55-19's published entry: documents, fees, deadline (`GET /api/v1/catalogue`). */
  catalogue: Catalogue.optional(),
  /** Gapless registration numbers per unit, register and year (see `Registration`). */
  registration: Registration.optional(),
  /**
   * Procedure-specific templates, by name: they override shipped templates of the same name and
   * travel with the compiled procedure, so a running case keeps the wording it started with.
   */
  templates: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.strictObject({ fr: TemplateSource, ar: TemplateSource })).default({}),
});
export type Procedure = z.infer<typeof Procedure>;
export type ProcedureInput = z.input<typeof Procedure>;
