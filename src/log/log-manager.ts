/**
 * All partition logs of a broker, across its `log.dirs` (Kafka: LogManager).
 *
 * Start-up: per log dir, the clean-shutdown marker (`.kafka_cleanshutdown`) decides whether logs
 * are recovered; the recovery-point and log-start-offset checkpoints are read; every
 * `<topic>-<partition>` directory is opened (lazily: indexes load on first use) and
 * `*-delete` directories left by an earlier deletion are removed. The marker is then deleted,
 * so that a crash from here on is seen as unclean.
 *
 * Background work, on the injected Clock: retention (log.retention.check.interval.ms), the
 * flush.ms policy (log.flush.scheduler.interval.ms), recovery-point and log-start-offset
 * checkpoints (log.flush.offset.checkpoint.interval.ms, log.flush.start.offset.checkpoint.interval.ms),
 * expiry of idle producer ids (producer.id.expiration.check.interval.ms), and the log cleaner
 * (compaction) when one is attached.
 *
 * Shutdown: stop the tasks, flush and close every log, write both checkpoints, then the marker.
 */
import { Clock, systemClock } from '../util/clock';
import { invariant } from '../util/invariant';
import { logger } from '../util/logger';
import {
  CLEAN_SHUTDOWN_MARKER,
  LOG_START_OFFSET_CHECKPOINT,
  PartitionOffset,
  RECOVERY_POINT_CHECKPOINT,
  readOffsetCheckpoint,
  writeOffsetCheckpoint,
} from './checkpoint-files';
import { storageError } from './errors';
import { LOG_CONFIG_DEFAULTS, LogConfig, NEVER } from './log-config';
import { LogFs, dirOf, joinPath, nodeLogFs, writeFileAtomic } from './log-fs';
import { Log, LogDeps } from './log';
import { openLog } from './log-loader';
import { deleteRetainedSegments } from './log-retention';
import { PeriodicTask } from './periodic-task';
import { LogCleaner, LogCleanerOptions } from './cleaner/log-cleaner';
import { ReadBufferPool } from './read-buffer-pool';
import { DirectIo } from './direct-io';
import { ProducerStateConfig } from './producer-state-manager';
import {
  TopicPartition,
  deletedDirName,
  isDeletedDirName,
  isLegalTopicName,
  parsePartitionDirName,
  partitionDirName,
  tpKey,
} from './topic-partition';

/**
 * Logs opened at once after a clean shutdown. Opening one then reads only a few small files
 * (checkpoints, index tails, a producer snapshot) through libuv's thread pool, so start-up is
 * bound by those round trips, not by CPU: 16 partitions holding 5 GiB opened 15-20 ms sooner
 * than two at a time (bench/README.md, fix 12). Kafka's num.recovery.threads.per.data.dir sizes a
 * thread pool that both recovers and loads logs; here it still bounds recovery.
 */
const CLEAN_OPEN_CONCURRENCY = 16;

export interface LogManagerOptions {
  logDirs: readonly string[];
  fs?: LogFs;
  clock?: Clock;
  /** Config for topics without overrides (broker log.* defaults). */
  defaultConfig?: Readonly<LogConfig>;
  /** Config of an existing topic found at start-up (from the metadata layer). */
  configForTopic?: (topic: string) => Readonly<LogConfig> | undefined;
  /** Upper bound for retention; default the log's high watermark. */
  retentionUpperBound?: (tp: TopicPartition, log: Log) => number;
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs?: number;
  /** log.flush.scheduler.interval.ms (how often flush.ms is checked). */
  flushCheckIntervalMs?: number;
  /** log.flush.offset.checkpoint.interval.ms */
  recoveryPointCheckpointIntervalMs?: number;
  /** log.flush.start.offset.checkpoint.interval.ms */
  logStartOffsetCheckpointIntervalMs?: number;
  /**
   * Logs opened in parallel per directory at start-up after an unclean shutdown, when logs may
   * be scanned (num.recovery.threads.per.data.dir). After a clean shutdown at least
   * CLEAN_OPEN_CONCURRENCY are opened at once.
   */
  recoveryConcurrency?: number;
  pool?: ReadBufferPool;
  /** Appends up to this size are written synchronously (see log-queue.ts); default 0 (never). */
  syncWriteMaxBytes?: number;
  /**
   * Direct I/O (O_DIRECT) for appends while the broker writes fast, and for large reads, where
   * the filesystem allows it (direct-io.ts); default false. All logs share one policy and pool.
   */
  directIo?: boolean;
  /** The log cleaner for compacted topics (Kafka's log.cleaner.enable, default on); false disables. */
  cleaner?: LogCleanerOptions | false;
  /**
   * Broker-level producer state settings: producer.id.expiration.ms (default 86400000),
   * transaction.partition.verification.enable (default false here: nothing verifies yet),
   * transaction.max.timeout.ms (default 900000).
   */
  producerState?: Partial<ProducerStateConfig>;
  /** producer.id.expiration.check.interval.ms (default 600000). */
  producerIdExpirationCheckIntervalMs?: number;
}

/** Something run periodically over the logs, e.g. the cleaner; attached with addBackgroundTask. */
export interface BackgroundWork {
  intervalMs: number;
  run(manager: LogManager): Promise<void>;
  stop?(): Promise<void>;
}

export class LogManager {
  private readonly logs = new Map<string, Log>();
  private readonly creating = new Map<string, Promise<Log>>();
  private readonly fsys: LogFs;
  private readonly clock: Clock;
  private readonly log = logger('log-manager');
  private readonly tasks: PeriodicTask[] = [];
  private readonly extraWork: BackgroundWork[] = [];
  private readonly pendingDirDeletes = new Set<Promise<void>>();
  private defaultConfig_: Readonly<LogConfig>;
  private started = false;
  private stopping = false;
  private readonly directIo: DirectIo | undefined;

  constructor(private readonly opts: LogManagerOptions) {
    invariant(opts.logDirs.length > 0, 'LogManager needs at least one log dir');
    this.directIo = opts.directIo ? new DirectIo() : undefined;
    this.fsys = opts.fs ?? nodeLogFs;
    this.clock = opts.clock ?? systemClock;
    this.defaultConfig_ = opts.defaultConfig ?? LOG_CONFIG_DEFAULTS;
    if (opts.cleaner !== false) {
      this.cleaner = new LogCleaner({ fs: this.fsys, clock: this.clock, ...opts.cleaner });
      this.extraWork.push(this.cleaner);
    }
  }

  /** The compaction cleaner, unless disabled. */
  readonly cleaner: LogCleaner | null = null;

  get defaultConfig(): Readonly<LogConfig> {
    return this.defaultConfig_;
  }
  get logDirs(): readonly string[] {
    return this.opts.logDirs;
  }

  // ---- start-up ---------------------------------------------------------------------------------

  async startup(): Promise<void> {
    invariant(!this.started, 'LogManager started twice');
    this.started = true;
    await Promise.all(this.opts.logDirs.map((d) => this.loadDir(d)));
    this.startTasks();
  }

  private async loadDir(dir: string): Promise<void> {
    try {
      await this.fsys.mkdir(dir);
    } catch (e) {
      throw storageError('create log dir', dir, e);
    }
    const marker = joinPath(dir, CLEAN_SHUTDOWN_MARKER);
    const hadCleanShutdown = (await this.fsys.stat(marker)) !== null;
    const recoveryPoints = offsetMap(await readOffsetCheckpoint(this.fsys, joinPath(dir, RECOVERY_POINT_CHECKPOINT)));
    const startOffsets = offsetMap(await readOffsetCheckpoint(this.fsys, joinPath(dir, LOG_START_OFFSET_CHECKPOINT)));
    const names = await this.fsys.readdir(dir);
    const candidates: Array<{ name: string; tp: TopicPartition }> = [];
    for (const name of names) {
      if (isDeletedDirName(name)) {
        this.track(this.fsys.rmrf(joinPath(dir, name)));
        continue;
      }
      const tp = parsePartitionDirName(name);
      if (tp) candidates.push({ name, tp });
    }
    const isDir = await Promise.all(candidates.map(async ({ name }) => (await this.fsys.stat(joinPath(dir, name)))?.isDirectory === true));
    const toOpen = candidates.filter((_, i) => isDir[i]);
    const configured = Math.max(1, this.opts.recoveryConcurrency ?? 4);
    const concurrency = hadCleanShutdown ? Math.max(configured, CLEAN_OPEN_CONCURRENCY) : configured;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < toOpen.length) {
        const { name, tp } = toOpen[next++]!;
        const key = tpKey(tp);
        invariant(!this.logs.has(key), () => `partition ${key} found in more than one log dir (${dir})`);
        const log = await openLog(
          this.fsys,
          this.clock,
          {
            dir: joinPath(dir, name),
            tp,
            config: this.opts.configForTopic?.(tp.topic) ?? this.defaultConfig_,
            recoveryPoint: recoveryPoints.get(key) ?? 0,
            logStartOffset: startOffsets.get(key) ?? 0,
            hadCleanShutdown,
          },
          this.logDeps(),
        );
        this.logs.set(key, log);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, toOpen.length) }, worker));
    this.log.info({ dir, logs: toOpen.length, hadCleanShutdown }, 'log dir loaded');
    if (hadCleanShutdown) await this.fsys.unlink(marker).catch(() => undefined);
  }

  private logDeps(): Partial<LogDeps> {
    return {
      pool: this.opts.pool,
      syncWriteMaxBytes: this.opts.syncWriteMaxBytes,
      directIo: this.directIo,
      producerState: this.opts.producerState,
    };
  }

  private startTasks(): void {
    const onError = (what: string) => (e: unknown) => this.log.error({ err: e }, `${what} failed`);
    const add = (ms: number, run: () => Promise<void>, what: string): void => {
      const t = new PeriodicTask(this.clock, ms, run, onError(what));
      this.tasks.push(t);
      t.start();
    };
    add(this.opts.retentionCheckIntervalMs ?? 300_000, () => this.runRetention().then(() => undefined), 'retention');
    add(this.opts.flushCheckIntervalMs ?? 1000, () => this.flushDirtyLogs(), 'scheduled flush');
    add(this.opts.recoveryPointCheckpointIntervalMs ?? 60_000, () => this.checkpointRecoveryPoints(), 'checkpoint');
    add(this.opts.logStartOffsetCheckpointIntervalMs ?? 60_000, () => this.checkpointLogStartOffsets(), 'checkpoint');
    add(this.opts.producerIdExpirationCheckIntervalMs ?? 600_000, () => this.removeExpiredProducers().then(() => undefined), 'producer expiry');
    for (const w of this.extraWork) add(w.intervalMs, () => w.run(this), 'background work');
  }

  /** Attaches periodic work (e.g. the log cleaner); started with the manager. */
  addBackgroundTask(work: BackgroundWork): void {
    this.extraWork.push(work);
    if (this.started && !this.stopping) {
      const t = new PeriodicTask(this.clock, work.intervalMs, () => work.run(this), (e) =>
        this.log.error({ err: e }, 'background work failed'),
      );
      this.tasks.push(t);
      t.start();
    }
  }

  // ---- logs -------------------------------------------------------------------------------------

  getLog(tp: TopicPartition): Log | undefined {
    return this.logs.get(tpKey(tp));
  }

  allLogs(): Log[] {
    return [...this.logs.values()];
  }

  /** The log of `tp`, created (in the log dir holding the fewest logs) if it does not exist. */
  async getOrCreateLog(tp: TopicPartition, opts: { topicId?: string; config?: Readonly<LogConfig> } = {}): Promise<Log> {
    const key = tpKey(tp);
    const existing = this.logs.get(key);
    if (existing) return existing;
    const pending = this.creating.get(key);
    if (pending) return pending;
    invariant(isLegalTopicName(tp.topic), () => `illegal topic name "${tp.topic}"`);
    invariant(Number.isInteger(tp.partition) && tp.partition >= 0, () => `illegal partition ${tp.partition}`);
    const p = openLog(
      this.fsys,
      this.clock,
      {
        dir: joinPath(this.pickDirForNewLog(), partitionDirName(tp)),
        tp,
        config: opts.config ?? this.opts.configForTopic?.(tp.topic) ?? this.defaultConfig_,
        recoveryPoint: 0,
        logStartOffset: 0,
        hadCleanShutdown: true,
        topicId: opts.topicId ?? null,
      },
      this.logDeps(),
    ).then(
      (log) => {
        this.creating.delete(key);
        this.logs.set(key, log);
        this.log.info({ partition: key, dir: log.dir }, 'created log');
        return log;
      },
      (e) => {
        this.creating.delete(key);
        throw e;
      },
    );
    this.creating.set(key, p);
    return p;
  }

  private pickDirForNewLog(): string {
    const counts = new Map<string, number>(this.opts.logDirs.map((d) => [d, 0]));
    for (const l of this.logs.values()) {
      const d = dirOf(l.dir);
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    let best = this.opts.logDirs[0]!;
    for (const d of this.opts.logDirs) if (counts.get(d)! < counts.get(best)!) best = d;
    return best;
  }

  /**
   * Deletes a partition's log: closed, its directory renamed to `<topic>-<partition>.<uuid>-delete`
   * at once, and removed after file.delete.delay.ms (Kafka: asyncDelete).
   */
  async deleteLog(tp: TopicPartition): Promise<boolean> {
    const key = tpKey(tp);
    const log = this.logs.get(key);
    if (!log) return false;
    this.logs.delete(key);
    await log.close(false);
    const target = joinPath(dirOf(log.dir), deletedDirName(tp));
    try {
      await this.fsys.rename(log.dir, target);
      await this.fsys.syncDir(dirOf(log.dir));
    } catch (e) {
      throw storageError('rename for deletion', log.dir, e);
    }
    const delay = log.config['file.delete.delay.ms'];
    const remove = (): Promise<void> => this.fsys.rmrf(target);
    if (delay <= 0 || this.stopping) await remove();
    else {
      const timer = this.clock.setTimeout(() => this.track(remove()), delay);
      timer.unref?.();
    }
    this.log.info({ partition: key, renamedTo: target }, 'deleted log');
    // Drop it from the checkpoints now, so a restart does not look for it.
    await this.checkpointRecoveryPoints().catch(() => undefined);
    return true;
  }

  private track(p: Promise<void>): void {
    const q = p.catch((e) => this.log.error({ err: e }, 'directory removal failed')).finally(() => this.pendingDirDeletes.delete(q));
    this.pendingDirDeletes.add(q);
  }

  /** Applies a topic's new config to its logs. */
  updateTopicConfig(topic: string, config: Readonly<LogConfig>): void {
    for (const l of this.logs.values()) if (l.tp.topic === topic) l.updateConfig(config);
  }

  // ---- background work --------------------------------------------------------------------------

  /** One retention pass over every log; returns the number of segments deleted. */
  async runRetention(): Promise<number> {
    let n = 0;
    const now = this.clock.now();
    for (const log of this.allLogs()) {
      if (!log.isOpen) continue;
      const bound = this.opts.retentionUpperBound?.(log.tp, log) ?? log.highWatermark;
      const r = await deleteRetainedSegments(log, now, bound).catch((e) => {
        this.log.error({ err: e, partition: log.key }, 'retention failed');
        return { byTime: 0, bySize: 0, byStartOffset: 0 };
      });
      n += r.byTime + r.bySize + r.byStartOffset;
    }
    return n;
  }

  /** Forgets idle producer ids in every log (Kafka: PeriodicProducerExpirationCheck); returns how many. */
  async removeExpiredProducers(): Promise<number> {
    let n = 0;
    const now = this.clock.now();
    for (const log of this.allLogs()) {
      if (!log.isOpen) continue;
      n += await log.removeExpiredProducers(now).catch((e) => {
        this.log.error({ err: e, partition: log.key }, 'producer expiry failed');
        return 0;
      });
    }
    return n;
  }

  /** Flushes logs whose flush.ms has elapsed since their last flush. */
  async flushDirtyLogs(): Promise<void> {
    const now = this.clock.now();
    for (const log of this.allLogs()) {
      const ms = log.config['flush.ms'];
      if (ms >= NEVER || !log.isOpen) continue;
      if (now - log.lastFlushMs >= ms && log.logEndOffset > log.recoveryPoint) await log.flush();
    }
  }

  async checkpointRecoveryPoints(): Promise<void> {
    await this.writeCheckpoints(RECOVERY_POINT_CHECKPOINT, (l) => l.recoveryPoint);
  }

  async checkpointLogStartOffsets(): Promise<void> {
    await this.writeCheckpoints(LOG_START_OFFSET_CHECKPOINT, (l) => l.logStartOffset);
  }

  /** Checkpoint writes, serialized: they share temp file names. */
  private checkpointChain: Promise<void> = Promise.resolve();

  private writeCheckpoints(file: string, value: (l: Log) => number): Promise<void> {
    const run = (): Promise<void> => this.writeCheckpointsNow(file, value);
    const next = this.checkpointChain.then(run, run);
    this.checkpointChain = next.catch(() => undefined);
    return next;
  }

  private async writeCheckpointsNow(file: string, value: (l: Log) => number): Promise<void> {
    for (const dir of this.opts.logDirs) {
      const entries: PartitionOffset[] = [];
      for (const l of this.logs.values()) {
        if (dirOf(l.dir) === dir) entries.push({ topic: l.tp.topic, partition: l.tp.partition, offset: value(l) });
      }
      await writeOffsetCheckpoint(this.fsys, joinPath(dir, file), entries);
    }
  }

  // ---- shutdown ---------------------------------------------------------------------------------

  /** Clean shutdown: every log flushed and closed, checkpoints written, then the marker. */
  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await Promise.all(this.tasks.map((t) => t.stop()));
    for (const w of this.extraWork) await w.stop?.();
    const errors: unknown[] = [];
    await Promise.all(this.allLogs().map((l) => l.close(true).catch((e) => errors.push(e))));
    await Promise.all([...this.pendingDirDeletes]);
    if (errors.length) {
      // Without a clean close no marker: the next start recovers.
      this.log.error({ err: errors[0] }, 'logs did not close cleanly; not writing the clean shutdown marker');
      throw errors[0];
    }
    await this.checkpointRecoveryPoints();
    await this.checkpointLogStartOffsets();
    for (const dir of this.opts.logDirs) {
      await writeFileAtomic(this.fsys, joinPath(dir, CLEAN_SHUTDOWN_MARKER), Buffer.alloc(0));
    }
    this.logs.clear();
  }
}

function offsetMap(entries: PartitionOffset[]): Map<string, number> {
  return new Map(entries.map((e) => [tpKey(e), e.offset]));
}
