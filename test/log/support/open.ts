import { DirectIo } from '../../../src/log/direct-io';
import { ManualClock } from '../../../src/util/clock';
import { LogConfig, parseLogConfig } from '../../../src/log/log-config';
import { LogFs, nodeLogFs } from '../../../src/log/log-fs';
import { Log } from '../../../src/log/log';
import { openLog } from '../../../src/log/log-loader';
import { ProducerStateConfig } from '../../../src/log/producer-state-manager';

export const TP = { topic: 'orders', partition: 0 };

export interface OpenOptions {
  config?: Record<string, unknown>;
  fs?: LogFs;
  clock?: ManualClock;
  clean?: boolean;
  recoveryPoint?: number;
  logStartOffset?: number;
  /** Write appends up to this size synchronously (LogDeps.syncWriteMaxBytes). */
  syncWriteMaxBytes?: number;
  /** Direct I/O policy (LogDeps.directIo). */
  directIo?: DirectIo;
  producerState?: Partial<ProducerStateConfig>;
}

/** Opens the log in `dir` with test-friendly defaults (no delete delay). */
export function open(dir: string, o: OpenOptions = {}): Promise<Log> {
  const config: LogConfig = parseLogConfig({ 'file.delete.delay.ms': 0, ...o.config });
  return openLog(o.fs ?? nodeLogFs, o.clock ?? new ManualClock(), {
    dir,
    tp: TP,
    config,
    recoveryPoint: o.recoveryPoint ?? 0,
    logStartOffset: o.logStartOffset ?? 0,
    hadCleanShutdown: o.clean ?? true,
  }, { syncWriteMaxBytes: o.syncWriteMaxBytes ?? 0, directIo: o.directIo, producerState: o.producerState });
}

/** Reads the whole log from `from` as one Buffer of batches. */
export async function readAll(log: Log, from = log.logStartOffset): Promise<Buffer> {
  const parts: Buffer[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, { maxBytes: 1 << 20 });
    if (r.records.length === 0) break;
    parts.push(Buffer.from(r.records));
    r.release();
    const last = lastOffsetIn(r.records);
    offset = last + 1;
  }
  return Buffer.concat(parts);
}

export function lastOffsetIn(buf: Buffer): number {
  let off = 0;
  let last = -1;
  while (off + 61 <= buf.length) {
    last = Number(buf.readBigInt64BE(off)) + buf.readInt32BE(off + 23);
    off += buf.readInt32BE(off + 8) + 12;
  }
  return last;
}
