/**
 * CPU accounting over a run, from /proc: how busy the whole machine was and how much of it the
 * benchmark's own processes used. On a shared 2-core machine the rest (PostgreSQL, anything else
 * running) is what the numbers competed with, so every run reports it.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface CpuUsage {
  /** Busy share of the whole machine, 0-100 (100 = every core busy). */
  machineBusyPct: number;
  /** Per process, in % of one core. */
  processes: Record<string, number>;
  /** The rest of the machine's busy time (PostgreSQL, other users), in % of one core. */
  otherPct: number;
  loadAverage: number;
}

const TICKS = 100; // USER_HZ on Linux

function machineTicks(): { idle: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { idle, total: values.reduce((a, b) => a + b, 0) };
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Starts watching; the returned function ends the window and gives the usage over it. */
export function watchCpu(pids: Record<string, number>): () => CpuUsage {
  const t0 = performance.now();
  const m0 = machineTicks();
  const p0 = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processTicks(pid)]));
  return () => {
    const secs = (performance.now() - t0) / 1000;
    const m1 = machineTicks();
    const total = m1.total - m0.total;
    const busy = total > 0 ? 1 - (m1.idle - m0.idle) / total : 0;
    const processes: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      processes[name] = Math.round(((processTicks(pid) - (p0[name] ?? 0)) / TICKS / secs) * 1000) / 10;
    }
    const cores = os.cpus().length;
    const mine = Object.values(processes).reduce((a, b) => a + b, 0);
    return {
      machineBusyPct: Math.round(busy * 1000) / 10,
      processes,
      otherPct: Math.max(0, Math.round((busy * cores * 100 - mine) * 10) / 10),
      loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    };
  };
}
