/**
 * Workload 5, first half: start-up with an empty data directory, BENCH_STARTUP_REPEATS times
 * (3 by default), each on a new directory; the median is reported. Time runs from spawning the
 * broker process to its first Metadata answer listing a broker. Kafka's one-off storage format
 * (`kafka-storage format`, required before a KRaft broker's first start) is timed separately and
 * not included. The start-up with data is measured by the catch-up workload.
 */
import { BenchContext } from '../lib/context';
import { rssBytes } from '../lib/proc-stats';
import type { BrokerKind } from '../lib/options';

export interface StartupRun {
  emptyMs: number[];
  medianEmptyMs: number;
  rssAtReadyBytes: number;
  stopMs: number;
  formatMs?: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function runStartup(ctx: BenchContext, kind: BrokerKind): Promise<StartupRun> {
  const emptyMs: number[] = [];
  let rss = 0;
  let stopMs = 0;
  let formatMs: number | undefined;
  for (let i = 0; i < ctx.opts.startupRepeats; i++) {
    const dir = ctx.freshDir(kind, 'startup');
    const b = await ctx.startBroker(kind, `startup-${i}`, dir);
    emptyMs.push(b.startupMs);
    rss = Math.max(rss, rssBytes(b.pid));
    if (b.formatMs !== undefined) formatMs = b.formatMs;
    stopMs = (await ctx.stop(b)).stopMs;
    ctx.removeDir(dir);
  }
  return { emptyMs, medianEmptyMs: median(emptyMs), rssAtReadyBytes: rss, stopMs, formatMs };
}
