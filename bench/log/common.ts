/** Shared pieces of the log benchmarks: batches of 1 KiB records, temp dirs, formatting. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRecordBatch } from '../../src/protocol/records';
import { parseLogConfig } from '../../src/log/log-config';
import { nodeLogFs } from '../../src/log/log-fs';
import { Log } from '../../src/log/log';
import { openLog } from '../../src/log/log-loader';
import { systemClock } from '../../src/util/clock';

export const RECORD_SIZE = 1024;

/** A producer batch of 1 KiB records whose total size is about `batchBytes`. */
export function makeBatch(batchBytes: number, seed = 0): Buffer {
  const count = Math.max(1, Math.floor(batchBytes / (RECORD_SIZE + 10)));
  const value = Buffer.alloc(RECORD_SIZE - 16, 0x61 + (seed % 26));
  const now = Date.now();
  return buildRecordBatch({
    records: Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`key-${seed}-${i}`.padEnd(16)), value, timestamp: now })),
  });
}

export function benchDir(name: string): { dir: string; cleanup: () => void } {
  const base = process.env.BENCH_DIR ?? tmpdir();
  const dir = mkdtempSync(join(base, `tributary-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openBenchLog(dir: string, overrides: Record<string, unknown> = {}): Promise<Log> {
  return openLog(nodeLogFs, systemClock, {
    dir,
    tp: { topic: 'bench', partition: 0 },
    config: parseLogConfig({ 'file.delete.delay.ms': 0, 'max.message.bytes': 2 * 1024 * 1024, ...overrides }),
    recoveryPoint: 0,
    logStartOffset: 0,
    hadCleanShutdown: true,
  }, { syncWriteMaxBytes: Number(process.env.SYNC_WRITE_MAX_BYTES ?? 0) });
}

export const mbps = (bytes: number, ms: number): number => bytes / (1024 * 1024) / (ms / 1000);
export const fmt = (n: number, digits = 1): string => n.toFixed(digits);

/**
 * Tracks the longest event-loop stall: a 1 ms timer chain records how late each tick fires.
 * (A loop kept busy by microtasks alone would show here as one long stall.)
 */
export function eventLoopMonitor(): { stop(): { maxMs: number; p99Ms: number } } {
  const lates: number[] = [];
  let expected = performance.now() + 1;
  let timer: NodeJS.Timeout;
  const tick = (): void => {
    const now = performance.now();
    lates.push(Math.max(0, now - expected));
    expected = now + 1;
    timer = setTimeout(tick, 1);
  };
  timer = setTimeout(tick, 1);
  return {
    stop() {
      clearTimeout(timer);
      lates.push(Math.max(0, performance.now() - expected));
      lates.sort((a, b) => a - b);
      return { maxMs: lates[lates.length - 1] ?? 0, p99Ms: lates[Math.floor(lates.length * 0.99)] ?? 0 };
    },
  };
}

/** Yields to the event loop, as a request arriving from the network would. */
export const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
