/**
 * Scenario 2, history cost: one case of each shipped procedure along its main path (filed, then
 * the usual actions to the favourable decision), and the Temporal history it leaves: events in
 * all, by kind, and bytes. The bench procedure and the baseline are measured the same way.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { actUpdate, caseWorkflowId, filedUpdate } from '../../workflows/messages';
import { baselineActUpdate, baselineFiledUpdate, BASELINE_TASK_QUEUE, BASELINE_WORKFLOW_TYPE } from '../baseline/messages';
import { BENCH_ACTIONS } from '../cases';
import { BENCH_TASK_QUEUE } from '../harness';
import { benchAgent, benchCaseInput, benchProcedure, compileSource } from '../procedure';
import type { ScenarioContext } from './context';

/** A well-formed document id for a file field (the bench's cases run on the engine alone, without uploads). */
const docId = (name: string): string => {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The main path of each shipped procedure: what is filed, then the actions to the decision. */
const MAIN_PATHS: Record<string, { data: Record<string, unknown>; actions: { action: string; input?: Record<string, unknown>; byProvince?: true }[] }> = {
  'acces-information': {
    data: { subject: 'Budget communal 2025', format: 'electronic' },
    actions: [{ action: 'start_review' }, { action: 'answer', input: { document: '3b0f6f2c-8a1e-4d5b-9c3a-1f2e3d4c5b6a' } }],
  },
  'bureau-ordre': {
    data: { direction: 'incoming', correspondent: 'Amina Benali', subject: 'Demande de rendez-vous', document: docId('scan-1') },
    actions: [{ action: 'assign', input: { service: 'Urbanisme' } }, { action: 'answer', input: { reply: docId('reply-1') } }],
  },
  'controle-legalite': {
    data: { deliberation_number: '12/2026', session: 'ordinary', session_closed_on: '2026-10-05', subject: 'Convention de partenariat', minutes: docId('pv-1') },
    // The governor's services of the province control the commune's deliberations.
    actions: [{ action: 'transmit' }, { action: 'no_objection', byProvince: true }],
  },
  'legalisation-signature': { data: { act: 'signature', document: docId('doc-1'), copies: 1 }, actions: [{ action: 'deliver', input: { register_number: 'L-2026-1' } }] },
  'permis-construire': {
    data: { project: 'Maison R+1', land_title: 'T-1234', floor_area: 180, plans: docId('plans-1') },
    actions: [{ action: 'favourable_opinion' }, { action: 'approve' }],
  },
  'permis-habiter': {
    data: { building_permit: 'PC-2024-12', completion_date: '2025-01-10', completion_certificate: docId('cert-1') },
    actions: [{ action: 'report_compliant', input: { report: docId('pv-1') } }, { action: 'issue' }],
  },
  reclamation: { data: { kind: 'reclamation', subject: 'Éclairage public', details: 'Rue sans éclairage' }, actions: [{ action: 'answer', input: { answer: 'Réparé.' } }] },
};

export interface HistoryRow {
  procedure: string;
  path: string;
  events: number;
  bytes: number;
  workflowTasks: number;
  activities: number;
  timers: number;
  updates: number;
  signals: number;
}

function count(history: temporal.api.history.v1.IHistory, procedure: string, pathText: string): HistoryRow {
  const T = temporal.api.enums.v1.EventType;
  const events = history.events ?? [];
  const of = (type: number) => events.filter((e) => e.eventType === type).length;
  return {
    procedure,
    path: pathText,
    events: events.length,
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
    workflowTasks: of(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    activities: of(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    timers: of(T.EVENT_TYPE_TIMER_STARTED),
    updates: of(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
    signals: of(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
  };
}

async function finished(handle: WorkflowHandle): Promise<temporal.api.history.v1.IHistory> {
  await handle.result();
  return handle.fetchHistory();
}

export async function runHistory(ctx: ScenarioContext): Promise<HistoryRow[]> {
  const { h, progress } = ctx;
  const dir = path.join(__dirname, '..', '..', 'definitions', 'procedures');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const actor = benchAgent(h.unit.code);
  const rows: HistoryRow[] = [];
  progress.phase('history per case', files.length + 2);

  const cases: { id: string; procedure: ReturnType<typeof benchProcedure>; data: Record<string, unknown>; actions: { action: string; input?: Record<string, unknown> }[] }[] = [
    ...files.map((f) => {
      const id = f.replace(/\.yaml$/, '');
      const main = MAIN_PATHS[id];
      if (!main) throw new Error(`bench/scenarios/history.ts: no main path for the shipped procedure ${id} (add it to MAIN_PATHS)`);
      return { id, procedure: compileSource(readFileSync(path.join(dir, f), 'utf8'), f), ...main };
    }),
    { id: 'bench-permit', procedure: benchProcedure(), data: {}, actions: BENCH_ACTIONS },
  ];
  for (const c of cases) {
    const input = benchCaseInput(c.procedure, h.unit, `${ctx.runId}-h-${c.id}`, c.data);
    const start = new WithStartWorkflowOperation('procedureCase', {
      workflowId: caseWorkflowId(input.caseId),
      taskQueue: BENCH_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
    });
    await h.client.workflow.executeUpdateWithStart(filedUpdate, { startWorkflowOperation: start });
    const handle = await start.workflowHandle();
    for (const a of c.actions) {
      try {
        const by = 'byProvince' in a && a.byProvince ? benchAgent(h.unit.province ?? h.unit.code) : actor;
        await handle.executeUpdate(actUpdate, { args: [{ action: a.action, actor: by, ...(a.input ? { input: a.input } : {}) }] });
      } catch (err) {
        const cause = (err as { cause?: { message?: string } }).cause?.message;
        throw new Error(`history: ${c.id}, action ${a.action}: ${(err as Error).message}${cause ? `: ${cause}` : ''}`);
      }
    }
    rows.push(count(await finished(handle), c.id, ['file', ...c.actions.map((a) => a.action)].join(' → ')));
    progress.tick();
  }

  const actions = BENCH_ACTIONS.map((a) => a.action);
  const start = new WithStartWorkflowOperation(BASELINE_WORKFLOW_TYPE, {
    workflowId: `baseline-${ctx.runId}-h`,
    taskQueue: BASELINE_TASK_QUEUE,
    args: [{ caseId: `${ctx.runId}-h`, actions }],
    workflowIdConflictPolicy: 'FAIL',
  });
  await h.client.workflow.executeUpdateWithStart(baselineFiledUpdate, { startWorkflowOperation: start });
  const handle = await start.workflowHandle();
  for (const action of actions) await handle.executeUpdate(baselineActUpdate, { args: [{ action }] });
  rows.push(count(await finished(handle), 'baseline (bare Temporal)', ['file', ...actions].join(' → ')));
  progress.tick();
  progress.done(`${rows.length} histories`);
  return rows;
}
