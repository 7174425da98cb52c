/**
 * The log of one partition: an ordered list of segments, the last one active (appended to).
 * Kafka's UnifiedLog/LocalLog, reduced to what a broker needs here.
 *
 * Concurrency. Every mutation (append, roll, truncation, segment deletion, close) runs in one
 * serial queue per log (log-queue.ts): appends are given offsets and written in groups, several
 * groups may be in flight, and they commit in order. Two spans must not contain an `await`:
 *   1. from reading the log end offset / file position to issuing the write (LogQueue
 *      .issueAppendGroup): offsets and position are derived from them;
 *   2. the commit (commitWrite below): segment size, indexes, epoch cache and `logEndOffset`
 *      change together, so readers never see bytes the indexes or LEO do not cover.
 * Reads do not queue: they take a snapshot of `segments` (replaced, never mutated in place) and
 * of the committed size, and only read committed bytes. Flushes do not queue either (fdatasync
 * runs alongside writes); concurrent flush requests share one fdatasync (group commit).
 *
 * Producer state and transactions (producer-state-*.ts, txn-index.ts): appends are validated
 * against it in the queue and it moves at commit; a snapshot is written at every roll and at
 * close; truncation reloads it. The high watermark is the log end offset until the partition
 * layer sets it (updateHighWatermark); lastStableOffset = min(firstUnstableOffset, HW).
 */
import { Clock } from '../util/clock';
import { invariant } from '../util/invariant';
import { Logger, logger } from '../util/logger';
import { AnalyzedAppend, AppendOrigin, analyzeAppend } from './append-batches';
import { InvalidRecordError, LogClosedError, OffsetOutOfRangeError } from './errors';
import { LeaderEpochCache } from './leader-epoch-cache';
import { LogConfig, NEVER } from './log-config';
import { LogFs } from './log-fs';
import { assertOffsetOrder, checkOffset } from './offsets';
import { ReadBufferPool, sharedReadBufferPool } from './read-buffer-pool';
import { LogSegment, SegmentSettings } from './segment';
import { GroupFlush } from './group-flush';
import { InflightWrite, LogQueue, PendingAppend } from './log-queue';
import { maxTimestampAndOffset, offsetForTimestamp } from './log-lookups';
import {
  AppendOptions,
  AppendResult,
  LogDeps,
  LogState,
  ProducerStateView,
  ReadOptions,
  ReadResult,
  segmentSettingsOf,
} from './log-types';
import { commitProducerAppend, prepareProducerAppend } from './producer-state-append';
import { ProducerStateEntry } from './producer-state-entry';
import { LastProducerRecord, ProducerStateManager } from './producer-state-manager';
import { rebuildProducerState } from './producer-state-rebuild';
import { VerificationGuard } from './producer-state-verification';
import { AbortedTxn } from './txn-index';
import { collectAbortedTransactions, readLog } from './log-read';
import type { DirectIo } from './direct-io';

export type {
  AppendOptions,
  AppendResult,
  FetchAbortedTransaction,
  LogDeps,
  LogState,
  ProducerStateView,
  ReadOptions,
  ReadResult,
} from './log-types';
export { floorSegment, segmentSettingsOf } from './log-types';
import { TopicPartition, tpKey } from './topic-partition';

export class Log {
  readonly key: string;
  private readonly log: Logger;
  private readonly fsys: LogFs;
  private readonly clock: Clock;
  private readonly pool: ReadBufferPool;
  /** Direct-I/O policy shared by the logs of a manager (direct-io.ts); null: page cache only. */
  readonly directIo: DirectIo | null;
  private segs: LogSegment[];
  private startOffset: number;
  private endOffset: number;
  private recovery: number;
  private config_: Readonly<LogConfig>;
  readonly epochCache: LeaderEpochCache;
  topicId: string | null;
  private readonly producers: ProducerStateManager;
  /** Set by the partition layer; until then the high watermark follows the log end offset. */
  private hw = 0;
  private hwManaged = false;

  private readonly queue: LogQueue;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly flusher = new GroupFlush(
    (target) => this.doFlush(target),
    () => this.endOffset,
  );
  /** Incremented by every truncation: a flush that overlapped one must not move the recovery point. */
  private truncations = 0;
  private unflushedMessages = 0;
  lastFlushMs: number;
  private pendingDeletes = new Map<LogSegment, unknown>();

  constructor(
    readonly dir: string,
    readonly tp: TopicPartition,
    config: Readonly<LogConfig>,
    state: LogState,
    deps: LogDeps,
  ) {
    invariant(state.segments.length > 0, () => `log ${dir} opened without segments`);
    this.key = tpKey(tp);
    this.config_ = config;
    this.fsys = deps.fs;
    this.clock = deps.clock;
    this.pool = deps.pool ?? sharedReadBufferPool;
    this.directIo = deps.directIo ?? null;
    this.segs = state.segments;
    this.startOffset = state.logStartOffset;
    this.endOffset = state.logEndOffset;
    this.recovery = state.recoveryPoint;
    this.epochCache = state.epochCache;
    this.topicId = state.topicId;
    this.producers = state.producerState;
    // Transactions decided below the high watermark (for now the log end) are stable.
    this.producers.onHighWatermarkUpdated(this.endOffset);
    this.lastFlushMs = deps.clock.now();
    this.log = logger('log').child({ partition: this.key });
    this.queue = new LogQueue(this, this.fsys, this.clock, this.log, deps.syncWriteMaxBytes ?? 0, deps.directIo ?? null);
    this.checkState();
  }

  // ---- accessors --------------------------------------------------------------------------------

  get config(): Readonly<LogConfig> {
    return this.config_;
  }
  get logStartOffset(): number {
    return this.startOffset;
  }
  get logEndOffset(): number {
    return this.endOffset;
  }
  get recoveryPoint(): number {
    return this.recovery;
  }
  get segments(): readonly LogSegment[] {
    return this.segs;
  }
  get activeSegment(): LogSegment {
    return this.segs[this.segs.length - 1]!;
  }
  get isOpen(): boolean {
    return this.state === 'open';
  }
  /** Total bytes of all segments. */
  get size(): number {
    let n = 0;
    for (const s of this.segs) n += s.size;
    return n;
  }
  get unflushedMessageCount(): number {
    return this.unflushedMessages;
  }

  // ---- stable offsets ---------------------------------------------------------------------------

  /** The log end offset until updateHighWatermark is first called, then what it set. */
  get highWatermark(): number {
    return this.hwManaged ? this.hw : this.endOffset;
  }

  /**
   * Sets the high watermark (the partition layer, from follower positions), clamped to
   * [logStartOffset, logEndOffset]; returns the value set. From then on the log no longer moves
   * it with appends.
   */
  updateHighWatermark(hw: number): number {
    const v = Math.min(Math.max(hw, this.startOffset), this.endOffset);
    this.hwManaged = true;
    this.hw = v;
    this.producers.onHighWatermarkUpdated(v);
    return v;
  }

  /**
   * First offset of a transaction that is open, or whose marker is not yet below the high
   * watermark; never below the log start offset (its start may have been deleted). Null if none.
   */
  get firstUnstableOffset(): number | null {
    const f = this.producers.firstUnstableOffset();
    return f === null ? null : Math.max(f, this.startOffset);
  }

  /** Consumers with read_committed read up to here: min(first unstable offset, high watermark). */
  get lastStableOffset(): number {
    const f = this.firstUnstableOffset;
    const hw = this.highWatermark;
    return f !== null && f < hw ? f : hw;
  }

  // ---- producers --------------------------------------------------------------------------------

  /** Producer state by producer id (read-only view). */
  get activeProducers(): ReadonlyMap<bigint, ProducerStateEntry> {
    return this.producers.activeProducers;
  }

  get producerIdCount(): number {
    return this.producers.producerIdCount;
  }

  /** DescribeProducers. */
  producerStates(): ProducerStateView[] {
    return this.producers.producerStateViews();
  }

  /** Per producer its last data offset (-1 if none) and epoch: the cleaner keeps those batches. */
  lastRecordsOfActiveProducers(): Map<bigint, LastProducerRecord> {
    return this.producers.lastRecordsOfActiveProducers();
  }

  /** Whether the producer has a transaction open here; with `producerEpoch`, one opened in that epoch. */
  hasOngoingTransaction(producerId: bigint, producerEpoch?: number): boolean {
    const entry = this.producers.lastEntry(producerId);
    if (!entry) return false;
    return producerEpoch === undefined ? entry.hasOngoingTxn : entry.hasOngoingTxnInEpoch(producerEpoch);
  }

  /** An open transaction idle past transaction.max.timeout.ms + 5 min (a hanging transaction). */
  hasLateTransaction(nowMs = this.clock.now()): boolean {
    return this.producers.hasLateTransaction(nowMs);
  }

  /**
   * KIP-890: starts verifying that the producer's transaction includes this partition, unless
   * one of this epoch is open here already (then the sentinel: no verification needed).
   */
  maybeStartTransactionVerification(producerId: bigint, sequence: number, epoch: number, supportsEpochBump = false): VerificationGuard {
    if (this.hasOngoingTransaction(producerId, epoch)) return VerificationGuard.SENTINEL;
    return this.producers.maybeCreateVerificationStateEntry(producerId, sequence, epoch, supportsEpochBump).guard;
  }

  verificationGuard(producerId: bigint): VerificationGuard {
    return this.producers.verificationStateEntry(producerId)?.guard ?? VerificationGuard.SENTINEL;
  }

  /** Forgets producers idle for producer.id.expiration.ms (Kafka: removeExpiredProducers). */
  removeExpiredProducers(nowMs = this.clock.now()): Promise<number> {
    return this.enqueue(async () => this.producers.removeExpiredProducers(nowMs));
  }

  /** Writes a producer snapshot at the log end offset now (tests, shutdown). */
  takeProducerSnapshot(): Promise<void> {
    return this.enqueue(async () => {
      this.producers.updateMapEndOffset(this.endOffset);
      await this.producers.takeSnapshot(true);
    });
  }

  /** Offsets of the producer snapshot files (tests). */
  producerSnapshotOffsets(): number[] {
    return this.producers.snapshotOffsets();
  }

  /** Aborted transactions overlapping [fetchOffset, upperBoundOffset) (log-read.ts). */
  collectAbortedTransactions(fetchOffset: number, upperBoundOffset: number): Promise<AbortedTxn[]> {
    return collectAbortedTransactions(this.segs, fetchOffset, upperBoundOffset);
  }

  /** Applies a new config (AlterConfigs); takes effect from the next append/roll/retention check. */
  updateConfig(config: Readonly<LogConfig>): void {
    this.config_ = config;
  }

  segmentSettings(): SegmentSettings {
    return segmentSettingsOf(this.config_);
  }

  private checkState(): void {
    invariant(
      this.startOffset <= this.endOffset && this.recovery <= this.endOffset,
      () => `${this.key}: logStartOffset=${this.startOffset} recoveryPoint=${this.recovery} logEndOffset=${this.endOffset}`,
    );
    assertOffsetOrder({
      logStartOffset: this.startOffset,
      lastStableOffset: this.lastStableOffset,
      highWatermark: this.highWatermark,
      logEndOffset: this.endOffset,
    });
  }

  // ---- append -----------------------------------------------------------------------------------

  /**
   * Appends whole batches. Validation happens now (synchronously); offsets are assigned in queue
   * order. The Buffer's batch headers are rewritten in place and its bytes are written as they are.
   */
  append(records: Buffer, opts: AppendOptions = {}): Promise<AppendResult> {
    if (this.state !== 'open') return Promise.reject(new LogClosedError(`log ${this.key} is closed`));
    const origin = opts.origin ?? AppendOrigin.CLIENT;
    let analyzed: AnalyzedAppend;
    try {
      analyzed = analyzeAppend(records, origin, this.config_, opts.validateBatch);
    } catch (e) {
      return Promise.reject(e);
    }
    if (analyzed.batches.length === 0) {
      if (origin === AppendOrigin.CLIENT) return Promise.reject(new InvalidRecordError('no record batches to append'));
      return Promise.resolve(this.emptyAppendResult());
    }
    return this.queue.append(analyzed, opts);
  }

  /** Runs `fn` in the serial queue, after every mutation queued before it. */
  protected enqueue<T>(fn: () => Promise<T>): Promise<T> {
    if (this.state !== 'open') return Promise.reject(new LogClosedError(`log ${this.key} is closed`));
    return this.queue.run(fn);
  }

  private emptyAppendResult(): AppendResult {
    return {
      firstOffset: -1,
      lastOffset: -1,
      logAppendTime: -1,
      logStartOffset: this.startOffset,
      maxTimestamp: -1,
      recordCount: 0,
      sizeInBytes: 0,
    };
  }

  /** Queue hook: producer-state validation of `p` (see producer-state-append.ts). */
  prepareAppend(p: PendingAppend, nextOffset: number, nowMs: number): void {
    const r = prepareProducerAppend(this.producers, p.analyzed, {
      origin: p.opts.origin ?? AppendOrigin.CLIENT,
      nextOffset,
      nowMs,
      timestampType: this.config_['message.timestamp.type'],
      transactionVersion: p.opts.transactionVersion,
      verificationGuard: p.opts.verificationGuard,
      verificationEnabled: this.producers.config.transactionVerificationEnabled,
    });
    p.duplicate = r.duplicate;
    p.producer = r.producer;
  }

  /** Queue hook: `p` was given offsets. */
  stageAppend(p: PendingAppend): void {
    if (p.producer) this.producers.stage(p.producer);
  }

  /** Queue hook: the writes in flight failed. */
  discardStagedAppends(): void {
    this.producers.discardStaged();
  }

  /** ---- no await: segment, indexes, epoch cache, producer state and LEO change together ---- */
  /** Called by the queue, synchronously, when a group's write completed in order. */
  commitWrite(w: InflightWrite): void {
    let records = 0;
    for (const p of w.group) {
      if (p.duplicate) continue;
      const bs = p.analyzed.batches;
      w.seg.commitAppend(bs, bs[0]!.position, w.now);
      for (const b of bs) this.epochCache.assign(b.partitionLeaderEpoch, b.baseOffset);
      if (p.producer) commitProducerAppend(this.producers, p.producer, w.seg);
      this.producers.updateMapEndOffset(bs[bs.length - 1]!.lastOffset + 1);
      records += p.analyzed.recordCount;
    }
    this.endOffset = w.nextOffset;
    if (!this.hwManaged) this.producers.onHighWatermarkUpdated(this.endOffset);
    this.unflushedMessages += records;
    const results = w.group.map((p) => this.resultOf(p, w.now));
    if (this.unflushedMessages >= this.config_['flush.messages']) {
      // flush.messages: acknowledged only once flushed (Kafka flushes inside append).
      const flushed = this.flush();
      w.group.forEach((p, i) => flushed.then(() => p.resolve(results[i]!), p.reject));
    } else {
      w.group.forEach((p, i) => p.resolve(results[i]!));
    }
  }

  private resultOf(p: PendingAppend, now: number): AppendResult {
    if (p.duplicate) {
      // Kafka: the original offsets, and the original batch's timestamp as the append time.
      // Nothing was appended: no records, no bytes (nothing new for fetches to wait for).
      return {
        firstOffset: p.duplicate.firstOffset,
        lastOffset: p.duplicate.lastOffset,
        logAppendTime: p.duplicate.timestamp,
        logStartOffset: this.startOffset,
        maxTimestamp: p.duplicate.timestamp,
        recordCount: 0,
        sizeInBytes: 0,
        duplicate: true,
      };
    }
    const bs = p.analyzed.batches;
    let maxTimestamp = -1;
    for (const b of bs) if (b.maxTimestamp > maxTimestamp) maxTimestamp = b.maxTimestamp;
    const appendTime =
      (p.opts.origin ?? AppendOrigin.CLIENT) !== AppendOrigin.REPLICATION &&
      this.config_['message.timestamp.type'] === 'LogAppendTime';
    return {
      firstOffset: bs[0]!.baseOffset,
      lastOffset: bs[bs.length - 1]!.lastOffset,
      logAppendTime: appendTime ? now : -1,
      logStartOffset: this.startOffset,
      maxTimestamp,
      recordCount: p.analyzed.recordCount,
      sizeInBytes: p.analyzed.records.length,
    };
  }


  /** Starts a new active segment at `base` (>= LEO). Runs inside the queue. */
  async roll(base: number): Promise<void> {
    const old = this.activeSegment;
    if (old.size === 0 && old.baseOffset === base) return;
    const seg = await LogSegment.create(this.fsys, this.dir, base, this.segmentSettings(), this.clock.now());
    await seg.acquire();
    let rolledOut = false;
    if (old.size === 0) {
      // An empty active segment is replaced, never kept behind the new one.
      this.segs = [...this.segs.slice(0, -1), seg];
      old.release();
      await old.deleteFiles();
    } else {
      this.segs = [...this.segs, seg];
      old.release();
      await old.onBecomeInactive();
      rolledOut = true;
    }
    // A producer snapshot at the new base (Kafka: roll), so recovering this segment starts
    // from it; synced with the flush of the rolled segment, not here.
    this.producers.updateMapEndOffset(base);
    const snapshot = await this.producers.takeSnapshot(false);
    if (rolledOut || snapshot) {
      // Kafka flushes the rolled segment in the background; that is what moves the recovery point.
      this.flushUpTo(base)
        .then(() => (snapshot ? this.producers.syncSnapshot(snapshot) : undefined))
        .catch((e) => this.log.error({ err: e }, 'flush after roll failed'));
    }
    this.log.info({ baseOffset: base }, 'rolled to a new segment');
  }

  /** Forces a roll (tests, admin). */
  rollNow(): Promise<void> {
    return this.enqueue(() => this.roll(this.endOffset));
  }

  // ---- read -------------------------------------------------------------------------------------

  /**
   * Reads whole batches from the one containing `fetchOffset`, up to `maxBytes`. Throws
   * OffsetOutOfRangeError below the log start offset or past the log end offset.
   */
  read(fetchOffset: number, opts: ReadOptions): Promise<ReadResult> {
    return readLog(this, this.pool, fetchOffset, opts);
  }

  // ---- flush ------------------------------------------------------------------------------------

  /** Makes everything appended so far durable (fdatasync); concurrent callers share one. */
  flush(): Promise<void> {
    return this.flushUpTo(this.endOffset);
  }

  /** Flushes offsets below `target`. */
  flushUpTo(target: number): Promise<void> {
    if (target <= this.recovery && !this.epochCache.isDirty) return Promise.resolve();
    return this.flusher.request(target);
  }

  private async doFlush(target: number): Promise<void> {
    const truncationsBefore = this.truncations;
    const segs = this.segs;
    const from = this.recovery;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const end = i + 1 < segs.length ? segs[i + 1]!.baseOffset : this.endOffset;
      if (seg.deleted || end <= from || seg.baseOffset >= target) continue;
      await seg.flush();
    }
    await this.epochCache.persist();
    if (this.truncations === truncationsBefore && target > this.recovery) {
      this.recovery = Math.min(target, this.endOffset);
    }
    if (target >= this.endOffset) this.unflushedMessages = 0;
    this.lastFlushMs = this.clock.now();
  }

  // ---- truncation and log start -----------------------------------------------------------------

  /**
   * Removes everything from `offset` on (replication: divergent suffix). A batch straddling
   * `offset` is removed whole. Returns false if there was nothing to remove.
   */
  truncateTo(offset: number): Promise<boolean> {
    checkOffset(offset, 'truncation offset');
    return this.enqueue(async () => {
      if (offset >= this.endOffset) return false;
      if (offset < this.segs[0]!.baseOffset) {
        await this.replaceAllSegments(offset);
        return true;
      }
      const keep = this.segs.filter((s) => s.baseOffset <= offset);
      const drop = this.segs.filter((s) => s.baseOffset > offset);
      const oldActive = this.activeSegment;
      const seg = keep[keep.length - 1]!;
      this.truncations++;
      const { batch } = await seg.positionOf(offset);
      const newEnd = batch ? Math.min(offset, batch.baseOffset) : offset;
      if (seg !== oldActive) await seg.acquire();
      this.segs = keep;
      this.endOffset = Math.max(newEnd, seg.baseOffset);
      this.recovery = Math.min(this.recovery, this.endOffset);
      this.startOffset = Math.min(this.startOffset, this.endOffset);
      if (seg !== oldActive) oldActive.release();
      for (const d of drop) await this.removeSegment(d);
      await seg.truncateTo(offset);
      this.epochCache.truncateFromEnd(this.endOffset);
      await this.epochCache.persist();
      if (this.hwManaged && this.hw > this.endOffset) this.hw = this.endOffset;
      await this.reloadProducerState();
      this.log.info({ offset, logEndOffset: this.endOffset }, 'truncated');
      this.checkState();
      return true;
    });
  }

  /** Deletes every segment and starts empty at `offset` (Kafka: truncateFullyAndStartAt). */
  truncateFullyAndStartAt(offset: number): Promise<void> {
    checkOffset(offset, 'start offset');
    return this.enqueue(() => this.replaceAllSegments(offset));
  }

  private async replaceAllSegments(offset: number): Promise<void> {
    this.truncations++;
    const old = this.segs;
    const seg = await LogSegment.create(this.fsys, this.dir, offset, this.segmentSettings(), this.clock.now());
    await seg.acquire();
    const oldActive = old[old.length - 1]!;
    this.segs = [seg];
    this.endOffset = offset;
    this.startOffset = offset;
    this.recovery = offset;
    oldActive.release();
    for (const s of old) if (s !== seg) await this.removeSegment(s);
    this.epochCache.clear();
    await this.epochCache.persist(true);
    if (this.hwManaged) this.hw = offset;
    await this.producers.truncateFullyAndStartAt(offset);
    this.checkState();
  }

  /**
   * DeleteRecords: moves the log start offset forward (never back) to `offset` (<= the high
   * watermark, else OffsetOutOfRangeError) and deletes segments wholly below it.
   * Returns the new log start offset.
   */
  async advanceLogStartOffset(offset: number): Promise<number> {
    if (this.state !== 'open') throw new LogClosedError(`log ${this.key} is closed`);
    if (offset > this.endOffset) {
      throw new OffsetOutOfRangeError(`log start offset ${offset} is past the log end offset ${this.endOffset}`);
    }
    if (offset > this.highWatermark) {
      throw new OffsetOutOfRangeError(`log start offset ${offset} is past the high watermark ${this.highWatermark}`);
    }
    if (offset > this.startOffset) {
      this.startOffset = offset;
      this.epochCache.truncateFromStart(offset);
      this.producers.onLogStartOffsetIncremented(offset);
      await this.enqueue(() => this.deleteSegmentsWhile((_seg, next) => next.baseOffset <= this.startOffset));
    }
    return this.startOffset;
  }

  /** After a truncation: producer state back to the log end offset (snapshot + replay). */
  private async reloadProducerState(): Promise<void> {
    await rebuildProducerState(this.fsys, this.producers, this.segs, {
      logStartOffset: this.startOffset,
      lastOffset: this.endOffset,
      reloadFromCleanShutdown: false,
      nowMs: this.clock.now(),
      log: this.log,
    });
    // Markers replayed below the high watermark are replicated (Kafka: truncateTo → updateHighWatermark).
    this.producers.onHighWatermarkUpdated(this.highWatermark);
  }

  // ---- segment deletion (retention) -------------------------------------------------------------

  /**
   * Deletes the oldest segments while `pred(segment, nextSegment)` holds: a prefix, never the
   * active segment. Afterwards the log start offset is at least the first segment's base.
   * Must run inside the queue.
   */
  async deleteSegmentsWhile(pred: (seg: LogSegment, next: LogSegment) => boolean | Promise<boolean>): Promise<number> {
    let n = 0;
    const segs = this.segs;
    while (n < segs.length - 1 && (await pred(segs[n]!, segs[n + 1]!))) n++;
    if (n === 0) return 0;
    const dropped = segs.slice(0, n);
    this.segs = segs.slice(n);
    if (this.segs[0]!.baseOffset > this.startOffset) {
      this.startOffset = this.segs[0]!.baseOffset;
      this.epochCache.truncateFromStart(this.startOffset);
    }
    this.recovery = Math.max(this.recovery, Math.min(this.segs[0]!.baseOffset, this.endOffset));
    if (this.hwManaged && this.hw < this.startOffset) this.hw = this.startOffset;
    this.producers.onLogStartOffsetIncremented(this.startOffset);
    for (const s of dropped) await this.removeSegment(s);
    // Kafka deletes the snapshots named after the deleted segments.
    await this.producers.deleteSnapshots(dropped.map((s) => s.baseOffset));
    this.log.info({ segments: n, logStartOffset: this.startOffset }, 'deleted old segments');
    return n;
  }

  /** Runs `fn` in the queue (for retention/cleaner code that mutates segments). */
  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.enqueue(fn);
  }

  /** Swaps `oldSegs` (consecutive) for `replacement` (compaction). Must run inside the queue. */
  async replaceSegments(oldSegs: readonly LogSegment[], replacement: LogSegment): Promise<void> {
    const i = this.segs.indexOf(oldSegs[0]!);
    invariant(i >= 0 && oldSegs.every((s, j) => this.segs[i + j] === s), () => `${this.key}: segments to replace moved`);
    invariant(i + oldSegs.length < this.segs.length, () => `${this.key}: cannot replace the active segment`);
    this.segs = [...this.segs.slice(0, i), replacement, ...this.segs.slice(i + oldSegs.length)];
    for (const s of oldSegs) if (s !== replacement) await this.removeSegment(s);
    await this.producers.deleteSnapshots(oldSegs.filter((s) => s.baseOffset !== replacement.baseOffset).map((s) => s.baseOffset));
  }

  /** Renames the segment's files to *.deleted now and unlinks them after file.delete.delay.ms. */
  private async removeSegment(seg: LogSegment): Promise<void> {
    try {
      await seg.markDeleted();
    } catch (e) {
      this.log.error({ err: e, segment: seg.logPath }, 'could not rename segment for deletion');
    }
    const remove = (): void => {
      this.pendingDeletes.delete(seg);
      seg.deleteFiles().catch((e) => this.log.error({ err: e, segment: seg.logPath }, 'could not delete segment'));
    };
    const delay = this.config_['file.delete.delay.ms'];
    if (delay <= 0) return remove();
    const timer = this.clock.setTimeout(remove, delay);
    timer.unref?.();
    this.pendingDeletes.set(seg, timer);
  }

  // ---- lookups ----------------------------------------------------------------------------------

  /** ListOffsets by timestamp: see log-lookups.ts. */
  offsetForTimestamp(timestamp: number): Promise<{ offset: number; timestamp: number } | null> {
    return offsetForTimestamp(this, timestamp);
  }

  /** Largest timestamp in the log and the offset it was stamped on (ListOffsets MAX_TIMESTAMP). */
  maxTimestampAndOffset(): Promise<{ timestamp: number; offset: number }> {
    return maxTimestampAndOffset(this);
  }

  /** OffsetForLeaderEpoch (KIP-101). */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    return this.epochCache.endOffsetFor(epoch, this.endOffset);
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /** Flushes everything, writes the indexes and closes every file. Pending mutations finish first. */
  async close(flush = true): Promise<void> {
    if (this.state !== 'open') return;
    // New appends are refused from now on; those already queued are written first.
    const drained = this.enqueue(async () => undefined);
    this.state = 'closing';
    await drained.catch(() => undefined);
    this.state = 'closed';
    let err: unknown;
    if (flush) await this.flushUpTo(this.endOffset).catch((e) => (err = e));
    else await this.flusher.idle();
    if (flush) await this.epochCache.persist().catch((e) => (err ??= e));
    if (flush) {
      // A snapshot at the log end: the next start needs no replay (Kafka: close).
      this.producers.updateMapEndOffset(this.endOffset);
      await this.producers.takeSnapshot(true).catch((e) => (err ??= e));
    }
    this.activeSegment.release();
    for (const s of this.segs) await s.close().catch((e) => (err ??= e));
    for (const [seg, timer] of this.pendingDeletes) {
      this.clock.clearTimeout(timer as never);
      await seg.deleteFiles().catch(() => undefined);
    }
    this.pendingDeletes.clear();
    if (err) throw err;
  }

  /** For state checks and tests. */
  offsets(): { logStartOffset: number; logEndOffset: number; recoveryPoint: number } {
    return { logStartOffset: this.startOffset, logEndOffset: this.endOffset, recoveryPoint: this.recovery };
  }
}

export { NEVER };
