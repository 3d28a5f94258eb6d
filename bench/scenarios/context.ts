/** What every scenario receives: the servers, the sizes, the progress display. */
import type { Harness } from '../harness';
import type { FlowablePeer } from '../peer/flowable';
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
  /** The Flowable peer, running for the throughput scenario (its pid is in `pids` as `flowable`). */
  peer?: FlowablePeer;
  /** Why the peer is not running, when it was asked for (Java or Maven missing, build failed). */
  peerSkipped?: string;
}
