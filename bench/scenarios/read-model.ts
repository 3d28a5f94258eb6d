/**
 * Scenario 3b, the read model at national scale: synthetic cases (1,000,000 in the full run) spread
 * over 1,503 communes with a skew (the largest commune holds about 2.6% of all cases, as a big city
 * would), 40% of them open with a task; then the queries the API serves, timed one after another
 * with the API's own functions (`listInbox` for `GET /tasks`, `listCases` for `GET /cases`).
 */
import { createApp } from '../../api/app';
import { createTokenVerifier } from '../../api/auth';
import { createConsole } from '../../console';
import { SessionCodec, SESSION_COOKIE } from '../../console/session';
import { decodeCursor, listCases, listInbox } from '../../db/cases';
import { createDirectory } from '../../db/directory';
import { createCaseEngine } from '../../usecases/case-engine';
import { BENCH_TASK_QUEUE } from '../harness';
import { BENCH_PROCEDURE_YAML, BENCH_UNIT_CODE, compileSource } from '../procedure';
import { publishProcedure } from '../../db/procedures';
import type { Progress } from '../progress';
import { summarize, type Summary } from '../stats';
import type { ScenarioContext } from './context';

const COMMUNES = 1_503;
const COMMUNES_PER_PROVINCE = 20;
const OPEN_SHARE = 0.4;
const BATCH = 50_000;
/** Task roles of the shipped procedures (the synthetic tasks use them in turn). */
const ROLES = ['agent', 'information_officer', 'urbanism_officer', 'complaints_officer', 'commission_member'];
/**
 * The synthetic cases run five published procedures (the bench procedure under five ids, so each has
 * its own hash), as real cases do: pages that look a case's procedure up find it, as in production.
 */
const PROCEDURES = ['syn-permis', 'syn-information', 'syn-habiter', 'syn-reclamation', 'syn-legalisation'];

/** Publishes the synthetic procedures; their hashes, in the order of `PROCEDURES`. */
async function publishSyntheticProcedures(ctx: ScenarioContext): Promise<string[]> {
  const hashes: string[] = [];
  for (const id of PROCEDURES) {
    const source = BENCH_PROCEDURE_YAML.replace(/^id: .*$/m, `id: ${id}`);
    const compiled = compileSource(source, `${id}.yaml`);
    await publishProcedure(ctx.h.db, compiled, source, 'bench');
    hashes.push(compiled.hash);
  }
  return hashes;
}

export interface QueryResult {
  name: string;
  description: string;
  latency: Summary;
  /** Rows returned, on average. */
  rows: number;
}

export interface ReadModelResult {
  cases: number;
  openTasks: number;
  largestUnit: { code: string; cases: number; openTasks: number };
  seedMs: number;
  tableBytes: { cases: number; caseTasks: number };
  queries: QueryResult[];
}

/** Inserts cases [from, to] and their tasks; units drawn with density ∝ 1/√rank. */
async function seedBatch(ctx: ScenarioContext, from: number, to: number, hashes: string[]): Promise<void> {
  const client = await ctx.h.db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL synchronous_commit = off');
    await client.query(
      `INSERT INTO cases (case_id, reference, procedure_id, procedure_version, procedure_hash, unit_code, applicant_id,
         filed_by, state, status, outcome, filed_at, closed_at, last_sequence, next_due_at, view, facts, data, updated_at)
       SELECT s.case_id, 'SYN-' || s.i, s.procedure_id, 1, s.procedure_hash, s.unit_code, 'citizen-' || (s.i % 200000),
         'citizen-' || (s.i % 200000), CASE WHEN s.open THEN 'review' ELSE 'answered' END,
         CASE WHEN s.open THEN 'open' ELSE 'closed' END, CASE WHEN s.open THEN NULL ELSE 'approved' END,
         s.filed_at, CASE WHEN s.open THEN NULL ELSE s.filed_at + interval '9 days' END, 6,
         CASE WHEN s.open THEN s.due_at END,
         jsonb_build_object('caseId', s.case_id, 'reference', 'SYN-' || s.i,
           'procedure', jsonb_build_object('id', s.procedure_id, 'version', 1, 'hash', s.procedure_hash),
           'unit', s.unit_code, 'state', CASE WHEN s.open THEN 'review' ELSE 'answered' END,
           'stateLabel', jsonb_build_object('fr', 'En instruction', 'ar', 'قيد الدراسة'),
           'status', CASE WHEN s.open THEN 'open' ELSE 'closed' END, 'sequence', 6, 'filedAt', s.filed_at,
           'tasks', CASE WHEN s.open THEN jsonb_build_array(jsonb_build_object('state', 'review', 'role', s.role,
             'level', 'commune', 'unit', s.unit_code, 'openedAt', s.filed_at, 'dueAt', s.due_at,
             'actions', jsonb_build_array('answer', 'refuse', 'request_clarification', 'extend'))) ELSE '[]'::jsonb END,
           'clocks', jsonb_build_array(jsonb_build_object('name', 'answer', 'label', jsonb_build_object('fr', 'Délai de réponse', 'ar', 'أجل الرد'),
             'status', CASE WHEN s.open THEN 'running' ELSE 'stopped' END, 'counting', 'working_days', 'startedAt', s.filed_at,
             'dueAt', s.due_at, 'dueDate', to_char(s.due_at, 'YYYY-MM-DD'), 'extensions', 0))),
         jsonb_build_object('reference', 'SYN-' || s.i,
           'unit', jsonb_build_object('code', s.unit_code, 'name', jsonb_build_object('fr', 'Commune ' || s.unit_idx, 'ar', 'جماعة ' || s.unit_idx),
             'province', s.province_code, 'region', 'syn', 'ministry', 'DGCT'),
           'applicant', jsonb_build_object('id', 'citizen-' || (s.i % 200000), 'name', 'Citoyen ' || (s.i % 200000),
             'email', 'citizen' || (s.i % 200000) || '@example.ma', 'language', CASE WHEN s.i % 3 = 0 THEN 'ar' ELSE 'fr' END),
           'filedBy', jsonb_build_object('id', 'citizen-' || (s.i % 200000), 'roles', jsonb_build_array('applicant')),
           'procedureTitle', jsonb_build_object('fr', 'Procédure ' || s.procedure_id, 'ar', 'مسطرة')),
         jsonb_build_object('subject', 'Demande synthétique numéro ' || s.i, 'format', 'electronic'),
         s.filed_at + interval '1 day'
       FROM (
         SELECT g.i, 'syn-' || lpad(g.i::text, 8, '0') AS case_id, g.unit_idx,
           'syn.' || lpad((g.unit_idx / ${COMMUNES_PER_PROVINCE})::text, 3, '0') || '.' || lpad(g.unit_idx::text, 4, '0') AS unit_code,
           'syn.' || lpad((g.unit_idx / ${COMMUNES_PER_PROVINCE})::text, 3, '0') AS province_code,
           ($3::text[])[1 + g.i % 5] AS procedure_id, ($5::text[])[1 + g.i % 5] AS procedure_hash, ($4::text[])[1 + g.i % 5] AS role, g.open,
           date_trunc('milliseconds', now() - random() * interval '730 days') AS filed_at,
           date_trunc('milliseconds', now() + (random() * 70 - 10) * interval '1 day') AS due_at
         FROM (SELECT i, floor(power(random(), 2) * ${COMMUNES})::int AS unit_idx, random() < ${OPEN_SHARE} AS open
               FROM generate_series($1::int, $2::int) AS i) g
       ) s`,
      [from, to, PROCEDURES, ROLES, hashes],
    );
    await client.query(
      `INSERT INTO case_tasks (case_id, position, state, role, level, unit_code, assignee, opened_at, due_at, actions)
       SELECT case_id, 0, 'review', view->'tasks'->0->>'role', 'commune', unit_code, NULL, filed_at, next_due_at, view->'tasks'->0->'actions'
         FROM cases WHERE case_id BETWEEN $1 AND $2 AND status = 'open'`,
      [`syn-${String(from).padStart(8, '0')}`, `syn-${String(to).padStart(8, '0')}`],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function time<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  samples.push(performance.now() - t0);
  return r;
}

async function measure(
  progress: Progress,
  name: string,
  description: string,
  n: number,
  fn: (i: number) => Promise<number>,
): Promise<QueryResult> {
  const samples: number[] = [];
  let rows = 0;
  progress.phase(name, n);
  for (let i = 0; i < n; i++) {
    rows += await time(samples, () => fn(i));
    progress.tick();
  }
  const latency = summarize(samples);
  progress.done(`p50 ${latency.p50} ms, p99 ${latency.p99} ms`);
  return { name, description, latency, rows: Math.round((rows / n) * 10) / 10 };
}

export async function runReadModel(ctx: ScenarioContext): Promise<ReadModelResult> {
  const { h, sizes, progress } = ctx;
  const db = h.db;
  const total = sizes.readModelCases;
  progress.phase(`seed ${total.toLocaleString('en')} synthetic cases`, total);
  const t0 = performance.now();
  const hashes = await publishSyntheticProcedures(ctx);
  for (let from = 1; from <= total; from += BATCH) {
    const to = Math.min(total, from + BATCH - 1);
    await seedBatch(ctx, from, to, hashes);
    progress.tick(to - from + 1);
  }
  await db.query('VACUUM ANALYZE cases');
  await db.query('VACUUM ANALYZE case_tasks');
  const seedMs = Math.round(performance.now() - t0);
  progress.done(`seeded in ${(seedMs / 1000).toFixed(0)} s`);

  const openTasks = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM case_tasks WHERE case_id LIKE 'syn-%'`)).rows[0]?.n);
  const largest = (
    await db.query<{ unit_code: string; n: string }>(
      `SELECT unit_code, count(*) AS n FROM cases WHERE case_id LIKE 'syn-%' GROUP BY unit_code ORDER BY count(*) DESC LIMIT 1`,
    )
  ).rows[0];
  if (!largest) throw new Error('read model: no synthetic cases were written');
  const largestTasks = Number(
    (await db.query<{ n: string }>('SELECT count(*) AS n FROM case_tasks WHERE unit_code = $1', [largest.unit_code])).rows[0]?.n,
  );

  // Who queries: an agent of the unit of a random open task (busy communes have more agents asking).
  const sample = (
    await db.query<{ unit_code: string; role: string }>(
      `SELECT unit_code, role FROM case_tasks TABLESAMPLE BERNOULLI (5) WHERE case_id LIKE 'syn-%' LIMIT $1`,
      [sizes.queries],
    )
  ).rows;
  const pick = (i: number) => sample[i % sample.length] as { unit_code: string; role: string };
  const roles = (role: string) => (role === 'agent' ? ['agent', 'information_officer'] : ['agent', role]);
  const provinceUnits = (unit: string) => {
    const province = unit.split('.')[1] as string;
    const first = Number(province) * COMMUNES_PER_PROVINCE;
    return Array.from({ length: COMMUNES_PER_PROVINCE }, (_, k) => `syn.${province}.${String(first + k).padStart(4, '0')}`);
  };
  const n = sizes.queries;
  const queries: QueryResult[] = [];
  queries.push(
    await measure(progress, 'inbox', 'GET /tasks, first page (20): an agent\'s open tasks at their commune, earliest due first', n, async (i) => {
      const p = pick(i);
      return (await listInbox(db, { unit: p.unit_code, roles: roles(p.role) }, { limit: 20 })).items.length;
    }),
  );
  queries.push(
    await measure(progress, 'inbox, next page', 'GET /tasks with the cursor of the first page', n, async (i) => {
      const p = pick(i);
      const first = await listInbox(db, { unit: p.unit_code, roles: roles(p.role) }, { limit: 20 });
      const cursor = first.next ? decodeCursor(first.next, 3) : undefined;
      if (!cursor) return 0;
      return (await listInbox(db, { unit: p.unit_code, roles: roles(p.role) }, { limit: 20, cursor })).items.length;
    }),
  );
  queries.push(
    await measure(progress, `inbox, largest commune`, `GET /tasks at the largest commune (${largestTasks} open tasks)`, Math.min(n, 300), async (i) => {
      return (await listInbox(db, { unit: largest.unit_code, roles: roles(ROLES[i % ROLES.length] as string) }, { limit: 20 })).items.length;
    }),
  );
  const benchTasks = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM case_tasks WHERE unit_code = $1', [BENCH_UNIT_CODE])).rows[0]?.n);
  if (benchTasks > 0) {
    queries.push(
      await measure(progress, 'inbox, bench commune', `GET /tasks at the commune holding the standing load's real cases (${benchTasks} open tasks, one role)`, Math.min(n, 300), async () => {
        return (await listInbox(db, { unit: BENCH_UNIT_CODE, roles: ['agent', 'reviewer'] }, { limit: 20 })).items.length;
      }),
    );
  }
  queries.push(
    await measure(progress, 'case list, commune', 'GET /cases, first page (20), newest first, an agent\'s commune', n, async (i) => {
      return (await listCases(db, { scope: { units: [pick(i).unit_code] } }, { limit: 20, sort: '-filedAt' })).items.length;
    }),
  );
  queries.push(
    await measure(progress, 'case list, province', `GET /cases?status=open, a province supervisor (${COMMUNES_PER_PROVINCE} communes)`, n, async (i) => {
      return (await listCases(db, { scope: { units: provinceUnits(pick(i).unit_code) }, status: 'open' }, { limit: 20, sort: '-filedAt' })).items.length;
    }),
  );
  queries.push(await measureInboxPage(ctx, n, (i) => ({ unit: pick(i).unit_code, roles: roles(pick(i).role) })));
  const bytes = await db.query<{ cases: string; tasks: string }>(
    `SELECT pg_total_relation_size('cases') AS cases, pg_total_relation_size('case_tasks') AS tasks`,
  );
  return {
    cases: total,
    openTasks,
    largestUnit: { code: largest.unit_code, cases: Number(largest.n), openTasks: largestTasks },
    seedMs,
    tableBytes: { cases: Number(bytes.rows[0]?.cases), caseTasks: Number(bytes.rows[0]?.tasks) },
    queries,
  };
}

const PAGE_SECRET = 'bench-console-session-secret-0123456789';

/**
 * The console's inbox page as an agent's browser gets it: the whole Express app (API and console,
 * as `npm start` serves them) on a loopback port, a signed session cookie for an agent of the sampled
 * commune, `GET /inbox` timed from request to the last byte of the HTML (so the server time and the
 * loopback round trip, an upper bound of the server's share). Every answer must be a 200 page.
 */
async function measureInboxPage(ctx: ScenarioContext, n: number, who: (i: number) => { unit: string; roles: string[] }): Promise<QueryResult> {
  const { h } = ctx;
  const app = createApp({
    db: h.db,
    engine: createCaseEngine(h.client, { taskQueue: BENCH_TASK_QUEUE }),
    directory: createDirectory(h.db),
    verifyToken: createTokenVerifier({ jwtSecret: PAGE_SECRET }),
    options: { rateLimit: false },
    console: (useCases, logger) => createConsole({ useCases, logger }, { sessionSecret: PAGE_SECRET, calendarId: 'ma-administration' }),
  });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as import('node:net').AddressInfo;
  const codec = new SessionCodec({ secret: PAGE_SECRET });
  const cookie = (i: number) => {
    const { unit, roles } = who(i);
    return `${SESSION_COOKIE}=${codec.encode(codec.fresh({ sub: `bench-agent-${unit}`, name: 'Agent', roles, unit, lang: i % 3 === 0 ? 'ar' : 'fr' }))}`;
  };
  try {
    return await measure(ctx.progress, 'inbox page', "the console's /inbox page (HTML, first 20 tasks), an agent's browser on loopback", n, async (i) => {
      const res = await fetch(`http://127.0.0.1:${port}/inbox`, { headers: { cookie: cookie(i), 'accept-encoding': 'gzip' } });
      const html = await res.text();
      if (res.status !== 200) throw new Error(`inbox page: ${res.status} ${html.slice(0, 200)}`);
      return (html.match(/<tr[\s>]/g) ?? []).length;
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
