/**
 * Runs the C load generator (bench/loadgen) and returns its JSON answer. stderr goes to the
 * run's log file; `onLine` sees stdout lines as they come (the conns command marks its phases).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface LoadgenRun {
  binary: string;
  command: 'create' | 'produce' | 'e2e' | 'consume' | 'conns';
  args: Record<string, string | number | undefined>;
  logFile: string;
  onLine?: (line: string) => void;
  timeoutMs?: number;
}

export interface ProduceResult {
  produced: number;
  acked: number;
  ackedBytes: number;
  failed: number;
  firstError: string;
  windowSeconds: number;
  windowRecords: number;
  windowBytes: number;
  recordsPerSec: number;
  bytesPerSec: number;
  elapsedSeconds: number;
}

export interface E2eResult {
  targetRate: number;
  produced: number;
  achievedRate: number;
  acked: number;
  failed: number;
  consumed: number;
  e2eSamples: number;
  ackSamples: number;
  queueFull: number;
  scheduleLagMaxMs: number;
  sendSeconds: number;
  /** Only with --group: what the group consumer saw of the group protocol. */
  group?: GroupResult;
}

export interface GroupResult {
  /** subscribe() → first partition assignment. */
  joinMs: number;
  assignments: number;
  /** Asynchronous commits issued (one per poll batch), and how they ended. */
  commits: number;
  commitsOk: number;
  commitsEmpty: number;
  commitsFailed: number;
  firstCommitError: string;
  /** After a last synchronous commit: the consumer's positions and the offsets the broker returns
   *  for the group (sums over the partitions; -1 when they could not be read). */
  positionSum: number;
  committedSum: number;
}

export interface ConsumeResult {
  records: number;
  bytes: number;
  wanted: number;
  errors: number;
  seconds: number;
  firstRecordSeconds: number;
  recordsPerSec: number;
  bytesPerSec: number;
  complete: boolean;
}

export interface ConnsResult {
  conns: number;
  connectSeconds: number;
  /** Time until every partition had accepted one record, and the refusals retried meanwhile. */
  primeSeconds: number;
  primeRetries: number;
  closedWhileIdle: number;
  closed: number;
  sent: number;
  responses: number;
  errors: number;
  firstErrorCode: number;
  skipped: number;
  activeSeconds: number;
  requestsPerSec: number;
}

export interface CreateResult {
  topic: string;
  partitions: number;
  createSeconds: number;
  readySeconds: number;
}

export function runLoadgen<T>(run: LoadgenRun): Promise<T> {
  const argv: string[] = [run.command];
  for (const [k, v] of Object.entries(run.args)) if (v !== undefined) argv.push(`--${k}`, String(v));
  const log = createWriteStream(run.logFile, { flags: 'a' });
  log.write(`\n$ loadgen ${argv.join(' ')}\n`);
  return new Promise<T>((resolve, reject) => {
    const child = spawn(run.binary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.pipe(log, { end: false });
    let out = '';
    let pending = '';
    child.stdout.on('data', (d: Buffer) => {
      const s = d.toString();
      out += s;
      pending += s;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        run.onLine?.(line);
      }
    });
    const timer = run.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), run.timeoutMs) : undefined;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      log.write(out);
      log.end();
      const last = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (code !== 0 || !last) {
        reject(new Error(`loadgen ${run.command} failed (exit ${code ?? signal}); see ${run.logFile}`));
        return;
      }
      resolve(JSON.parse(last) as T);
    });
  });
}
