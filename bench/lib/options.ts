/**
 * Settings of a macro benchmark run, all from environment variables (so `npm run bench` needs
 * no arguments). See bench/README.md for the table of defaults.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const WORKLOADS = ['baseline', 'throughput', 'latency', 'catchup', 'partitions', 'startup'] as const;
export type Workload = (typeof WORKLOADS)[number];

export const TARGETS = ['tributary', 'kafka'] as const;
export type BrokerKind = (typeof TARGETS)[number];

export interface BenchOptions {
  /** Multiplies every duration and data size (0.1 for a smoke run). */
  scale: number;
  workloads: Workload[];
  brokers: BrokerKind[];
  /** Throughput and latency measurements are repeated this many times; the best is reported. */
  repeats: number;
  /** Measured window of a throughput run, seconds (after warmupSeconds). */
  windowSeconds: number;
  /** Pause after deleting a data directory before the next broker starts (BenchContext.settle). */
  settleSeconds: number;
  warmupSeconds: number;
  latencyWindowSeconds: number;
  /** Bytes read back by the catch-up consumer. */
  catchupBytes: number;
  /** Bytes in the data directory for the start-up-with-data measurement (≥ catchupBytes). */
  startupBytes: number;
  diskBytes: number;
  partitionsCount: number;
  connections: number;
  idleSeconds: number;
  activeSeconds: number;
  perConnectionRate: number;
  startupRepeats: number;
  producers: number;
  /** Where data directories, binaries and logs go (a temporary directory by default). */
  workDir: string;
  resultsDir: string;
  /** Run Tributary under `node --cpu-prof` and keep the profiles. */
  cpuProfile: boolean;
  /** Extra environment for the Tributary process (e.g. GLIBC_TUNABLES), "K=V;K=V". */
  tributaryEnv: Record<string, string>;
  keepData: boolean;
  /** BENCH_STRICT=1: exit non-zero when a measurement of Tributary or the null sink failed. */
  strict: boolean;
}

const GiB = 1024 ** 3;

function num(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${v}'`);
  return n;
}

function list<T extends string>(name: string, all: readonly T[]): T[] {
  const v = process.env[name];
  if (!v) return [...all];
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const i of items) if (!all.includes(i as T)) throw new Error(`${name}: unknown '${i}' (one of ${all.join(', ')})`);
  return items as T[];
}

function envPairs(v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (v ?? '').split(';').filter(Boolean)) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`BENCH_TRIBUTARY_ENV: expected K=V, got '${kv}'`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

export function loadOptions(repoRoot: string): BenchOptions {
  const scale = num('BENCH_SCALE', 1);
  const catchupBytes = Math.round(num('BENCH_CATCHUP_GIB', 2) * GiB * scale);
  const startupBytes = Math.max(catchupBytes, Math.round(num('BENCH_STARTUP_GIB', 10) * GiB * scale));
  return {
    scale,
    workloads: list('BENCH_ONLY', WORKLOADS),
    brokers: list('BENCH_BROKERS', TARGETS),
    repeats: Math.max(1, Math.round(num('BENCH_REPEATS', 2))),
    windowSeconds: Math.max(1, num('BENCH_WINDOW_S', 5) * scale),
    settleSeconds: num('BENCH_SETTLE_S', 5),
    warmupSeconds: Math.max(1, 2 * Math.min(1, scale * 2)),
    latencyWindowSeconds: Math.max(2, num('BENCH_LATENCY_WINDOW_S', 8) * scale),
    catchupBytes,
    startupBytes,
    diskBytes: Math.round(num('BENCH_DISK_GIB', 2) * GiB * scale),
    partitionsCount: num('BENCH_PARTITIONS', 1000),
    connections: num('BENCH_CONNECTIONS', 1000),
    idleSeconds: Math.max(2, 10 * scale),
    activeSeconds: Math.max(3, 15 * scale),
    perConnectionRate: num('BENCH_CONN_RATE', 10),
    startupRepeats: Math.max(1, Math.round(num('BENCH_STARTUP_REPEATS', 3))),
    producers: num('BENCH_PRODUCERS', 1),
    workDir: resolve(process.env.BENCH_DIR ?? join(tmpdir(), 'tributary-bench')),
    resultsDir: resolve(process.env.BENCH_RESULTS ?? join(repoRoot, 'bench', 'results')),
    cpuProfile: process.env.BENCH_PROFILE === '1',
    tributaryEnv: envPairs(process.env.BENCH_TRIBUTARY_ENV),
    keepData: process.env.BENCH_KEEP_DATA === '1',
    strict: process.env.BENCH_STRICT === '1',
  };
}
