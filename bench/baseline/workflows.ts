/**
 * The baseline: what a hand-written Temporal workflow for the benchmark's three-step procedure
 * costs, with no engine. Same Updates (`filed` with the start, one `act` per action), same
 * activity calls in the same order (due date, receipt, projection on filing; projection per
 * action; decision message on the last), and a deadline timer, like the case workflow's clock.
 * Activities are no-ops (`activities.ts`): the ratio engine / baseline is the engine's overhead
 * plus the real cost of its activities (PostgreSQL, templates, SMTP).
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BaselineActivities } from './activities';
import { baselineActUpdate, baselineFiledUpdate, type BaselineInput, type BaselineView } from './messages';

const { computeDue, notify, project } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

export async function baselineCase(input: BaselineInput): Promise<BaselineView> {
  let step = 0;
  let filed = false;
  const inbox: { action: string; resolve: (v: BaselineView) => void }[] = [];
  const deliveries: Promise<unknown>[] = [];
  const view = (): BaselineView => ({ caseId: input.caseId, step, status: step >= input.actions.length ? 'closed' : 'open' });

  setHandler(baselineFiledUpdate, async () => {
    await condition(() => filed);
    return view();
  });
  setHandler(
    baselineActUpdate,
    async (req) => {
      await condition(() => filed);
      return new Promise<BaselineView>((resolve) => inbox.push({ action: req.action, resolve }));
    },
    {
      validator: (req) => {
        if (filed && req.action !== input.actions[step]) throw new Error(`action ${req.action} not expected at step ${step}`);
      },
    },
  );

  const { due } = await computeDue();
  deliveries.push(notify());
  await project();
  filed = true;

  while (step < input.actions.length) {
    const wait = Math.max(0, Date.parse(due) - Date.now());
    // The deadline timer: the case workflow waits on its clock the same way.
    if (!(await condition(() => inbox.length > 0, wait))) break;
    const item = inbox.shift() as (typeof inbox)[number];
    step += 1;
    if (step === input.actions.length) deliveries.push(notify());
    await project();
    item.resolve(view());
  }
  await Promise.all(deliveries);
  return view();
}
