/**
 * One log segment: the files of a contiguous offset range, named by the segment's base offset
 * zero-padded to 20 digits (Kafka's layout):
 *
 *   <base>.log        record batches laid end to end, exactly as on the wire (magic 2)
 *   <base>.index      sparse offset index (offset-index.ts)
 *   <base>.timeindex  time index (time-index.ts)
 *   <base>.txnindex   aborted-transaction index (txn-index.ts): one entry per ABORT marker in
 *                     this segment; loaded lazily, absent when the segment has none
 *
 * Invariants: every batch has baseOffset >= the segment's baseOffset and offsets strictly
 * increase batch to batch; lastOffset - baseOffset fits an int32 (relative offsets); `size` is
 * the committed length — bytes past it may be an append in flight and are never read.
 *
 * The .log file descriptor is opened lazily and reference-counted, so that a read in flight on
 * a segment being deleted never sees its descriptor closed (or reused by another file).
 */
import { invariant } from '../util/invariant';
import { Logger, logger } from '../util/logger';
import { BATCH_HEADER_SIZE } from '../protocol/records/batch-header';
import { BatchCheck, BatchSummary, checkBatchAt, summarizeBatch } from './batch-scan';
import { CorruptRecordError, storageError } from './errors';
import { ScanStop, scanFileBatches } from './file-batch-scanner';
import { LogFs, joinPath, readFully } from './log-fs';
import { offsetFileStem } from './offsets';
import { OFFSET_INDEX_ENTRY_SIZE, OffsetIndex } from './offset-index';
import { ReadBufferPool } from './read-buffer-pool';
import type { DirectIo } from './direct-io';
import type { DirectReadahead, DirectReader } from './direct-readahead';
import { readSegment } from './segment-read';
import { NO_TIMESTAMP, TIME_INDEX_ENTRY_SIZE, TimeIndex } from './time-index';
import { TxnIndex, TxnIndexSearchResult } from './txn-index';

export const SegmentFile = {
  LOG: '.log',
  INDEX: '.index',
  TIME_INDEX: '.timeindex',
  TXN_INDEX: '.txnindex',
} as const;
/** Every file a segment may own; renames and deletions apply to all that exist. */
export const SEGMENT_FILE_SUFFIXES = Object.values(SegmentFile);
export const DELETED_SUFFIX = '.deleted';

const INT32_MAX = 0x7fffffff;
let directReadRefusalLogged = false;

export interface SegmentSettings {
  indexIntervalBytes: number;
  /** segment.index.bytes */
  indexBytes: number;
  /** Largest batch accepted when scanning (bounds allocations on corrupt lengths). */
  maxBatchSize: number;
}

export interface SegmentReadResult {
  /** Whole batches, a view into one read buffer. */
  records: Buffer;
  /** Base offset of the first batch returned. */
  firstOffset: number;
  /** Last offset of the last batch returned. */
  lastOffset: number;
  /** The buffer the view belongs to (for pooling). */
  backing: Buffer;
}

export interface RecoveryResult {
  truncatedBytes: number;
  /** Next offset after the last valid batch (baseOffset when empty). */
  nextOffset: number;
  batches: BatchSummary[] | null;
}

export class LogSegment {
  private fd = -1;
  private opening: Promise<number> | null = null;
  /** O_DIRECT read descriptor (readAtDirect): null until first used, -1 when unavailable. */
  private directFd: number | null = null;
  private directOpening: Promise<number> | null = null;
  /** This segment as the readahead knows it, and the readahead that last read it. */
  private readonly directReader: DirectReader;
  /** Truncations so far: bytes read ahead before one may have been replaced. */
  private truncations = 0;
  private readahead: DirectReadahead | null = null;
  private refs = 0;
  private closed = false;
  private closeWaiters: Array<() => void> = [];
  private indexesLoaded = false;
  private loadingIndexes: Promise<void> | null = null;
  private readonly log: Logger;

  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly txnIndex: TxnIndex;
  /** Committed bytes of the .log file. */
  size: number;
  /** Largest batch max-timestamp and the last offset of that batch (Kafka: maxTimestampAndOffsetSoFar). */
  maxTimestampSoFar = NO_TIMESTAMP;
  offsetOfMaxTimestampSoFar = -1;
  /** Whether maxTimestampSoFar is known (inactive segments learn it lazily). */
  private maxTimestampKnown = false;
  /** Max timestamp of the first batch, the base for segment.ms (Kafka: rollingBasedTimestamp). */
  rollingBasedTimestamp = NO_TIMESTAMP;
  private bytesSinceLastIndexEntry = 0;
  /** Wall-clock creation time (for segment.ms when no batch has a timestamp). */
  readonly createdMs: number;
  /** Last modification (wall clock) for retention when there is no timestamp. */
  lastModifiedMs: number;
  /** True once the files carry the .deleted suffix. */
  deleted = false;

  private constructor(
    private readonly fsys: LogFs,
    readonly dir: string,
    readonly baseOffset: number,
    readonly settings: SegmentSettings,
    size: number,
    nowMs: number,
  ) {
    const stem = joinPath(dir, offsetFileStem(baseOffset));
    this.directReader = { fsys, directFd: () => this.directReadFd(), generation: () => this.truncations };
    this.size = size;
    this.createdMs = nowMs;
    this.lastModifiedMs = nowMs;
    this.offsetIndex = new OffsetIndex(
      stem + SegmentFile.INDEX,
      baseOffset,
      Math.max(1, Math.floor(settings.indexBytes / OFFSET_INDEX_ENTRY_SIZE)),
    );
    this.timeIndex = new TimeIndex(
      stem + SegmentFile.TIME_INDEX,
      baseOffset,
      Math.max(1, Math.floor(settings.indexBytes / TIME_INDEX_ENTRY_SIZE)),
    );
    this.txnIndex = new TxnIndex(stem + SegmentFile.TXN_INDEX, baseOffset);
    this.log = logger('log').child({ segment: stem });
  }

  /** Creates a new empty segment (truncating stale files with the same name). */
  static async create(fsys: LogFs, dir: string, baseOffset: number, settings: SegmentSettings, nowMs: number) {
    const seg = new LogSegment(fsys, dir, baseOffset, settings, 0, nowMs);
    try {
      seg.fd = await fsys.open(seg.logPath, 'w+');
    } catch (e) {
      throw storageError('create segment', seg.logPath, e);
    }
    seg.indexesLoaded = true;
    seg.maxTimestampKnown = true;
    seg.offsetIndex.markRebuilt();
    seg.timeIndex.markRebuilt();
    seg.txnIndex.markNew();
    return seg;
  }

  /** An existing segment of `size` bytes; files are opened and indexes loaded on first use. */
  static existing(fsys: LogFs, dir: string, baseOffset: number, settings: SegmentSettings, size: number, mtimeMs: number) {
    const seg = new LogSegment(fsys, dir, baseOffset, settings, size, mtimeMs);
    seg.lastModifiedMs = mtimeMs;
    return seg;
  }

  get logPath(): string {
    return joinPath(this.dir, offsetFileStem(this.baseOffset) + SegmentFile.LOG) + (this.deleted ? DELETED_SUFFIX : '');
  }

  // ---- descriptor lifetime -------------------------------------------------------------------

  /** Takes a reference on the open .log descriptor; pair with release(). */
  async acquire(): Promise<number> {
    invariant(!this.closed, () => `segment ${this.logPath} is closed`);
    this.refs++;
    if (this.fd >= 0) return this.fd;
    try {
      if (!this.opening) this.opening = this.fsys.open(this.logPath, 'r+');
      this.fd = await this.opening;
      return this.fd;
    } catch (e) {
      this.refs--;
      this.opening = null;
      throw storageError('open segment', this.logPath, e);
    }
  }

  release(): void {
    this.refs--;
    if (this.refs === 0 && this.closed) this.closeWaiters.splice(0).forEach((w) => w());
  }

  /** Waits for readers to release, then closes the descriptors. Idempotent. */
  async closeFd(): Promise<void> {
    this.closed = true;
    if (this.refs > 0) await new Promise<void>((r) => this.closeWaiters.push(r));
    if (this.opening && this.fd < 0) await this.opening.catch(() => undefined);
    this.readahead?.drop(this.directReader);
    if (this.directOpening) await this.directOpening;
    if (this.directFd !== null && this.directFd >= 0) {
      const dfd = this.directFd;
      this.directFd = -1;
      await this.fsys.close(dfd).catch(() => undefined);
    }
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      await this.fsys.close(fd).catch(() => undefined);
    }
  }

  /** Descriptor of a segment the caller keeps acquired (the active segment). */
  get openFd(): number {
    invariant(this.fd >= 0, () => `segment ${this.logPath} has no open descriptor`);
    return this.fd;
  }

  // ---- indexes ---------------------------------------------------------------------------------

  /**
   * Loads the indexes from their files; if one is missing or fails its checks, rebuilds both from
   * the .log (Kafka: "Found a corrupted index file ... rebuilding index").
   */
  ensureIndexes(): Promise<void> {
    if (this.indexesLoaded) return Promise.resolve();
    if (!this.loadingIndexes) {
      this.loadingIndexes = this.loadIndexes().then(
        () => {
          this.indexesLoaded = true;
          this.loadingIndexes = null;
        },
        (e) => {
          this.loadingIndexes = null;
          throw e;
        },
      );
    }
    return this.loadingIndexes;
  }

  private async loadIndexes(): Promise<void> {
    let ok = false;
    try {
      ok = (await this.offsetIndex.load(this.fsys, this.size)) && (await this.timeIndex.load(this.fsys));
    } catch (e) {
      this.log.warn({ err: e }, 'index file failed its checks; rebuilding from the segment');
    }
    if (ok && this.timeIndex.entries > 0 && this.timeIndex.lastOffset > this.baseOffset + INT32_MAX) ok = false;
    if (ok) {
      if (!this.maxTimestampKnown && this.timeIndex.entries > 0) {
        this.maxTimestampSoFar = this.timeIndex.lastTimestamp;
        this.offsetOfMaxTimestampSoFar = this.timeIndex.lastOffset;
        this.maxTimestampKnown = true;
      }
      return;
    }
    if (!ok) this.log.info('rebuilding missing or corrupt indexes');
    await this.recover(null);
  }

  get indexesReady(): boolean {
    return this.indexesLoaded;
  }

  // ---- append ----------------------------------------------------------------------------------

  /**
   * Records batches just written at `position` (= the old size) in the indexes and counters.
   * Synchronous: called right after the write completes, with no await in between, so readers
   * never see `size` cover bytes the indexes do not know about.
   */
  commitAppend(batches: readonly BatchSummary[], position: number, nowMs: number): void {
    invariant(position === this.size, () => `append at ${position} but segment ${this.logPath} has ${this.size} bytes`);
    invariant(this.indexesLoaded, () => `append to ${this.logPath} before its indexes were loaded`);
    for (const b of batches) this.indexBatch(b, b.position);
    this.size = batches.length ? batches[batches.length - 1]!.position + batches[batches.length - 1]!.size : this.size;
    this.lastModifiedMs = nowMs;
  }

  /** Kafka's LogSegment.append index rule: an entry once more than index.interval.bytes passed. */
  private indexBatch(b: BatchSummary, position: number): void {
    if (this.rollingBasedTimestamp === NO_TIMESTAMP && this.size === 0 && position === 0) {
      this.rollingBasedTimestamp = b.maxTimestamp;
    }
    if (b.maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = b.maxTimestamp;
      this.offsetOfMaxTimestampSoFar = b.lastOffset;
    }
    this.maxTimestampKnown = true;
    if (this.bytesSinceLastIndexEntry > this.settings.indexIntervalBytes) {
      this.offsetIndex.append(b.lastOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += b.size;
  }

  /** Whether an offset fits this segment's relative (int32) offsets. */
  canHoldOffset(offset: number): boolean {
    const rel = offset - this.baseOffset;
    return rel >= 0 && rel <= INT32_MAX;
  }

  get indexFull(): boolean {
    return this.offsetIndex.isFull || this.timeIndex.isFull;
  }

  /** Called when the segment stops being active: final time-index entry, files trimmed. */
  async onBecomeInactive(): Promise<void> {
    await this.ensureIndexes();
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    await this.persistIndexes(false);
  }

  // ---- flush / close ---------------------------------------------------------------------------

  async persistIndexes(sync: boolean): Promise<void> {
    if (this.indexesLoaded) {
      await this.offsetIndex.persist(this.fsys, sync);
      await this.timeIndex.persist(this.fsys, sync);
    }
    // Loaded independently of the other two (only read_committed fetches and cleaning need it).
    await this.txnIndex.persist(this.fsys, sync);
  }

  /** Aborted transactions of this segment overlapping [fetchOffset, upperBoundOffset) (txn-index.ts). */
  async collectAbortedTxns(fetchOffset: number, upperBoundOffset: number): Promise<TxnIndexSearchResult> {
    await this.txnIndex.ensureLoaded(this.fsys);
    return this.txnIndex.collect(fetchOffset, upperBoundOffset);
  }

  /** fdatasync of the .log, then the indexes written and synced (Kafka: LogSegment.flush). */
  async flush(): Promise<void> {
    // A segment deleted meanwhile (retention, truncation) has nothing left to make durable.
    if (this.closed || this.deleted) return;
    const fd = await this.acquire();
    try {
      await this.fsys.datasync(fd);
    } catch (e) {
      throw storageError('fdatasync', this.logPath, e);
    } finally {
      this.release();
    }
    await this.persistIndexes(true);
  }

  /** Clean close: the final time-index entry (as Kafka's close), indexes written, fd closed. */
  async close(): Promise<void> {
    if (this.indexesLoaded && this.maxTimestampSoFar > this.timeIndex.lastTimestamp) {
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    }
    try {
      await this.persistIndexes(false);
    } finally {
      await this.closeFd();
    }
  }

  // ---- reads -----------------------------------------------------------------------------------

  /**
   * Reads whole batches starting with the one that contains `target`: see segment-read.ts.
   * Null when no such batch is in this segment.
   */
  read(
    target: number,
    maxBytes: number,
    maxPosition: number,
    upperOffset: number,
    minOneBatch: boolean,
    pool: ReadBufferPool | null = null,
    directIo: DirectIo | null = null,
    logEndPosition = Infinity,
  ): Promise<SegmentReadResult | null> {
    return readSegment(this, target, maxBytes, maxPosition, upperOffset, minOneBatch, pool, directIo, logEndPosition);
  }

  /**
   * Reads up to `len` bytes at `position` into `buf` with O_DIRECT and readahead
   * (direct-readahead.ts): one copy out of reused memory instead of filling page-cache pages.
   * Falls back to a buffered read where the filesystem has no direct I/O. The caller holds a
   * reference (acquire) and passes the buffered descriptor for that fallback.
   */
  async readAtDirect(fd: number, buf: Buffer, len: number, position: number, readahead: DirectReadahead): Promise<number> {
    this.readahead = readahead;
    let n: number;
    try {
      n = await readahead.read(this.directReader, buf, len, position, this.size);
    } catch (e) {
      throw storageError('read', this.logPath, e);
    }
    return n >= 0 ? n : this.readAt(fd, buf, len, position);
  }

  /** The O_DIRECT read descriptor, opened on first use; -1 where the filesystem refuses it. */
  private async directReadFd(): Promise<number> {
    if (this.directFd !== null) return this.directFd;
    this.directOpening ??= this.fsys.open(this.logPath, 'direct-read').then(
      (fd) => (this.directFd = fd),
      (e) => {
        // tmpfs and some other filesystems have no O_DIRECT; said once per process, not per segment.
        this.log[directReadRefusalLogged ? 'debug' : 'warn']({ err: e }, 'direct reads unavailable; reading through the page cache');
        directReadRefusalLogged = true;
        return (this.directFd = -1);
      },
    );
    return this.directOpening;
  }

  /** pread of up to `len` bytes (internal to the segment modules). */
  async readAt(fd: number, buf: Buffer, len: number, position: number): Promise<number> {
    try {
      return await readFully(this.fsys, fd, buf, 0, len, position);
    } catch (e) {
      throw storageError('read', this.logPath, e);
    }
  }

  /** Reads the header (61 bytes) of the batch at `position`; null past the end. */
  async readBatchHeaderAt(position: number): Promise<BatchSummary | null> {
    if (position + BATCH_HEADER_SIZE > this.size) return null;
    const fd = await this.acquire();
    try {
      const buf = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
      const n = await this.readAt(fd, buf, BATCH_HEADER_SIZE, position);
      if (checkBatchAt(buf, 0, n, false) === BatchCheck.CORRUPT) {
        throw new CorruptRecordError(`${this.logPath}: invalid batch header at position ${position}`);
      }
      return summarizeBatch(buf, 0, position);
    } finally {
      this.release();
    }
  }

  /** Reads `size` bytes at `position` (a whole batch the caller located). */
  async readBytesAt(position: number, size: number): Promise<Buffer> {
    invariant(position + size <= this.size, () => `read of ${size} bytes at ${position} past ${this.logPath} size ${this.size}`);
    const fd = await this.acquire();
    try {
      const buf = Buffer.allocUnsafe(size);
      const n = await this.readAt(fd, buf, size, position);
      if (n < size) throw new CorruptRecordError(`${this.logPath}: ${n} of ${size} bytes at ${position}`);
      return buf;
    } finally {
      this.release();
    }
  }

  /**
   * Position of the first batch whose last offset is >= `offset`, scanning headers from the
   * index entry; `size` when there is none (Kafka: translateOffset).
   */
  async positionOf(offset: number): Promise<{ position: number; batch: BatchSummary | null }> {
    await this.ensureIndexes();
    let pos = this.offsetIndex.lookupPosition(offset).position;
    while (pos < this.size) {
      const h = await this.readBatchHeaderAt(pos);
      if (!h) break;
      if (h.lastOffset >= offset) return { position: pos, batch: h };
      pos += h.size;
    }
    return { position: this.size, batch: null };
  }

  // ---- recovery / truncation -------------------------------------------------------------------

  /**
   * Rebuilds the indexes and counters by scanning every batch (length, magic, CRC, increasing
   * offsets), and truncates the file after the last valid batch (Kafka: LogSegment.recover).
   * `onBatch` sees each valid batch and its bytes, valid during the call (leader-epoch cache,
   * producer state). The transaction index is left alone: a caller replaying producer state
   * resets it first and rebuilds it from `onBatch`.
   */
  async recover(onBatch: ((b: BatchSummary, bytes: Buffer) => void) | null, keepSummaries = false): Promise<RecoveryResult> {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.offsetIndex.markRebuilt();
    this.timeIndex.markRebuilt();
    this.maxTimestampSoFar = NO_TIMESTAMP;
    this.offsetOfMaxTimestampSoFar = -1;
    this.rollingBasedTimestamp = NO_TIMESTAMP;
    this.bytesSinceLastIndexEntry = 0;
    const summaries: BatchSummary[] | null = keepSummaries ? [] : null;
    const fd = await this.acquire();
    try {
      const fileSize = (await this.fsys.fstat(fd)).size;
      let next = this.baseOffset;
      const savedSize = this.size;
      this.size = 0;
      const res = await scanFileBatches(
        this.fsys,
        fd,
        { from: 0, end: fileSize, checkCrc: true, maxBatchSize: this.settings.maxBatchSize },
        (b, bytes) => {
          if (b.baseOffset < next || !this.canHoldOffset(b.lastOffset)) return false;
          if (this.offsetIndex.isFull || this.timeIndex.isFull) return false;
          this.indexBatch(b, b.position);
          this.size = b.position + b.size;
          next = b.lastOffset + 1;
          onBatch?.(b, bytes);
          summaries?.push(b);
          return true;
        },
      );
      this.maxTimestampKnown = true;
      this.indexesLoaded = true;
      const truncated = fileSize - res.validEnd;
      if (truncated > 0) {
        this.log.warn(
          { validBytes: res.validEnd, fileSize, stop: res.stop, previousSize: savedSize },
          'truncating segment after its last valid batch',
        );
        try {
          await this.fsys.ftruncate(fd, res.validEnd);
        } catch (e) {
          throw storageError('truncate', this.logPath, e);
        }
      }
      this.size = res.validEnd;
      if (res.stop === ScanStop.END || truncated > 0) {
        // nothing more to do
      }
      return { truncatedBytes: truncated, nextOffset: next, batches: summaries };
    } finally {
      this.release();
    }
  }

  /**
   * Next offset after the last batch, scanning headers from the last index entry (Kafka:
   * readNextOffset). Returns null when the tail does not parse (the caller recovers).
   */
  async readNextOffset(): Promise<number | null> {
    await this.ensureIndexes();
    let pos = this.offsetIndex.lastPosition;
    let prevLast = this.baseOffset - 1;
    let next = this.offsetIndex.entries > 0 ? this.offsetIndex.lastOffset + 1 : this.baseOffset;
    const fd = await this.acquire();
    try {
      const header = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
      while (pos < this.size) {
        const n = await this.readAt(fd, header, BATCH_HEADER_SIZE, pos);
        if (n < BATCH_HEADER_SIZE) return null;
        if (checkBatchAt(header, 0, n, false, this.settings.maxBatchSize) === BatchCheck.CORRUPT) return null;
        const b = summarizeBatch(header, 0, pos);
        if (pos + b.size > this.size || b.baseOffset <= prevLast || !this.canHoldOffset(b.lastOffset)) return null;
        if (b.maxTimestamp > this.maxTimestampSoFar) {
          this.maxTimestampSoFar = b.maxTimestamp;
          this.offsetOfMaxTimestampSoFar = b.lastOffset;
        }
        prevLast = b.lastOffset;
        next = b.lastOffset + 1;
        pos += b.size;
      }
      this.maxTimestampKnown = true;
      this.bytesSinceLastIndexEntry = this.size - this.offsetIndex.lastPosition;
      return next;
    } finally {
      this.release();
    }
  }

  /**
   * Removes every batch whose last offset is >= `offset` (a batch straddling `offset` goes whole,
   * as in Kafka) and the index entries for them. Returns the bytes removed.
   */
  async truncateTo(offset: number): Promise<number> {
    await this.txnIndex.ensureLoaded(this.fsys);
    this.txnIndex.truncateTo(offset);
    const { position } = await this.positionOf(offset);
    if (position >= this.size) return 0;
    const removed = this.size - position;
    this.truncations++;
    this.readahead?.drop(this.directReader);
    const fd = await this.acquire();
    try {
      await this.fsys.ftruncate(fd, position);
    } catch (e) {
      throw storageError('truncate', this.logPath, e);
    } finally {
      this.release();
    }
    this.size = position;
    this.offsetIndex.truncateToPosition(position);
    this.timeIndex.truncateToOffset(offset);
    // Kafka resets the timestamps from the remaining time index.
    this.maxTimestampSoFar = this.timeIndex.lastTimestamp;
    this.offsetOfMaxTimestampSoFar = this.timeIndex.entries > 0 ? this.timeIndex.lastOffset : -1;
    this.bytesSinceLastIndexEntry = position - this.offsetIndex.lastPosition;
    if (position === 0) this.rollingBasedTimestamp = NO_TIMESTAMP;
    return removed;
  }

  // ---- timestamps ------------------------------------------------------------------------------

  /** Largest timestamp in the segment, or its last-modified time when none (Kafka: largestTimestamp). */
  async largestTimestamp(): Promise<number> {
    if (!this.maxTimestampKnown) await this.loadMaxTimestamp();
    return this.maxTimestampSoFar >= 0 ? this.maxTimestampSoFar : this.lastModifiedMs;
  }

  private async loadMaxTimestamp(): Promise<void> {
    // Reading only the time index's last entry avoids loading indexes of old segments.
    const last = await readLastTimeIndexEntry(this.fsys, this.timeIndex.path);
    if (last) {
      this.maxTimestampSoFar = last.timestamp;
      this.offsetOfMaxTimestampSoFar = this.baseOffset + last.relativeOffset;
    } else if (!this.indexesLoaded) {
      await this.ensureIndexes();
      if (this.timeIndex.entries === 0 && this.size > 0) await this.recover(null);
    }
    this.maxTimestampKnown = true;
  }

  // ---- files -----------------------------------------------------------------------------------

  private filePaths(deleted: boolean): string[] {
    const stem = joinPath(this.dir, offsetFileStem(this.baseOffset));
    return SEGMENT_FILE_SUFFIXES.map((s) => stem + s + (deleted ? DELETED_SUFFIX : ''));
  }

  /** Renames every file to `*.deleted` (Kafka's asynchronous delete, first step). */
  async markDeleted(): Promise<void> {
    if (this.deleted) return;
    const from = this.filePaths(false);
    const to = this.filePaths(true);
    for (let i = 0; i < from.length; i++) {
      await this.fsys.rename(from[i]!, to[i]!).catch((e: { code?: string }) => {
        if (e.code !== 'ENOENT') throw storageError('rename', from[i]!, e);
      });
    }
    this.deleted = true;
    this.offsetIndex.path = to[1]!;
    this.timeIndex.path = to[2]!;
    this.txnIndex.path = to[3]!;
  }

  /** Closes the descriptor (after readers finish) and unlinks every file. */
  async deleteFiles(): Promise<void> {
    this.indexesLoaded = false;
    await this.closeFd();
    for (const p of this.filePaths(this.deleted)) {
      await this.fsys.unlink(p).catch((e: { code?: string }) => {
        if (e.code !== 'ENOENT') throw storageError('delete', p, e);
      });
    }
  }
}

async function readLastTimeIndexEntry(
  fsys: LogFs,
  path: string,
): Promise<{ timestamp: number; relativeOffset: number } | null> {
  const st = await fsys.stat(path).catch(() => null);
  if (!st || st.size < TIME_INDEX_ENTRY_SIZE || st.size % TIME_INDEX_ENTRY_SIZE !== 0) return null;
  const fd = await fsys.open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(TIME_INDEX_ENTRY_SIZE);
    const n = await readFully(fsys, fd, buf, 0, TIME_INDEX_ENTRY_SIZE, st.size - TIME_INDEX_ENTRY_SIZE);
    if (n < TIME_INDEX_ENTRY_SIZE) return null;
    const hi = buf.readInt32BE(0);
    if (hi >= 0x200000 || hi < -0x200000) return null;
    return { timestamp: hi * 2 ** 32 + buf.readUInt32BE(4), relativeOffset: buf.readInt32BE(8) };
  } finally {
    await fsys.close(fd);
  }
}
