/**
 * The background log cleaner (Kafka: LogCleaner + LogCleanerManager), attached to a LogManager
 * with `addBackgroundTask`. Every `backoffMs` (log.cleaner.backoff.ms) it picks the compacted
 * log (cleanup.policy contains "compact") with the highest dirty ratio at or above its
 * min.cleanable.dirty.ratio, and runs one pass on it (clean-segments.ts). Where each log's dirty
 * section starts is kept in `<logDir>/cleaner-offset-checkpoint` (Kafka's file and format).
 * Memory: one OffsetMap of `dedupeBufferBytes` (log.cleaner.dedupe.buffer.size), allocated on
 * first use and reused.
 */
import { Clock, systemClock } from '../../util/clock';
import { logger } from '../../util/logger';
import { readOffsetCheckpoint, writeOffsetCheckpoint } from '../checkpoint-files';
import { isCompacted } from '../log-config';
import { LogFs, dirOf, joinPath, nodeLogFs } from '../log-fs';
import { Log } from '../log';
import type { BackgroundWork, LogManager } from '../log-manager';
import { tpKey } from '../topic-partition';
import { CleanResult, cleanLog, cleanableRange } from './clean-segments';
import { OffsetMap } from './offset-map';

export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';

export interface LogCleanerOptions {
  fs?: LogFs;
  clock?: Clock;
  /** log.cleaner.backoff.ms */
  backoffMs?: number;
  /** log.cleaner.dedupe.buffer.size */
  dedupeBufferBytes?: number;
  /** Exclusive upper bound per log (the high watermark); the log's last stable offset always bounds it too. */
  upperBound?: (log: Log) => number;
}

export class LogCleaner implements BackgroundWork {
  readonly intervalMs: number;
  private readonly fsys: LogFs;
  private readonly log = logger('log-cleaner');
  private map: OffsetMap | null = null;
  private checkpoints: Map<string, number> | null = null;
  /** Per log, when kept tombstones become removable (in memory; a restart waits for dirt). */
  private readonly deleteHorizons = new Map<string, number>();
  private stopped = false;
  /** Totals since start (for metrics and tests). */
  readonly totals = { passes: 0, segmentsCleaned: 0, recordsRemoved: 0, bytesRead: 0, bytesWritten: 0 };

  constructor(private readonly opts: LogCleanerOptions = {}) {
    this.intervalMs = opts.backoffMs ?? 15_000;
    this.fsys = opts.fs ?? nodeLogFs;
  }

  async run(manager: LogManager): Promise<void> {
    await this.cleanOnce(manager);
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  /** Cleans the dirtiest eligible log once; returns what was done, or null if none was eligible. */
  async cleanOnce(manager: LogManager): Promise<(CleanResult & { partition: string }) | null> {
    if (this.stopped) return null;
    const checkpoints = await this.loadCheckpoints(manager);
    const now = (this.opts.clock ?? systemClock).now();
    let best: { log: Log; ratio: number } | null = null;
    for (const log of manager.allLogs()) {
      if (!log.isOpen || !isCompacted(log.config)) continue;
      const range = await cleanableRange(log, checkpoints.get(log.key) ?? 0, now, this.opts.upperBound?.(log));
      // Expired tombstones make a log eligible whatever its dirty ratio (KIP-534).
      const ratio = now >= (this.deleteHorizons.get(log.key) ?? Infinity) ? 1 : range.dirtyBytes === 0 ? 0 : range.dirtyRatio;
      if (ratio === 0 || ratio < log.config['min.cleanable.dirty.ratio']) continue;
      if (!best || ratio > best.ratio) best = { log, ratio };
    }
    if (!best) return null;
    return this.clean(manager, best.log, now);
  }

  /** One pass on `log` now, whatever its dirty ratio. */
  async clean(manager: LogManager, log: Log, nowMs = (this.opts.clock ?? systemClock).now()): Promise<(CleanResult & { partition: string }) | null> {
    const checkpoints = await this.loadCheckpoints(manager);
    this.map ??= new OffsetMap(this.opts.dedupeBufferBytes ?? 32 * 1024 * 1024);
    const res = await cleanLog(log, {
      fs: this.fsys,
      map: this.map,
      nowMs,
      firstDirtyOffset: checkpoints.get(log.key) ?? 0,
      upperBoundOffset: this.opts.upperBound?.(log),
      log: this.log,
      expireTombstones: nowMs >= (this.deleteHorizons.get(log.key) ?? Infinity),
    });
    if (!res) return null;
    if (res.nextDeleteHorizon < Infinity) this.deleteHorizons.set(log.key, res.nextDeleteHorizon);
    else this.deleteHorizons.delete(log.key);
    checkpoints.set(log.key, res.endOffset);
    await this.saveCheckpoints(manager);
    this.totals.passes++;
    this.totals.segmentsCleaned += res.segmentsCleaned;
    this.totals.recordsRemoved += res.recordsRemoved;
    this.totals.bytesRead += res.bytesRead;
    this.totals.bytesWritten += res.bytesWritten;
    return { ...res, partition: log.key };
  }

  private async loadCheckpoints(manager: LogManager): Promise<Map<string, number>> {
    if (this.checkpoints) return this.checkpoints;
    const m = new Map<string, number>();
    for (const dir of manager.logDirs) {
      for (const e of await readOffsetCheckpoint(this.fsys, joinPath(dir, CLEANER_OFFSET_CHECKPOINT))) m.set(tpKey(e), e.offset);
    }
    this.checkpoints = m;
    return m;
  }

  private async saveCheckpoints(manager: LogManager): Promise<void> {
    const cps = this.checkpoints!;
    for (const dir of manager.logDirs) {
      const entries = manager
        .allLogs()
        .filter((l) => dirOf(l.dir) === dir && cps.has(l.key))
        .map((l) => ({ topic: l.tp.topic, partition: l.tp.partition, offset: cps.get(l.key)! }));
      await writeOffsetCheckpoint(this.fsys, joinPath(dir, CLEANER_OFFSET_CHECKPOINT), entries);
    }
  }
}
