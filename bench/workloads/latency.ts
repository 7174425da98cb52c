/**
 * Workload 2: end-to-end latency (produce call → record consumed) at a fixed rate, acks=all, no
 * compression, 1 KiB records, on 16 and 1 partitions. Both brokers get the same offered load:
 * 50% of the lower of their two maximum producer throughputs for that configuration from
 * workload 1, or BENCH_LATENCY_RATE when workload 1 did not run. On a 2-core machine the
 * consumer, the producer and the broker share the cores, so 50% of a producer-only maximum can
 * be past what a broker sustains with a consumer attached; a third case at 10% shows latency
 * away from saturation. A fourth case repeats p16 at 50% with the consumer in a consumer group,
 * as the OMB Kafka driver's consumer runs: subscribe, then commitAsync after every poll batch, so
 * the group coordinator's joins and offset commits are part of the measurement. Percentiles come
 * from an HDR histogram of every record consumed after the warm-up. Each case runs BENCH_REPEATS times per broker; the repeat with the lowest p99 is
 * reported.
 */
import { attempt, BenchContext, bestOf, isError } from '../lib/context';
import type { CreateResult, E2eResult, GroupResult } from '../lib/loadgen';
import { LatencySummary, summarizeLatencyFile } from '../lib/latency';
import { PhaseMeter } from '../lib/proc-stats';
import type { BrokerKind } from '../lib/options';
import { ProduceConfig, ThroughputRow, topicFor } from './throughput';

export interface LatencyRun {
  e2e: LatencySummary;
  ack: LatencySummary;
  achievedRate: number;
  consumed: number;
  produced: number;
  scheduleLagMaxMs: number;
  queueFull: number;
  cpuCores: number;
  peakRssBytes: number;
  /** The group case only: joins and offset commits as the consumer saw them; commits per second
   *  of producing (warm-up included). */
  group?: GroupResult & { commitsPerSec: number };
  /** End-to-end p99 (ms) of every repeat; the reported run has the lowest. */
  repeats?: number[];
}

/** `simple`: partitions assigned by the consumer itself; `group`: a consumer-group member. */
export type LatencyConsumer = 'simple' | 'group';

export interface LatencyCase {
  config: ProduceConfig;
  /** Share of the maximum producer throughput offered. */
  fraction: number;
  consumer: LatencyConsumer;
}

export interface LatencyRow extends LatencyCase {
  rate: number;
  rateSource: string;
  brokers: Partial<Record<BrokerKind, LatencyRun | { error: string }>>;
}

export const LATENCY_CASES: LatencyCase[] = [
  { config: { partitions: 16, acks: 'all', compression: 'none' }, fraction: 0.5, consumer: 'simple' },
  { config: { partitions: 1, acks: 'all', compression: 'none' }, fraction: 0.5, consumer: 'simple' },
  { config: { partitions: 16, acks: 'all', compression: 'none' }, fraction: 0.1, consumer: 'simple' },
  { config: { partitions: 16, acks: 'all', compression: 'none' }, fraction: 0.5, consumer: 'group' },
];

/** "p16", or "p16 group" for the consumer-group case: the name of a case in tables and charts. */
export function latencyCaseName(c: LatencyCase): string {
  return `p${c.config.partitions}${c.consumer === 'group' ? ' group' : ''}`;
}

/** A group run whose commits failed or whose committed offsets differ from its positions. */
export function groupCommitProblem(g: GroupResult): string | undefined {
  if (g.commitsFailed > 0) return `${g.commitsFailed} commits failed (${g.firstCommitError})`;
  if (g.positionSum < 0 || g.committedSum < 0) return 'committed offsets could not be read back';
  if (g.committedSum !== g.positionSum) return `committed offsets sum to ${g.committedSum}, positions to ${g.positionSum}`;
  return undefined;
}

function rateFor(c: ProduceConfig, fraction: number, tput: ThroughputRow[] | undefined): { rate: number; source: string } {
  const row = tput?.find((r) => r.config.partitions === c.partitions && r.config.acks === c.acks && r.config.compression === c.compression);
  const maxes = row ? Object.values(row.brokers).filter((v) => v && !isError(v)).map((v) => (v as { recordsPerSec: number }).recordsPerSec) : [];
  if (maxes.length > 0) {
    const min = Math.min(...maxes);
    return { rate: Math.max(1000, Math.round((min * fraction) / 1000) * 1000), source: `${fraction * 100}% of the lower broker maximum (${Math.round(min)} records/s)` };
  }
  const env = Number(process.env.BENCH_LATENCY_RATE ?? 100000) * fraction * 2;
  return { rate: env, source: `${fraction * 100}% of BENCH_LATENCY_RATE (no throughput figures in this run)` };
}

async function latencyOnce(ctx: BenchContext, kind: BrokerKind, lc: LatencyCase, rate: number, rep: number): Promise<LatencyRun> {
  const { config: c, fraction } = lc;
  const label = `e2e-p${c.partitions}-${Math.round(fraction * 100)}pct${lc.consumer === 'group' ? '-group' : ''}-r${rep}`;
  const dir = ctx.freshDir(kind, label);
  const b = await ctx.startBroker(kind, label, dir);
  try {
    const topic = topicFor('e2e', c);
    await ctx.loadgen<CreateResult>('create', `${kind}-${label}`, { bootstrap: b.bootstrap, topic, partitions: c.partitions }, undefined, 180_000);
    const e2eFile = ctx.file(`${kind}-${label}.e2e.bin`);
    const ackFile = ctx.file(`${kind}-${label}.ack.bin`);
    const meter = new PhaseMeter(b.pid).start();
    const r = await ctx.loadgen<E2eResult>('e2e', `${kind}-${label}`, {
      bootstrap: b.bootstrap,
      topic,
      acks: c.acks,
      compression: c.compression,
      rate,
      warmup: ctx.opts.warmupSeconds,
      duration: ctx.opts.latencyWindowSeconds,
      'latency-out': e2eFile,
      'ack-latency-out': ackFile,
      group: lc.consumer === 'group' ? 'bench-e2e' : undefined,
    }, undefined, 300_000);
    const u = meter.stop();
    if (r.consumed === 0) throw new Error(`nothing consumed (${r.acked} acknowledged, ${r.failed} failed)`);
    return {
      e2e: summarizeLatencyFile(e2eFile),
      ack: summarizeLatencyFile(ackFile),
      achievedRate: r.achievedRate,
      consumed: r.consumed,
      produced: r.produced,
      scheduleLagMaxMs: r.scheduleLagMaxMs,
      queueFull: r.queueFull,
      cpuCores: u.cpuCores,
      peakRssBytes: u.peakRssBytes,
      group: r.group ? { ...r.group, commitsPerSec: r.group.commits / r.sendSeconds } : undefined,
    };
  } finally {
    await ctx.stop(b);
    ctx.removeDir(dir);
  }
}

export async function runLatency(ctx: BenchContext, tput: ThroughputRow[] | undefined): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const lc of LATENCY_CASES) {
    const { config: c, fraction } = lc;
    const { rate, source } = rateFor(c, fraction, tput);
    const row: LatencyRow = { ...lc, rate, rateSource: source, brokers: {} };
    const runs: Partial<Record<BrokerKind, (LatencyRun | { error: string })[]>> = {};
    for (let rep = 0; rep < ctx.opts.repeats; rep++) {
      for (const kind of ctx.brokerOrder(rep)) {
        (runs[kind] ??= []).push(await attempt(ctx, `${kind} latency ${latencyCaseName(lc)}`, () => latencyOnce(ctx, kind, lc, rate, rep)));
      }
    }
    for (const kind of ctx.opts.brokers) {
      const best = bestOf(runs[kind] ?? [], (r) => -r.e2e.p99Ms); // best = lowest p99
      if (!isError(best)) best.repeats = best.repeats.map((x) => -x);
      row.brokers[kind] = best;
    }
    ctx.log(`latency ${latencyCaseName(lc)} @ ${rate}/s: ${Object.entries(row.brokers).map(([k, v]) => `${k} ${isError(v) ? 'error' : `p50 ${v?.e2e.p50Ms} ms p99 ${v?.e2e.p99Ms} ms`}`).join(', ')}`);
    rows.push(row);
  }
  return rows;
}
