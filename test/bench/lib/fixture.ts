/** A small synthetic run for the report, chart and target tests. */
import type { BenchResults } from '../../../bench/lib/results';
import type { ProduceRun } from '../../../bench/workloads/throughput';
import type { LatencyRun } from '../../../bench/workloads/latency';
import type { GroupResult } from '../../../bench/lib/loadgen';

export const MiB = 1024 * 1024;

export function produceRun(mbPerSec: number, extra: Partial<ProduceRun> = {}): ProduceRun {
  return {
    recordsPerSec: (mbPerSec * 1e6) / 1024,
    bytesPerSec: mbPerSec * 1e6,
    acked: 1000,
    ackedBytes: 1024000,
    failed: 0,
    firstError: '',
    cpuSecondsPerGB: 2,
    cpuCores: 1,
    peakRssBytes: 100 * MiB,
    storedPerProducedByte: 1.01,
    ...extra,
  };
}

export function latencyRun(p99Ms: number, peakRssBytes = 100 * MiB): LatencyRun {
  const s = { samples: 1000, p50Ms: 1, p99Ms, p999Ms: p99Ms * 2, maxMs: p99Ms * 3, meanMs: 1.2 };
  return { e2e: s, ack: s, achievedRate: 1000, consumed: 1000, produced: 1000, scheduleLagMaxMs: 1, queueFull: 0, cpuCores: 0.5, peakRssBytes };
}

export function groupResult(extra: Partial<GroupResult> = {}): GroupResult & { commitsPerSec: number } {
  return { joinMs: 85, assignments: 1, commits: 700, commitsOk: 699, commitsEmpty: 1, commitsFailed: 0, firstCommitError: '', positionSum: 5000, committedSum: 5000, commitsPerSec: 70, ...extra };
}

export function sampleResults(): BenchResults {
  return {
    meta: {
      date: '2026-01-02T03:04:05.000Z',
      durationSeconds: 600,
      host: { cpus: 2, cpuModel: 'test cpu', memoryGiB: 24, kernel: '6.1', loadAverageStart: [0.5, 0.4, 0.3], loadAverageEnd: [1, 1, 1] },
      versions: { node: 'v20', java: 'openjdk 17', kafka: '4.4.0', librdkafka: '2.0.2', tributaryCommit: 'abc1234' },
      settings: { brokers: ['tributary', 'kafka'], scale: 1 },
      notes: ['a note'],
    },
    baseline: {
      disk: { bytes: 2 ** 30, pageCacheBytesPerSec: 3e9, syncedBytesPerSec: 1e9, fdatasyncSeconds: 0.5 },
      device: { bytes: 2 ** 30, directWriteBytesPerSec: 2.5e9, directReadBytesPerSec: 1.5e9 },
    },
    throughput: [
      { config: { partitions: 16, acks: '1', compression: 'none' }, nullSink: produceRun(1000), brokers: { tributary: produceRun(800, { peakRssBytes: 50 * MiB }), kafka: produceRun(600, { peakRssBytes: 500 * MiB }) } },
      { config: { partitions: 16, acks: 'all', compression: 'lz4' }, nullSink: produceRun(400), brokers: { tributary: produceRun(390, { storedPerProducedByte: 1.02 }), kafka: produceRun(300, { storedPerProducedByte: 0.6 }) } },
      { config: { partitions: 1, acks: '1', compression: 'none' }, nullSink: produceRun(1000), brokers: { tributary: { error: 'broker | exploded' }, kafka: produceRun(500) } },
    ],
    latency: [
      { config: { partitions: 16, acks: 'all', compression: 'none' }, fraction: 0.1, consumer: 'simple', rate: 20000, rateSource: 'test', brokers: { tributary: latencyRun(4), kafka: latencyRun(8, 600 * MiB) } },
      {
        config: { partitions: 16, acks: 'all', compression: 'none' },
        fraction: 0.5,
        consumer: 'group',
        rate: 100000,
        rateSource: 'test',
        brokers: {
          tributary: { ...latencyRun(3), group: groupResult() },
          kafka: { ...latencyRun(6), group: groupResult({ joinMs: 1050, committedSum: 4990 }) },
        },
      },
    ],
    targets: [],
  };
}
