/**
 * Workload 1: maximum producer throughput, 1 KiB records, {1, 16} partitions × acks {1, all} ×
 * compression {none, lz4}. For each configuration, in this order: the null sink (the generator's
 * own ceiling on this machine), then each broker on a fresh process and data directory with the
 * topic created up front; BENCH_REPEATS times (2 by default), reporting the best repeat. A
 * broker's CPU and peak RSS are measured over the whole produce run.
 */
import { attempt, BenchContext, bestOf, isError } from '../lib/context';
import type { CreateResult, ProduceResult } from '../lib/loadgen';
import { PhaseMeter } from '../lib/proc-stats';
import { segmentBytes } from '../lib/data-size';
import type { BrokerKind } from '../lib/options';

export interface ProduceConfig {
  partitions: number;
  acks: '1' | 'all';
  compression: 'none' | 'lz4';
}

export const configLabel = (c: ProduceConfig): string => `p${c.partitions} acks=${c.acks} ${c.compression}`;
/** Topic names end in -pN: the null sink reads the partition count from it. */
export const topicFor = (prefix: string, c: ProduceConfig): string => `${prefix}-acks${c.acks}-${c.compression}-p${c.partitions}`;

export interface ProduceRun {
  recordsPerSec: number;
  bytesPerSec: number;
  acked: number;
  ackedBytes: number;
  failed: number;
  firstError: string;
  /** Broker CPU seconds per GB (1e9 bytes) of record values acknowledged. */
  cpuSecondsPerGB: number;
  cpuCores: number;
  peakRssBytes: number;
  /** Segment bytes stored per value byte acknowledged (brokers only): ~1.0 means uncompressed. */
  storedPerProducedByte?: number;
  /** bytes/s of every repeat (the reported run is the best). */
  repeats?: number[];
}

export interface ThroughputRow {
  config: ProduceConfig;
  nullSink: ProduceRun | { error: string };
  brokers: Partial<Record<BrokerKind, ProduceRun | { error: string }>>;
}

export const PRODUCE_CONFIGS: ProduceConfig[] = [1, 16].flatMap((partitions) =>
  (['1', 'all'] as const).flatMap((acks) => (['none', 'lz4'] as const).map((compression) => ({ partitions, acks, compression }))),
);

async function produceOnce(ctx: BenchContext, target: { bootstrap: string; pid: number }, topic: string, c: ProduceConfig, logName: string): Promise<ProduceRun> {
  const meter = new PhaseMeter(target.pid).start();
  const r = await ctx.loadgen<ProduceResult>('produce', logName, {
    bootstrap: target.bootstrap,
    topic,
    acks: c.acks,
    compression: c.compression,
    'record-size': 1024,
    warmup: ctx.opts.warmupSeconds,
    duration: ctx.opts.windowSeconds,
    producers: ctx.opts.producers,
  }, undefined, 300_000);
  const u = meter.stop();
  if (r.acked === 0) throw new Error(`no record acknowledged (${r.failed} failed, first error ${r.firstError || 'none'})`);
  return {
    recordsPerSec: r.recordsPerSec,
    bytesPerSec: r.bytesPerSec,
    acked: r.acked,
    ackedBytes: r.ackedBytes,
    failed: r.failed,
    firstError: r.firstError,
    cpuSecondsPerGB: u.cpuSeconds / (r.ackedBytes / 1e9),
    cpuCores: u.cpuCores,
    peakRssBytes: u.peakRssBytes,
  };
}

/** One broker, fresh: start, create the topic, produce, stop, delete its data. */
export async function brokerProduce(ctx: BenchContext, kind: BrokerKind, c: ProduceConfig, label: string): Promise<ProduceRun> {
  const dir = ctx.freshDir(kind, label);
  const b = await ctx.startBroker(kind, label, dir);
  try {
    const topic = topicFor('tput', c);
    await ctx.loadgen<CreateResult>('create', `${kind}-${label}`, { bootstrap: b.bootstrap, topic, partitions: c.partitions }, undefined, 180_000);
    const run = await produceOnce(ctx, b, topic, c, `${kind}-${label}`);
    run.storedPerProducedByte = segmentBytes(b.dataDir) / run.ackedBytes;
    return run;
  } finally {
    await ctx.stop(b);
    ctx.removeDir(dir);
  }
}

export async function runThroughput(ctx: BenchContext): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  const sink = await ctx.startNullSink('throughput');
  try {
    for (const c of PRODUCE_CONFIGS) {
      const label = `tput-p${c.partitions}-acks${c.acks}-${c.compression}`;
      // Repeats interleave the targets (null sink, then each broker) so that a burst of
      // interference from other processes hits them alike; the best repeat is reported.
      const runs: { nullSink: (ProduceRun | { error: string })[]; brokers: Partial<Record<BrokerKind, (ProduceRun | { error: string })[]>> } = { nullSink: [], brokers: {} };
      for (let rep = 0; rep < ctx.opts.repeats; rep++) {
        runs.nullSink.push(await attempt(ctx, `null sink ${configLabel(c)}`, () => produceOnce(ctx, sink, topicFor('tput', c), c, `null-sink-${label}`)));
        for (const kind of ctx.brokerOrder(rep)) {
          (runs.brokers[kind] ??= []).push(await attempt(ctx, `${kind} ${configLabel(c)}`, () => brokerProduce(ctx, kind, c, `${label}-r${rep}`)));
        }
      }
      const score = (r: ProduceRun): number => r.bytesPerSec;
      const row: ThroughputRow = { config: c, nullSink: bestOf(runs.nullSink, score), brokers: {} };
      for (const kind of ctx.opts.brokers) row.brokers[kind] = bestOf(runs.brokers[kind] ?? [], score);
      ctx.log(`throughput ${configLabel(c)}: ${[['null sink', row.nullSink] as const, ...Object.entries(row.brokers)].map(([k, v]) => `${k} ${isError(v) ? 'error' : `${(v.bytesPerSec / 1e6).toFixed(0)} MB/s`}`).join(', ')}`);
      rows.push(row);
    }
  } finally {
    await ctx.stop(sink);
  }
  return rows;
}
