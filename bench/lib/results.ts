/**
 * The shape of bench/results/latest.json and the targets evaluated against it. Every
 * target compares figures from the same run; a target whose inputs are missing is "n/a".
 */
import type { DeviceBaseline, DeviceUnavailable, DiskBaseline } from './disk';
import type { BrokerKind } from './options';
import type { ThroughputRow, ProduceRun } from '../workloads/throughput';
import type { LatencyRow, LatencyRun } from '../workloads/latency';
import type { CatchupRun } from '../workloads/catchup';
import type { PartitionsRun } from '../workloads/partitions';
import type { StartupRun } from '../workloads/startup';
import { isError } from './context';
import { groupCommitProblem, latencyCaseName } from '../workloads/latency';

type Maybe<T> = T | { error: string } | undefined;
export type PerBroker<T> = Partial<Record<BrokerKind, T | { error: string }>>;

export interface BenchResults {
  meta: {
    date: string;
    durationSeconds: number;
    host: { cpus: number; cpuModel: string; memoryGiB: number; kernel: string; loadAverageStart: number[]; loadAverageEnd: number[] };
    versions: { node: string; java: string; kafka: string; librdkafka: string; tributaryCommit: string };
    settings: Record<string, unknown>;
    notes: string[];
  };
  /** `device`: absent in results written before it was measured. */
  baseline?: { disk: DiskBaseline; device?: DeviceBaseline | DeviceUnavailable };
  throughput?: ThroughputRow[];
  latency?: LatencyRow[];
  catchup?: PerBroker<CatchupRun>;
  partitions?: PerBroker<PartitionsRun>;
  startup?: PerBroker<StartupRun>;
  targets: Target[];
}

export interface Target {
  name: string;
  goal: string;
  value: string;
  pass: boolean | null;
}

const ok = <T>(v: Maybe<T>): T | undefined => (v === undefined || isError(v) ? undefined : v);
const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const MiB = 1024 * 1024;

function peakRss(r: BenchResults, kind: BrokerKind): number | undefined {
  const peaks: number[] = [];
  for (const row of r.throughput ?? []) {
    const v = ok<ProduceRun>(row.brokers[kind]);
    if (v) peaks.push(v.peakRssBytes);
  }
  for (const row of r.latency ?? []) {
    const v = ok<LatencyRun>(row.brokers[kind]);
    if (v) peaks.push(v.peakRssBytes);
  }
  const c = ok(r.catchup?.[kind]);
  if (c) peaks.push(c.consumePeakRssBytes);
  return peaks.length ? Math.max(...peaks) : undefined;
}

/** librdkafka falls back to uncompressed batches when the broker's ApiVersions lacks FindCoordinator. */
export function sentUncompressed(run: ProduceRun): boolean {
  return (run.storedPerProducedByte ?? 0) > 0.9;
}

export function evaluateTargets(r: BenchResults): Target[] {
  const t: Target[] = [];
  const add = (name: string, goal: string, value: string, pass: boolean | null): void => void t.push({ name, goal, value, pass });

  // Producer throughput vs Kafka, and acks=1 / none vs the null sink.
  const ratios: string[] = [];
  let behind = false;
  let missing = false;
  for (const row of r.throughput ?? []) {
    const tr = ok(row.brokers.tributary);
    const kf = ok(row.brokers.kafka);
    const label = `p${row.config.partitions}/acks=${row.config.acks}/${row.config.compression}`;
    if (tr && kf && !(row.config.compression !== 'none' && sentUncompressed(tr) !== sentUncompressed(kf))) {
      const x = tr.bytesPerSec / kf.bytesPerSec;
      ratios.push(`${label} ${fmt(x)}×`);
      if (x < 1) behind = true;
    } else {
      ratios.push(`${label} ${tr && kf ? 'not comparable (one was sent uncompressed)' : 'n/a'}`);
      missing = true;
    }
    if (row.config.acks === '1' && row.config.compression === 'none') {
      const ns = ok(row.nullSink);
      const share = tr && ns ? tr.bytesPerSec / ns.bytesPerSec : Number.NaN;
      add(`Producer throughput vs null sink (p${row.config.partitions}, acks=1, none)`, '≥ 70% of the null sink', Number.isFinite(share) ? `${fmt(share * 100, 0)}%` : 'n/a', Number.isFinite(share) ? share >= 0.7 : null);
    }
  }
  if (r.throughput) add('Producer throughput vs Kafka (every configuration)', '≥ 1.0× Kafka', ratios.join('; '), behind ? false : missing ? null : true);

  for (const row of r.latency ?? []) {
    const tr = ok(row.brokers.tributary);
    const kf = ok(row.brokers.kafka);
    const at = `${latencyCaseName(row)}, ${row.fraction * 100}% of max = ${row.rate} records/s`;
    add(`End-to-end p99 vs Kafka (${at})`, '≤ Kafka', tr && kf ? `${fmt(tr.e2e.p99Ms)} ms vs ${fmt(kf.e2e.p99Ms)} ms` : 'n/a', tr && kf ? tr.e2e.p99Ms <= kf.e2e.p99Ms : null);
    add(`End-to-end p99 (${at})`, '≤ 5 ms', tr ? `${fmt(tr.e2e.p99Ms)} ms` : 'n/a', tr ? tr.e2e.p99Ms <= 5 : null);
    if (row.consumer === 'group') {
      // Not one of the speed targets: a check that the group's offsets survived the run.
      const problem = tr?.group ? groupCommitProblem(tr.group) : 'n/a';
      add(`Consumer group offsets (${at})`, 'every commit succeeds; committed = consumed', tr?.group ? problem ?? `${tr.group.commitsOk} commits, committed = positions` : 'n/a', tr?.group ? problem === undefined : null);
    }
  }

  const st = ok(r.startup?.tributary);
  const sk = ok(r.startup?.kafka);
  add('Start-up, empty data directory', '≥ 10× faster than Kafka', st && sk ? `${fmt(sk.medianEmptyMs / st.medianEmptyMs, 1)}× (${fmt(st.medianEmptyMs, 0)} ms vs ${fmt(sk.medianEmptyMs, 0)} ms)` : 'n/a', st && sk ? sk.medianEmptyMs / st.medianEmptyMs >= 10 : null);
  const ct = ok(r.catchup?.tributary);
  const ck = ok(r.catchup?.kafka);
  add('Start-up with data', '≥ 10× faster than Kafka', ct && ck ? `${fmt(ck.startupWithDataMs / ct.startupWithDataMs, 1)}× (${fmt(ct.startupWithDataMs, 0)} ms vs ${fmt(ck.startupWithDataMs, 0)} ms, ${fmt(ct.dataBytesOnDisk / 2 ** 30)} GiB)` : 'n/a', ct && ck ? ck.startupWithDataMs / ct.startupWithDataMs >= 10 : null);

  const rt = peakRss(r, 'tributary');
  const rk = peakRss(r, 'kafka');
  add('Peak RSS (throughput, latency, catch-up)', '≤ 1/5 of Kafka', rt && rk ? `${fmt(rt / MiB, 0)} MiB vs ${fmt(rk / MiB, 0)} MiB (1/${fmt(rk / rt, 1)})` : 'n/a', rt && rk ? rt * 5 <= rk : null);

  if (ct) {
    const maxProduce = Math.max(0, ...(r.throughput ?? []).map((row) => ok(row.brokers.tributary)?.bytesPerSec ?? 0));
    add('Consumer catch-up vs producer maximum', '≥ the producer maximum', maxProduce > 0 ? `${fmt(ct.consumeBytesPerSec / 1e6, 0)} MB/s vs ${fmt(maxProduce / 1e6, 0)} MB/s` : 'n/a', maxProduce > 0 ? ct.consumeBytesPerSec >= maxProduce : null);
  } else if (r.catchup) {
    add('Consumer catch-up vs producer maximum', '≥ the producer maximum', 'n/a', null);
  }

  const pt = ok(r.partitions?.tributary);
  if (r.partitions) {
    const idlePeak = pt ? Math.max(pt.created.peakRssBytes, pt.idle.peakRssBytes) : Number.NaN;
    add(`Peak RSS, ${pt?.partitions ?? 1000} idle partitions and connections`, '≤ 300 MiB', pt ? `${fmt(idlePeak / MiB, 0)} MiB` : 'n/a', pt ? idlePeak <= 300 * MiB : null);
  }
  return t;
}

export interface MeasurementError {
  /** Where in the results, e.g. `throughput[2].brokers.tributary`. */
  where: string;
  error: string;
  /** Whether it belongs to the reference Kafka (a `kafka` key on the way). */
  reference: boolean;
}

/**
 * Every measurement that failed instead of giving a figure ({ error } in place of a result, a
 * repeat included). `BENCH_STRICT=1` (the CI smoke run) fails the run on those of Tributary or
 * the null sink: they mean the broker or the harness broke, not that a target was missed.
 */
export function measurementErrors(r: BenchResults): MeasurementError[] {
  const out: MeasurementError[] = [];
  const walk = (v: unknown, where: string, reference: boolean): void => {
    if (typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${where}[${i}]`, reference));
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.error === 'string') {
      out.push({ where, error: o.error, reference });
      return;
    }
    for (const [k, child] of Object.entries(o)) walk(child, where ? `${where}.${k}` : k, reference || k === 'kafka');
  };
  const { meta: _meta, targets: _targets, ...measured } = r;
  walk(measured, '', false);
  return out;
}
