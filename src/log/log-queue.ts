/**
 * The serial queue of one log: every mutation runs here in order, appends in groups.
 *
 * Appends waiting at the head of the queue are given offsets together and written with one
 * writev at the position after the writes already issued; up to MAX_WRITES_IN_FLIGHT groups are
 * written concurrently (positional writes to disjoint ranges) and committed strictly in order as
 * they complete. A failed write (ENOSPC, EIO, a short write that cannot finish) rolls back: the
 * later writes are awaited, the file is cut back to where the failed group started (a batch
 * boundary), and that group and every later one fail. Other operations (roll, truncation,
 * segment deletion, close) run only when no write is in flight.
 *
 * Where no `await` may fall: in issueAppendGroup, from reading the issued end / next offset to
 * issuing the write; in Log.commitWrite, the whole commit (segment, indexes, epochs, LEO).
 *
 * Direct I/O (LogDeps.directIo): while the broker appends fast (direct-io.ts), each group is
 * written with O_DIRECT through a DirectAppender, up to MAX_WRITES_IN_FLIGHT at once as above
 * (the appender orders the writes of the block consecutive groups share), but never while a
 * write through the page cache is in flight, nor the reverse; otherwise groups are written as
 * above. The appender is opened by the first direct write to the active segment and closed
 * (the zero padding after the data cut off) before a roll and before any other queued
 * operation. Where the filesystem refuses direct I/O the log writes through the page cache.
 *
 * Producer state: each append is validated against it (sequence numbers, epochs, transactions)
 * when it is given offsets, and its effect is staged (producer-state-manager.ts); it becomes the
 * state at commit, and a failed write discards what was staged. A retry of a batch already in
 * the log or in flight (a duplicate) writes nothing: it joins the group with no bytes and is
 * answered, with the original offsets, when the group commits.
 */
import { Clock } from '../util/clock';
import { Logger } from '../util/logger';
import { AnalyzedAppend, AppendOrigin, assignOffsets } from './append-batches';
import { DirectAppender } from './direct-appender';
import { DirectIo } from './direct-io';
import { storageError } from './errors';
import { LogConfig } from './log-config';
import { LogFs, writeFully, writeFullySync } from './log-fs';
import { AppendOptions, AppendResult } from './log-types';
import { PreparedProducerAppend } from './producer-state-manager';
import { LogSegment } from './segment';

/** Largest group of queued appends written with one writev. */
const MAX_GROUP_BYTES = 8 * 1024 * 1024;
/**
 * Group writes issued before the first completes. Each costs a thread-pool round trip; with
 * several in flight the log is bound by bandwidth, not by that latency (libuv has 4 threads).
 */
const MAX_WRITES_IN_FLIGHT = 3;
/**
 * Synchronous small writes (LogDeps.syncWriteMaxBytes, off by default): a group up to that size
 * is written with pwritev on the main thread, saving a thread-pool round trip. If one ever takes
 * longer than SYNC_WRITE_STALL_MS (the kernel throttling writers), they pause for
 * SYNC_WRITE_PAUSE_MS. Off by default because that first slow write still holds the event loop.
 */
const SYNC_WRITE_STALL_MS = 5;
const SYNC_WRITE_PAUSE_MS = 10_000;
/** Longest the queue runs without yielding to the event loop. */
const YIELD_AFTER_MS = 2;
/** A filesystem without direct I/O is reported once (at warn), not once per log. */
let directIoRefusalLogged = false;

export interface PendingAppend {
  kind: 'append';
  analyzed: AnalyzedAppend;
  opts: AppendOptions;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
  /** Set by QueueHost.prepareAppend: what the append does to producer state. */
  producer?: PreparedProducerAppend | null;
  /** Set by QueueHost.prepareAppend when the append repeats batches already appended. */
  duplicate?: { firstOffset: number; lastOffset: number; timestamp: number } | null;
}

interface QueuedOp {
  kind: 'op';
  run: () => Promise<void>;
}

export interface InflightWrite {
  seg: LogSegment;
  group: PendingAppend[];
  startPosition: number;
  endPosition: number;
  nextOffset: number;
  now: number;
  state: 'writing' | 'done' | 'failed';
  error: unknown;
}


/** What the queue needs from its log. */
export interface QueueHost {
  readonly config: Readonly<LogConfig>;
  readonly activeSegment: LogSegment;
  readonly logEndOffset: number;
  /** Starts a new active segment at `base`; only called with no write in flight. */
  roll(base: number): Promise<void>;
  /** Commits a completed write (synchronously, in order). */
  commitWrite(w: InflightWrite): void;
  /**
   * Validates producer state for `p` about to take offsets from `nextOffset` (throws a typed
   * error to refuse it); sets `p.producer` or `p.duplicate`. Synchronous.
   */
  prepareAppend(p: PendingAppend, nextOffset: number, nowMs: number): void;
  /** `p` was given offsets: its producer state is staged for the following validations. */
  stageAppend(p: PendingAppend): void;
  /** Every write in flight failed: drop the staged producer state. */
  discardStagedAppends(): void;
}

export class LogQueue {
  private queue: Array<PendingAppend | QueuedOp> = [];
  private draining = false;
  private inflight: InflightWrite[] = [];
  private settleWaiters: Array<() => void> = [];
  private rollback: Promise<void> | null = null;
  private syncWritesPausedUntil = 0;
  private appender: DirectAppender | null = null;
  /** Writes in flight that go through the direct appender (the others go through the page cache). */
  private directWritesInFlight = 0;
  private appenderSegment: LogSegment | null = null;

  constructor(
    private readonly host: QueueHost,
    private readonly fsys: LogFs,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** See SYNC_WRITE_STALL_MS; 0 disables synchronous writes. */
    private readonly syncWriteMaxBytes = 0,
    /** Direct-I/O policy and memory (direct-io.ts); null writes through the page cache. */
    private directIo: DirectIo | null = null,
  ) {}

  append(analyzed: AnalyzedAppend, opts: AppendOptions): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ kind: 'append', analyzed, opts, resolve, reject });
      this.drain();
    });
  }

  /** Runs `fn` after everything queued before it, with no write in flight. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind: 'op', run: () => fn().then(resolve, reject) });
      this.drain();
    });
  }


  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    void (async () => {
      try {
        let slice = performance.now();
        while (this.queue.length > 0) {
          if (performance.now() - slice > YIELD_AFTER_MS) {
            // Appends completing synchronously chain through microtasks only; give the event
            // loop (network, timers) a turn now and then.
            await new Promise<void>((r) => setImmediate(r));
            slice = performance.now();
          }
          const head = this.queue[0]!;
          if (head.kind === 'op') {
            // Mutations other than appends see no write in flight.
            await this.settleWrites();
            if (this.queue[0] !== head) continue;
            this.queue.shift();
            await this.closeAppender();
            await head.run();
          } else if (this.rollback) {
            await this.rollback;
          } else if (this.inflight.length >= MAX_WRITES_IN_FLIGHT) {
            await this.nextWriteSettled();
          } else {
            await this.issueAppendGroup();
          }
        }
      } finally {
        this.draining = false;
      }
    })();
  }

  /**
   * Gives offsets to the appends waiting at the head of the queue and issues their write (one
   * writev at the position after every write already issued). Up to MAX_WRITES_IN_FLIGHT groups
   * are written concurrently (positional writes to disjoint ranges); they are committed strictly
   * in order as their writes complete (commitWrites).
   */
  private async issueAppendGroup(): Promise<void> {
    const first = this.queue[0] as PendingAppend;
    const active = this.host.activeSegment;
    const now = this.clock.now();
    if (this.shouldRoll(active, this.issuedEnd(), 0, first, this.issuedNextOffset(), now)) {
      if (this.inflight.length > 0) return this.settleWrites();
      try {
        await this.closeAppender();
        await this.host.roll(this.rollBaseFor(first));
      } catch (e) {
        this.queue.shift();
        first.reject(e);
        return;
      }
    }
    if (this.directIo?.writeDirect) {
      // Direct writes follow each other (the appender orders the block they share), but not
      // writes through the page cache.
      if (this.inflight.length > this.directWritesInFlight) return this.settleWrites();
      if (this.appenderSegment !== this.host.activeSegment || this.appender?.position !== this.issuedEnd()) {
        if (this.inflight.length > 0) return this.settleWrites();
        if (this.appenderSegment !== this.host.activeSegment) await this.openAppender();
        // The appender learns the end of the data (after writes through the page cache).
        if (this.appender) {
          try {
            await this.appender.prime(this.issuedEnd());
          } catch (e) {
            this.queue.shift();
            first.reject(storageError('append to', this.host.activeSegment.logPath, e));
            return;
          }
        }
        // The queue may have changed while waiting: start over.
        return;
      }
    } else if (this.directWritesInFlight > 0) {
      return this.settleWrites();
    }
    // ---- no await from here to issuing the write: offsets and position derive from the
    // ---- committed state plus the writes in flight.
    const seg = this.host.activeSegment;
    const startPosition = this.issuedEnd();
    const startOffset = this.issuedNextOffset();
    const group: PendingAppend[] = [];
    const bufs: Buffer[] = [];
    let pos = startPosition;
    let next = startOffset;
    let batches = 0;
    while (this.queue.length > 0 && this.queue[0]!.kind === 'append' && pos - startPosition < MAX_GROUP_BYTES) {
      const p = this.queue[0] as PendingAppend;
      if (group.length > 0 && this.shouldRoll(seg, pos, batches, p, next, now)) break;
      this.queue.shift();
      try {
        this.host.prepareAppend(p, next, now);
        if (p.duplicate) {
          // Nothing to write: answered when this group commits (after the writes before it).
          group.push(p);
          continue;
        }
        next = assignOffsets(p.analyzed, next, pos, {
          origin: p.opts.origin ?? AppendOrigin.CLIENT,
          leaderEpoch: p.opts.leaderEpoch ?? -1,
          nowMs: now,
          timestampType: this.host.config['message.timestamp.type'],
        });
        this.host.stageAppend(p);
      } catch (e) {
        p.reject(e);
        continue;
      }
      group.push(p);
      bufs.push(p.analyzed.records);
      pos += p.analyzed.records.length;
      batches += p.analyzed.batches.length;
    }
    if (group.length === 0) return;
    const w: InflightWrite = { seg, group, startPosition, endPosition: pos, nextOffset: next, now, state: 'writing', error: null };
    this.inflight.push(w);
    if (bufs.length === 0) {
      // Only duplicates: no write, committed in order behind the writes in flight.
      this.writeSettled(w, null);
      return;
    }
    this.directIo?.noteAppended(pos - startPosition, this.clock.monotonic());
    if (this.appender && this.directIo?.writeDirect) {
      this.directWritesInFlight++;
      this.appender.write(bufs, startPosition).then(
        () => {
          this.directWritesInFlight--;
          this.writeSettled(w, null);
        },
        (e) => {
          this.directWritesInFlight--;
          if ((e as { code?: string } | null)?.code === 'EINVAL') {
            // The device wants another alignment than DIRECT_BLOCK: this log stops writing
            // directly (the failed append is answered KAFKA_STORAGE_ERROR, which clients retry).
            this.directIo = null;
            this.log.warn({ err: e, path: seg.logPath }, 'direct write refused; appending through the page cache');
          }
          this.writeSettled(w, e ?? new Error('write failed'));
        },
      );
      return;
    }
    if (pos - startPosition <= this.syncWriteMaxBytes && this.clock.monotonic() >= this.syncWritesPausedUntil) {
      const t0 = this.clock.monotonic();
      let error: unknown = null;
      let done = false;
      try {
        done = writeFullySync(this.fsys, seg.openFd, bufs, startPosition);
      } catch (e) {
        error = e ?? new Error('write failed');
      }
      if (done || error !== null) {
        const took = this.clock.monotonic() - t0;
        if (took > SYNC_WRITE_STALL_MS) {
          // The kernel is throttling writers: keep the event loop free, write from the pool.
          this.syncWritesPausedUntil = this.clock.monotonic() + SYNC_WRITE_PAUSE_MS;
          this.log.warn({ tookMs: took }, 'slow synchronous append; using asynchronous writes for a while');
        }
        this.writeSettled(w, error);
        return;
      }
    }
    writeFully(this.fsys, seg.openFd, bufs, startPosition).then(
      () => this.writeSettled(w, null),
      (e) => this.writeSettled(w, e ?? new Error('write failed')),
    );
  }

  /** Opens a direct appender on the active segment (no write in flight); falls back to buffered writes. */
  private async openAppender(): Promise<void> {
    await this.closeAppender();
    const seg = this.host.activeSegment;
    try {
      this.appender = await DirectAppender.open(this.fsys, seg.logPath, seg.openFd, this.directIo!.pool);
      this.appenderSegment = seg;
    } catch (e) {
      // tmpfs and some other filesystems have no O_DIRECT: this log writes through the page cache.
      this.directIo = null;
      const first = !directIoRefusalLogged;
      directIoRefusalLogged = true;
      this.log[first ? 'warn' : 'debug']({ err: e, path: seg.logPath }, 'direct I/O unavailable; appending through the page cache');
    }
  }

  /** Cuts the direct appender's padding off the file and closes it (no write in flight). */
  private async closeAppender(): Promise<void> {
    const a = this.appender;
    if (!a) return;
    this.appender = null;
    this.appenderSegment = null;
    try {
      await a.close(this.host.activeSegment.size);
    } catch (e) {
      // Bytes past the segment's size are never read; recovery would cut them after a crash.
      this.log.error({ err: e, position: a.position }, 'could not trim the padding of direct appends');
    }
  }

  private issuedEnd(): number {
    const n = this.inflight.length;
    return n ? this.inflight[n - 1]!.endPosition : this.host.activeSegment.size;
  }

  private issuedNextOffset(): number {
    const n = this.inflight.length;
    return n ? this.inflight[n - 1]!.nextOffset : this.host.logEndOffset;
  }

  private writeSettled(w: InflightWrite, error: unknown): void {
    w.state = error === null ? 'done' : 'failed';
    w.error = error;
    this.commitWrites();
    const waiters = this.settleWaiters.splice(0);
    for (const wake of waiters) wake();
  }

  /** Commits completed writes in order; the first failed one starts a rollback. */
  private commitWrites(): void {
    while (this.inflight.length > 0 && !this.rollback) {
      const w = this.inflight[0]!;
      if (w.state === 'writing') return;
      if (w.state === 'failed') {
        this.rollback = this.rollBackWrites().finally(() => (this.rollback = null));
        return;
      }
      this.inflight.shift();
      this.host.commitWrite(w);
    }
  }

  /**
   * A write failed (ENOSPC, EIO, or a short write that could not complete): wait for the later
   * writes, cut the file back to where the failed one started (a batch boundary), and fail it and
   * every append issued after it (their offsets assumed it succeeded).
   */
  private async rollBackWrites(): Promise<void> {
    while (this.inflight.some((w) => w.state === 'writing')) await this.nextWriteSettled();
    const failed = this.inflight.splice(0);
    this.host.discardStagedAppends();
    const first = failed[0]!;
    // The file is cut back below; the next append opens a new appender, which rereads the tail.
    const appender = this.appender;
    this.appender = null;
    this.appenderSegment = null;
    await appender?.abandon();
    const err = storageError('append to', first.seg.logPath, first.error);
    try {
      await this.fsys.ftruncate(first.seg.openFd, first.startPosition);
    } catch (e) {
      // The file may keep a partial batch past `size`; it is never read (size is unchanged),
      // the next write overwrites it, and recovery would truncate it after a crash.
      this.log.error({ err: e, position: first.startPosition }, 'could not truncate after a failed append');
    }
    this.log.error({ err, position: first.startPosition }, 'append failed; segment truncated back to the last batch');
    for (const w of failed) for (const p of w.group) p.reject(err);
  }

  private nextWriteSettled(): Promise<void> {
    if (this.inflight.length === 0) return Promise.resolve();
    return new Promise((r) => this.settleWaiters.push(r));
  }

  /** Waits until no write is in flight and any rollback finished. */
  private async settleWrites(): Promise<void> {
    while (this.inflight.length > 0 || this.rollback) {
      if (this.rollback) await this.rollback;
      else await this.nextWriteSettled();
    }
  }

  /**
   * Kafka's LogSegment.shouldRoll for appending `a` at `position` (with `pendingBatches` of this
   * group before it): size, time (segment.ms, from the first batch's timestamp), index room,
   * and relative-offset range.
   */
  private shouldRoll(
    seg: LogSegment,
    position: number,
    pendingBatches: number,
    p: PendingAppend,
    nextOffset: number,
    now: number,
  ): boolean {
    const c = this.host.config;
    const a = p.analyzed;
    if (position > c['segment.bytes'] - a.records.length) return true;
    if (position > 0) {
      const base = seg.rollingBasedTimestamp >= 0 ? seg.rollingBasedTimestamp : -1;
      const waited = base >= 0 && a.maxTimestamp >= 0 ? a.maxTimestamp - base : now - seg.createdMs;
      if (waited > c['segment.ms'] - c['segment.jitter.ms']) return true;
    }
    const entries = pendingBatches + a.batches.length;
    if (
      seg.offsetIndex.entries + entries > seg.offsetIndex.maxEntries ||
      seg.timeIndex.entries + entries > seg.timeIndex.maxEntries
    ) {
      return true;
    }
    const last = a.batches[a.batches.length - 1]!;
    const replicated = p.opts.origin === AppendOrigin.REPLICATION;
    return !seg.canHoldOffset(replicated ? last.lastOffset : nextOffset + a.offsetCount - 1);
  }

  private rollBaseFor(p: PendingAppend): number {
    // A follower's batch may start past the LEO (compacted leader): start the segment there.
    if (p.opts.origin === AppendOrigin.REPLICATION) return Math.max(this.host.logEndOffset, p.analyzed.batches[0]!.baseOffset);
    return this.host.logEndOffset;
  }
}
