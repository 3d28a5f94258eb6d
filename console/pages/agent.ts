/**
 * The agent's work lists: `/inbox` (the tasks of their unit for their roles, earliest legal deadline
 * first, with a countdown in the clock's own counting, an alert before a tacit decision falls due,
 * filters and claim/release) and `/cases` (the cases of their units, filtered). Filters are a GET
 * form (htmx swaps the list, the plain form reloads the page); pages are keyset pages.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Router } from 'express';
import { z } from 'zod';
import type { Label } from '../../definitions/schema';
import { invalid } from '../../usecases/errors';
import { authorizeInbox, taskInbox } from '../../usecases/inbox';
import { listProcedures } from '../../usecases/procedures';
import { listCases } from '../../usecases/read-cases';
import { TaskActions } from '../../workflows/messages';
import { caseSupport, type CaseSupport } from '../case-support';
import { languageOf, page, renderPage, signedIn, type ConsoleContext } from '../context';
import { countdownBadge, taskCountdown } from '../deadlines';
import type { ConsoleLanguage } from '../i18n';

const PAGE_SIZE = 25;
/** Rows per page: the default, or what a link asked for (within bounds). */
const limitParam = z.enum(['', ...Array.from({ length: 100 }, (_, i) => String(i + 1))] as [string, ...string[]]).optional();
const pageSize = (limit: string | undefined) => (limit ? Number(limit) : PAGE_SIZE);
const filterText = z.string().max(100).regex(/^[a-z0-9_-]*$/, 'must be an identifier (a-z, 0-9, _ and -)');

const InboxQuery = z.object({
  procedure: filterText.optional(),
  state: filterText.optional(),
  late: z.enum(['', 'true']).optional(),
  assigned: z.enum(['', 'mine', 'unassigned']).optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

const CasesQuery = z.object({
  procedure: filterText.optional(),
  state: filterText.optional(),
  status: z.enum(['', 'open', 'closed']).optional(),
  overdue: z.enum(['', 'true']).optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

/** A query parsed, or a 422 page naming the bad parameter. */
function parseQuery<T>(schema: z.ZodType<T>, req: Request): T {
  const parsed = schema.safeParse(req.query);
  if (parsed.success) return parsed.data;
  throw invalid('bad filter', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

/** A keyset cursor as the list gave it (base64url JSON of `length` values), or a 422. */
function decodeCursor(text: string | undefined, length: number): (string | number | null)[] | undefined {
  if (!text) return undefined;
  try {
    const values: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length && values.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) return values as (string | number | null)[];
  } catch {
    // reported below
  }
  throw badCursor();
}

const badCursor = () => invalid('bad page cursor', [{ path: 'cursor', message: 'is not a cursor this list gave: start again from the first page' }]);

/** The query string of the current filters with another cursor (or none). */
function withCursor(query: Record<string, string | undefined>, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v && k !== 'cursor') params.set(k, v);
  if (cursor) params.set('cursor', cursor);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Options of the procedure and state filters, labelled in the page's language. */
async function filterOptions(ctx: ConsoleContext, support: CaseSupport, lang: ConsoleLanguage, selected: { procedure?: string | undefined; state?: string | undefined }) {
  const summaries = await listProcedures(ctx.useCases);
  const procedures = summaries.map((s) => ({ value: s.id, label: s.title[lang], selected: s.id === selected.procedure }));
  const states = new Map<string, Label>();
  for (const s of summaries) {
    if (selected.procedure && s.id !== selected.procedure) continue;
    const compiled = await support.version(s.id, s.latestVersion);
    for (const [id, state] of Object.entries(compiled?.states ?? {})) if (!states.has(id)) states.set(id, state.label);
  }
  return {
    procedures,
    states: [...states].map(([value, label]) => ({ value, label: label[lang], selected: value === selected.state })),
  };
}

export function registerAgentPages(router: Router, ctx: ConsoleContext): void {
  const support = caseSupport(ctx);

  router.get(
    '/inbox',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      authorizeInbox(p);
      const q = parseQuery(InboxQuery, req);
      const lang = languageOf(req);
      const cursor = decodeCursor(q.cursor, 3);
      const result = await taskInbox(ctx.useCases, p, { procedure: q.procedure || undefined, state: q.state || undefined, late: q.late === 'true', assigned: q.assigned || undefined }, { limit: pageSize(q.limit), cursor });
      const calendar = await support.calendar();
      const now = ctx.useCases.now();
      const back = req.originalUrl;
      const items = await Promise.all(
        result.items.map(async (item) => {
          const view = item.case.view;
          const procedure = await support.procedureOf(view);
          const countdown = taskCountdown(item.task, view, procedure, calendar, now);
          const task = procedure?.states[item.task.state];
          const title = task?.kind === 'task' && task.task.title ? task.task.title[lang] : undefined;
          return {
            caseId: view.caseId,
            reference: view.reference,
            procedureTitle: item.case.facts.procedureTitle[lang],
            stateLabel: view.stateLabel[lang],
            taskTitle: title,
            filedAt: view.filedAt,
            dueAt: item.task.dueAt,
            badge: countdownBadge(countdown),
            tacit: countdown.alert && countdown.tacit ? countdown.tacit[lang] : undefined,
            mine: item.task.assignee === p.sub,
            held: item.task.assignee !== undefined && item.task.assignee !== p.sub,
            assignee: item.task.assignee,
            claim: item.task.assignee === undefined ? { action: TaskActions.claim, key: randomUUID(), next: back } : undefined,
            release: item.task.assignee === p.sub ? { action: TaskActions.release, key: randomUUID(), next: back } : undefined,
            escalated: !!view.escalation,
          };
        }),
      );
      const filters = await filterOptions(ctx, support, lang, q);
      const query = { procedure: q.procedure, state: q.state, late: q.late, assigned: q.assigned, limit: q.limit };
      renderPage(ctx, req, res, 'agent/inbox', 'inbox.title', {
        items,
        filters,
        query,
        late: q.late === 'true',
        assigned: q.assigned ?? '',
        next: result.next ? `/inbox${withCursor(query, result.next)}` : undefined,
        first: q.cursor ? `/inbox${withCursor(query)}` : undefined,
      });
    }),
  );

  router.get(
    '/cases',
    page(async (req, res) => {
      const p = signedIn(req, res);
      if (!p) return;
      const q = parseQuery(CasesQuery, req);
      const lang = languageOf(req);
      const raw = decodeCursor(q.cursor, 2);
      const cursor = raw && typeof raw[0] === 'string' && typeof raw[1] === 'string' ? ([raw[0], raw[1]] as [string, string]) : undefined;
      if (raw && !cursor) throw badCursor();
      const result = await listCases(
        ctx.useCases,
        p,
        {
          ...(q.procedure ? { procedureId: q.procedure } : {}),
          ...(q.state ? { state: q.state } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.overdue === 'true' ? { overdue: true } : {}),
        },
        { limit: pageSize(q.limit), sort: '-filedAt', ...(cursor ? { cursor } : {}) },
      );
      const items = result.items.map(({ record, personal }) => ({
        caseId: record.view.caseId,
        reference: record.view.reference,
        procedureTitle: record.facts.procedureTitle[lang],
        stateLabel: record.view.stateLabel[lang],
        closed: record.view.status === 'closed',
        outcome: record.view.outcome,
        filedAt: record.view.filedAt,
        applicant: personal ? record.facts.applicant.name : undefined,
        unit: record.facts.unit.name[lang],
      }));
      const filters = await filterOptions(ctx, support, lang, q);
      const query = { procedure: q.procedure, state: q.state, status: q.status, overdue: q.overdue, limit: q.limit };
      renderPage(ctx, req, res, 'agent/cases', 'case.listTitle', {
        items,
        filters,
        status: q.status ?? '',
        overdue: q.overdue === 'true',
        next: result.next ? `/cases${withCursor(query, result.next)}` : undefined,
        first: q.cursor ? `/cases${withCursor(query)}` : undefined,
      });
    }),
  );
}
