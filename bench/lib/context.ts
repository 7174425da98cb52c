/**
 * What every workload gets: options, binaries, a log line printer, fresh data directories, and
 * broker start/stop that keeps track of running processes so an interrupted run leaves none.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BrokerKind } from './options';
import type { Binaries } from './toolchain';
import { RunningTarget, startKafka, startNullSink, startTributary } from './brokers';
import { LoadgenRun, runLoadgen } from './loadgen';

export class BenchContext {
  private readonly running = new Set<RunningTarget>();
  private seq = 0;
  private lastRemovalMs = 0;

  constructor(
    readonly opts: BenchOptions,
    readonly repoRoot: string,
    readonly bins: Binaries,
    /** This run's directory for logs, latency samples and data directories. */
    readonly runDir: string,
  ) {
    mkdirSync(join(runDir, 'logs'), { recursive: true });
    mkdirSync(join(runDir, 'data'), { recursive: true });
  }

  log(msg: string): void {
    const t = new Date().toISOString().slice(11, 19);
    process.stderr.write(`[bench ${t}] ${msg}\n`);
  }

  logFile(name: string): string {
    return join(this.runDir, 'logs', `${name}.log`);
  }

  file(name: string): string {
    return join(this.runDir, name);
  }

  /** A new, empty directory for one broker instance. */
  freshDir(kind: string, label: string): string {
    const dir = join(this.runDir, 'data', `${kind}-${label}-${++this.seq}`);
    rmSync(dir, { recursive: true, force: true });
    return dir;
  }

  removeDir(dir: string): void {
    if (!this.opts.keepData && dir.startsWith(join(this.runDir, 'data'))) rmSync(dir, { recursive: true, force: true });
    this.lastRemovalMs = Date.now();
  }

  /**
   * Waits until `settleSeconds` have passed since data was last deleted. On these VMs memory the
   * guest frees (the page cache of a deleted data directory) is handed back to the host within
   * ~3 s, and writing into pages just freed is ~10× faster than into pages the host must supply
   * again (measured with 1 MiB pwrites: 5.9 GB/s right after a delete, 0.56–0.72 GB/s 3 s or more
   * later). Without this pause, a broker started right after the other's data was deleted writes
   * into warm memory and the one started after the null sink's run into cold memory: the
   * order, not the broker, decides the figure. Every broker run starts cold.
   */
  private async settle(): Promise<void> {
    const wait = this.lastRemovalMs + this.opts.settleSeconds * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  /**
   * The brokers in the order to run them in repeat `rep`: alternating, so that neither always
   * runs first (after the null sink) or second.
   */
  brokerOrder(rep: number): BrokerKind[] {
    const kinds = [...this.opts.brokers];
    return rep % 2 === 1 ? kinds.reverse() : kinds;
  }

  /**
   * Starts a broker in `dir` (fresh unless it already holds data from an earlier start).
   * For Kafka `dir` holds its config and logs too; its data is in `dir/data`.
   */
  async startBroker(kind: BrokerKind, label: string, dir: string, readyTopic?: { name: string; partitions: number }): Promise<RunningTarget & { formatMs?: number }> {
    await this.settle();
    const logFile = this.logFile(`${kind}-${label}`);
    const t =
      kind === 'tributary'
        ? await startTributary({
            repoRoot: this.repoRoot,
            dataDir: dir,
            logFile,
            env: this.opts.tributaryEnv,
            cpuProfileDir: this.opts.cpuProfile ? join(this.opts.resultsDir, 'profiles', label) : undefined,
            readyTopic,
          })
        : await startKafka({ repoRoot: this.repoRoot, dir, logFile, readyTopic });
    this.running.add(t);
    return t;
  }

  async startNullSink(label: string): Promise<RunningTarget> {
    const t = await startNullSink(this.bins.nullSink, this.logFile(`null-sink-${label}`));
    this.running.add(t);
    return t;
  }

  async stop(t: RunningTarget): Promise<{ stopMs: number; code: number | null; signal: string | null }> {
    const r = await t.stop();
    this.running.delete(t);
    return r;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((t) => this.stop(t)));
  }

  loadgen<T>(command: LoadgenRun['command'], logName: string, args: LoadgenRun['args'], onLine?: (l: string) => void, timeoutMs?: number): Promise<T> {
    return runLoadgen<T>({ binary: this.bins.loadgen, command, args, logFile: this.logFile(`loadgen-${logName}`), onLine, timeoutMs });
  }
}

/** Runs `fn`, turning a failure into { error } so one broker's gap does not stop the run. */
export async function attempt<T>(ctx: BenchContext, what: string, fn: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await fn();
  } catch (e) {
    const error = (e as Error).message.split('\n')[0];
    ctx.log(`${what}: FAILED: ${error}`);
    return { error };
  }
}

export function isError(v: unknown): v is { error: string } {
  return typeof v === 'object' && v !== null && 'error' in v;
}

/**
 * Best of several repeats of one measurement (the run with the highest `score`), with every
 * repeat's score kept in `repeats`. Interference from other processes only makes a run slower,
 * so on a shared machine the best of N is the least disturbed; it is applied to both brokers and
 * the null sink alike. All repeats failing returns the first error.
 */
export function bestOf<T extends object>(runs: (T | { error: string })[], score: (t: T) => number): (T & { repeats: number[] }) | { error: string } {
  const ok = runs.filter((r): r is T => !isError(r));
  if (ok.length === 0) return runs.find(isError) ?? { error: 'no run' };
  const best = ok.reduce((a, b) => (score(b) > score(a) ? b : a));
  return { ...best, repeats: ok.map(score) };
}
