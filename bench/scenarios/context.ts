/** What every scenario receives: the servers, the sizes, the progress display. */
import type { Harness } from '../harness';
import type { Sizes } from '../options';
import type { Progress } from '../progress';

export interface ScenarioContext {
  h: Harness;
  sizes: Sizes;
  progress: Progress;
  /** Unique per run, prefixes case ids. */
  runId: string;
  /** The benchmark's own processes, for CPU accounting. */
  pids: Record<string, number>;
}
