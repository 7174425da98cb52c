/**
 * One compaction pass over one log (Kafka: LogCleaner's Cleaner.doClean), in three steps:
 *
 *  1. Offset map: the dirty section [firstDirtyOffset, firstUncleanableOffset) is read and the
 *     latest offset of every key recorded, until the bounded map is full (then the pass covers
 *     less and the next pass continues).
 *  2. Copy: every segment below the map's end (clean ones too), grouped so a group fits one
 *     segment, is rewritten to `<base>.log.cleaned`, keeping a record only if it is the latest
 *     for its key (records without a key are dropped, as in Kafka) and, for a tombstone, its
 *     batch's delete horizon (KIP-534: set to now + delete.retention.ms the first time the
 *     tombstone is cleaned) has not passed. Offsets never change: kept records keep their
 *     offsets, a rebuilt batch keeps its base offset, lastOffsetDelta, producer fields, epoch and
 *     codec, and a batch with nothing removed is copied byte for byte.
 *  3. Swap, in the log's serial queue: `.cleaned` → `.swap` (the commit point, fsynced first),
 *     old segments → `.deleted`, `.swap` → `.log`. A crash at any step is finished by the loader.
 *
 * Transactions (Kafka's rules, see cleaned-txn-metadata.ts): nothing at or past the last
 * stable offset is cleaned, so every transaction met is decided. Batches of aborted
 * transactions (known from the transaction indexes) are removed whatever their keys, and never
 * enter the offset map; committed transactional records are compacted like any other. A marker
 * stays while the pass still saw data of its transaction; after that it gets a delete horizon
 * and goes in a pass after it. The last batch of each active producer (its last sequence, or
 * its last marker: its epoch) is kept, emptied if none of its records remain (Kafka:
 * RETAIN_EMPTY), and so is the last batch before the cleaning bound. The cleaned segment gets
 * the transaction index entries of the aborted transactions whose markers it keeps.
 */
import { Attr, BATCH_HEADER_SIZE, CRC_OFFSET, LOG_OVERHEAD, buildRecordBatch, computeBatchCrc, iterateRecords, readRecords } from '../../protocol/records';
import type { DecodedRecord, RecordInput } from '../../protocol/records';
import { invariant } from '../../util/invariant';
import { Logger } from '../../util/logger';
import { BatchSummary, isControlBatch, isTransactionalBatch } from '../batch-scan';
import { CorruptRecordError, storageError } from '../errors';
import { ScanStop, scanFileBatches } from '../file-batch-scanner';
import { LogConfig } from '../log-config';
import { LogFs, joinPath, writeFully } from '../log-fs';
import { Log } from '../log';
import { offsetFileStem } from '../offsets';
import { CLEANED_SUFFIX, SWAP_SUFFIX } from '../log-loader';
import { LogSegment, SegmentFile } from '../segment';
import { readProducerBatch } from '../producer-append-info';
import type { LastProducerRecord } from '../producer-state-manager';
import { AbortedTxn, encodeAbortedTxns } from '../txn-index';
import { CleanedTransactionMetadata } from './cleaned-txn-metadata';
import { OffsetMap } from './offset-map';

export interface CleanOptions {
  fs: LogFs;
  map: OffsetMap;
  nowMs: number;
  /** Where the previous pass stopped (cleaner-offset-checkpoint); the log start if unknown. */
  firstDirtyOffset: number;
  /** Exclusive bound (high watermark); the log's last stable offset bounds it too. */
  upperBoundOffset?: number;
  log: Logger;
  /**
   * Also run when nothing is dirty: rewrites the clean section to drop tombstones whose delete
   * horizon passed (Kafka schedules such logs too, KIP-534).
   */
  expireTombstones?: boolean;
}

export interface CleanResult {
  /** The next pass starts here (new cleaner checkpoint). */
  endOffset: number;
  segmentsCleaned: number;
  bytesRead: number;
  bytesWritten: number;
  recordsRemoved: number;
  /** Earliest delete horizon of the tombstones kept (Infinity if none): clean again after it. */
  nextDeleteHorizon: number;
}

export interface CleanableRange {
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
  cleanBytes: number;
  dirtyBytes: number;
  dirtyRatio: number;
}

/** The dirty section and its ratio (Kafka: LogCleanerManager.cleanableOffsets / LogToClean). */
export async function cleanableRange(log: Log, firstDirty: number, nowMs: number, upperBound?: number): Promise<CleanableRange> {
  const segs = log.segments;
  const active = segs[segs.length - 1]!;
  const firstDirtyOffset = Math.max(firstDirty, log.logStartOffset);
  // Never past the LSO: everything cleaned is decided (Kafka: firstUncleanableOffset).
  let firstUncleanable = Math.min(active.baseOffset, upperBound ?? log.logEndOffset, log.lastStableOffset);
  const lag = log.config['min.compaction.lag.ms'];
  let cleanBytes = 0;
  let dirtyBytes = 0;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i]!;
    const end = segs[i + 1]!.baseOffset;
    if (seg.baseOffset >= firstUncleanable) break;
    if (end <= firstDirtyOffset) {
      cleanBytes += seg.size;
      continue;
    }
    if (lag > 0 && (await seg.largestTimestamp()) > nowMs - lag) {
      firstUncleanable = Math.min(firstUncleanable, seg.baseOffset);
      break;
    }
    dirtyBytes += seg.size;
  }
  const total = cleanBytes + dirtyBytes;
  return {
    firstDirtyOffset,
    firstUncleanableOffset: Math.max(firstUncleanable, firstDirtyOffset),
    cleanBytes,
    dirtyBytes,
    dirtyRatio: total === 0 ? 0 : dirtyBytes / total,
  };
}

/** Bytes of a segment read per scan window (bounds the cleaner's buffers). */
const WINDOW_BYTES = 4 * 1024 * 1024;

/** Runs one pass; null when there is nothing dirty to clean. */
export async function cleanLog(log: Log, o: CleanOptions): Promise<CleanResult | null> {
  const range = await cleanableRange(log, o.firstDirtyOffset, o.nowMs, o.upperBoundOffset);
  const dirty = range.firstDirtyOffset < range.firstUncleanableOffset;
  if (!dirty && !o.expireTombstones) return null;
  const stats: CleanResult = {
    endOffset: range.firstDirtyOffset,
    segmentsCleaned: 0,
    bytesRead: 0,
    bytesWritten: 0,
    recordsRemoved: 0,
    nextDeleteHorizon: Infinity,
  };

  // 1. Offset map over the dirty section (aborted data and markers left out).
  o.map.clear();
  const segs = log.segments.slice(0, -1).filter((s) => !s.deleted);
  let endOffset = range.firstDirtyOffset;
  let full = false;
  const mapTxns = new CleanedTransactionMetadata();
  if (dirty) mapTxns.addAbortedTransactions(await log.collectAbortedTransactions(range.firstDirtyOffset, range.firstUncleanableOffset));
  for (const seg of segs) {
    const segEnd = nextBase(log, seg);
    if (segEnd <= range.firstDirtyOffset) continue;
    if (!dirty || seg.baseOffset >= range.firstUncleanableOffset || full) break;
    await forEachBatch(o.fs, seg, (b, bytes) => {
      if (full) return false;
      if (b.lastOffset >= range.firstUncleanableOffset) return false;
      const pid = bytes.readBigInt64BE(PRODUCER_ID_AT);
      const skip = isControlBatch(b.attributes)
        ? (mapTxns.onControlBatchRead(pid, b.lastOffset, markerTypeOf(b, bytes)), true)
        : mapTxns.onBatchRead(pid, b.lastOffset, isTransactionalBatch(b.attributes));
      if (b.lastOffset < range.firstDirtyOffset || skip) {
        endOffset = Math.max(endOffset, b.lastOffset + 1);
        return true;
      }
      if (b.recordCount > o.map.room) {
        full = true;
        return false;
      }
      for (const r of iterateRecords(bytes, 0)) {
        const off = Number(r.offset);
        if (r.key !== null && off >= range.firstDirtyOffset) o.map.put(r.key, off);
      }
      endOffset = b.lastOffset + 1;
      return true;
    });
    if (!full) endOffset = Math.max(endOffset, Math.min(segEnd, range.firstUncleanableOffset));
  }
  stats.endOffset = endOffset;
  if (dirty && endOffset <= range.firstDirtyOffset) return stats;

  // 2. Copy, group by group; 3. swap. One transaction state for the whole pass, in log order.
  const ctx: CleanContext = {
    o,
    deleteRetentionMs: log.config['delete.retention.ms'],
    txns: new CleanedTransactionMetadata(),
    lastRecords: log.lastRecordsOfActiveProducers(),
    roundUpperBound: range.firstUncleanableOffset,
    stats,
  };
  for (const group of groupSegments(log, segs.filter((s) => s.baseOffset < endOffset), log.config)) {
    ctx.lastRecords = log.lastRecordsOfActiveProducers();
    const done = await cleanGroup(log, group, ctx);
    if (!done) break;
    stats.segmentsCleaned += group.length;
  }
  return stats;
}

function nextBase(log: Log, seg: LogSegment): number {
  const segs = log.segments;
  const i = segs.indexOf(seg);
  return i >= 0 && i + 1 < segs.length ? segs[i + 1]!.baseOffset : log.logEndOffset;
}

/** Consecutive segments whose total size fits a segment (Kafka: groupSegmentsBySize). */
function groupSegments(log: Log, segs: LogSegment[], c: Readonly<LogConfig>): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let cur: LogSegment[] = [];
  let bytes = 0;
  for (const s of segs) {
    const fitsOffsets = cur.length === 0 || nextBase(log, s) - 1 - cur[0]!.baseOffset <= 0x7fffffff;
    if (cur.length > 0 && (bytes + s.size > c['segment.bytes'] || !fitsOffsets)) {
      groups.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(s);
    bytes += s.size;
  }
  if (cur.length) groups.push(cur);
  return groups;
}

/**
 * Visits every batch of a segment with its bytes (valid only during the call), in windows of
 * about WINDOW_BYTES: after each window `afterWindow` runs (and may await, e.g. to write
 * output), so memory stays bounded whatever the segment size, and the event loop gets turns.
 */
async function forEachBatch(
  fsys: LogFs,
  seg: LogSegment,
  visit: (b: BatchSummary, bytes: Buffer) => boolean,
  afterWindow: () => Promise<void> = async () => undefined,
): Promise<void> {
  const fd = await seg.acquire();
  try {
    let pos = 0;
    let window = WINDOW_BYTES;
    let stopped = false;
    while (pos < seg.size && !stopped) {
      const end = Math.min(seg.size, pos + window);
      const res = await scanFileBatches(fsys, fd, { from: pos, end, checkCrc: false, maxBatchSize: 0x7fffffff }, (b, bytes) => {
        if (!visit(b, bytes)) stopped = true;
        return !stopped;
      });
      if (res.stop === ScanStop.CORRUPT) throw new CorruptRecordError(`${seg.logPath}: corrupt batch at ${res.validEnd}`);
      if (res.validEnd === pos && !stopped) {
        // A batch larger than the window: widen it (its size was checked against the file).
        if (end >= seg.size) throw new CorruptRecordError(`${seg.logPath}: incomplete batch at ${pos}`);
        window *= 2;
        continue;
      }
      pos = res.validEnd;
      window = WINDOW_BYTES;
      await afterWindow();
    }
  } finally {
    seg.release();
  }
}

const PRODUCER_ID_AT = 43;

interface CleanContext {
  o: CleanOptions;
  deleteRetentionMs: number;
  txns: CleanedTransactionMetadata;
  /** Per active producer: its last data offset (-1 if none) and epoch. */
  lastRecords: Map<bigint, LastProducerRecord>;
  /** The last batch before this offset is kept even if emptied (Kafka: upperBoundOffsetOfCleaningRound). */
  roundUpperBound: number;
  stats: CleanResult;
}

/** The control type of a control batch's record, null when it has none (emptied before). */
function markerTypeOf(b: BatchSummary, bytes: Buffer): number | null {
  if (b.recordCount <= 0) return null;
  try {
    const pb = readProducerBatch(bytes, 0, b.baseOffset, b.lastOffset, b.maxTimestamp);
    if (pb?.marker) return pb.marker.type;
  } catch {
    // An undecodable control record is kept as it is.
  }
  return -1;
}

/** A header-only copy of a batch with no records (Kafka: DefaultRecordBatch.writeEmptyHeader). */
function emptyBatch(b: BatchSummary, bytes: Buffer): Buffer {
  const out = Buffer.from(bytes.subarray(0, BATCH_HEADER_SIZE));
  out.writeInt32BE(BATCH_HEADER_SIZE - LOG_OVERHEAD, 8);
  out.writeInt16BE(b.attributes & (Attr.TIMESTAMP_TYPE | Attr.TRANSACTIONAL | Attr.CONTROL), 21);
  out.writeBigInt64BE(BigInt(b.maxTimestamp), 27);
  out.writeBigInt64BE(BigInt(b.maxTimestamp), 35);
  out.writeInt32BE(0, 57);
  out.writeUInt32BE(computeBatchCrc(out, 0, BATCH_HEADER_SIZE), CRC_OFFSET);
  return out;
}

/** Decides which records of a batch stay; returns the bytes to write (or null to drop it). */
function cleanBatch(b: BatchSummary, bytes: Buffer, ctx: CleanContext): Buffer | null {
  const { o, stats } = ctx;
  const nowMs = o.nowMs;
  const pid = bytes.readBigInt64BE(PRODUCER_ID_AT);
  const epoch = bytes.readInt16BE(51);
  const isControl = isControlBatch(b.attributes);
  const horizon = (b.attributes & Attr.DELETE_HORIZON) !== 0 ? Number(bytes.readBigInt64BE(27)) : null;
  const canDiscard = isControl
    ? ctx.txns.onControlBatchRead(pid, b.lastOffset, markerTypeOf(b, bytes))
    : ctx.txns.onBatchRead(pid, b.lastOffset, isTransactionalBatch(b.attributes));
  // A marker goes only once its delete horizon passed (Kafka piggy-backs on tombstone retention).
  const discardRecords = isControl ? canDiscard && horizon !== null && horizon <= nowMs : canDiscard;
  const last = pid !== -1n ? ctx.lastRecords.get(pid) : undefined;
  const lastOfProducer =
    last !== undefined && (last.lastDataOffset >= 0 ? b.lastOffset === last.lastDataOffset : isControl && epoch === last.producerEpoch);
  const retainEmpty = lastOfProducer || b.lastOffset + 1 === ctx.roundUpperBound;
  if (discardRecords && !retainEmpty) {
    stats.recordsRemoved += Math.max(0, b.recordCount);
    return null;
  }
  const records = readRecords(bytes, 0);
  const kept: DecodedRecord[] = [];
  if (!discardRecords) {
    for (const r of records) {
      if (isControl) {
        kept.push(r);
        continue;
      }
      if (r.key === null) continue;
      const latest = o.map.get(r.key);
      if (Number(r.offset) < latest) continue;
      if (r.value === null && horizon !== null && nowMs >= horizon) continue;
      kept.push(r);
    }
  }
  stats.recordsRemoved += records.length - kept.length;
  if (kept.length === 0) return retainEmpty && b.recordCount > 0 ? emptyBatch(b, bytes) : retainEmpty ? bytes : null;
  const hasTombstone = !isControl && kept.some((r) => r.value === null);
  // A horizon is set once, for tombstones or for a marker whose transaction is gone.
  const needHorizon = (hasTombstone || (isControl && canDiscard)) && horizon === null;
  const newHorizon = needHorizon ? nowMs + ctx.deleteRetentionMs : (horizon ?? undefined);
  if (newHorizon !== undefined && (hasTombstone || isControl)) stats.nextDeleteHorizon = Math.min(stats.nextDeleteHorizon, newHorizon);
  if (kept.length === records.length && !needHorizon) return bytes;
  const baseOffset = b.baseOffset;
  const logAppendTime = (b.attributes & Attr.TIMESTAMP_TYPE) !== 0;
  const input: RecordInput[] = kept.map((r) => ({
    key: r.key,
    value: r.value,
    headers: r.headers,
    timestamp: r.timestamp,
    offsetDelta: Number(r.offset) - baseOffset,
  }));
  return buildRecordBatch({
    records: input,
    baseOffset: BigInt(baseOffset),
    compression: (b.attributes & Attr.COMPRESSION_MASK) as 0 | 1 | 2 | 3 | 4,
    producerId: pid,
    producerEpoch: epoch,
    baseSequence: bytes.readInt32BE(53),
    transactional: isTransactionalBatch(b.attributes),
    control: isControl,
    partitionLeaderEpoch: b.partitionLeaderEpoch,
    lastOffsetDelta: b.lastOffset - baseOffset,
    ...(logAppendTime ? { timestampType: 1 as never, logAppendTime: b.maxTimestamp } : {}),
    ...(newHorizon !== undefined ? { deleteHorizonMs: newHorizon } : {}),
  });
}

/** Rewrites one group into a `.cleaned` file and swaps it in. False if the log changed under it. */
async function cleanGroup(log: Log, group: LogSegment[], ctx: CleanContext): Promise<boolean> {
  const { o, stats } = ctx;
  const base = group[0]!.baseOffset;
  const stem = joinPath(log.dir, offsetFileStem(base));
  const cleanedPath = stem + SegmentFile.LOG + CLEANED_SUFFIX;
  const swapPath = stem + SegmentFile.LOG + SWAP_SUFFIX;
  const txnCleanedPath = stem + SegmentFile.TXN_INDEX + CLEANED_SUFFIX;
  const txnSwapPath = stem + SegmentFile.TXN_INDEX + SWAP_SUFFIX;
  const txnEntries: AbortedTxn[] = [];
  ctx.txns.cleanedIndex = txnEntries;
  const fd = await o.fs.open(cleanedPath, 'w+').catch((e) => {
    throw storageError('create', cleanedPath, e);
  });
  let position = 0;
  let out: Buffer[] = [];
  let outBytes = 0;
  const drainOut = async (): Promise<void> => {
    if (outBytes === 0) return;
    await writeFully(o.fs, fd, out, position);
    position += outBytes;
    out = [];
    outBytes = 0;
  };
  try {
    for (const seg of group) {
      stats.bytesRead += seg.size;
      // The whole segment's range: the cleaned segment's transaction index is rebuilt whole.
      ctx.txns.addAbortedTransactions(await log.collectAbortedTransactions(seg.baseOffset, nextBase(log, seg)));
      await forEachBatch(
        o.fs,
        seg,
        (b, bytes) => {
          const res = cleanBatch(b, bytes, ctx);
          if (res) {
            // The scanner reuses its buffer: copy what is kept as it is.
            out.push(res === bytes ? Buffer.from(bytes) : res);
            outBytes += res.length;
          }
          return true;
        },
        drainOut,
      );
    }
    await drainOut();
    await o.fs.fsync(fd);
    if (txnEntries.length > 0) await writeSyncedFile(o.fs, txnCleanedPath, encodeAbortedTxns(txnEntries));
  } catch (e) {
    await o.fs.close(fd).catch(() => undefined);
    await o.fs.unlink(cleanedPath).catch(() => undefined);
    await o.fs.unlink(txnCleanedPath).catch(() => undefined);
    throw e;
  } finally {
    ctx.txns.cleanedIndex = null;
  }
  await o.fs.close(fd);
  stats.bytesWritten += position;

  return log.runExclusive(async () => {
    const segs = log.segments;
    const at = segs.indexOf(group[0]!);
    if (at < 0 || !group.every((s, j) => segs[at + j] === s && !s.deleted) || at + group.length >= segs.length) {
      // Truncated, deleted or rolled under us: drop the work.
      await o.fs.unlink(cleanedPath).catch(() => undefined);
      await o.fs.unlink(txnCleanedPath).catch(() => undefined);
      return false;
    }
    // The transaction index is in place as .swap before the commit point (the .log.swap rename).
    if (txnEntries.length > 0) await o.fs.rename(txnCleanedPath, txnSwapPath);
    await o.fs.rename(cleanedPath, swapPath);
    await o.fs.syncDir(log.dir);
    for (const s of group) await s.markDeleted();
    await o.fs.rename(swapPath, stem + SegmentFile.LOG);
    if (txnEntries.length > 0) await o.fs.rename(txnSwapPath, stem + SegmentFile.TXN_INDEX);
    await o.fs.syncDir(log.dir);
    const st = await o.fs.stat(stem + SegmentFile.LOG);
    invariant(st !== null && st.size === position, () => `cleaned segment ${stem} has ${st?.size} bytes, wrote ${position}`);
    const replacement = LogSegment.existing(o.fs, log.dir, base, log.segmentSettings(), position, st.mtimeMs);
    await log.replaceSegments(group, replacement);
    o.log.info({ partition: log.key, baseOffset: base, segments: group.length, bytes: position }, 'cleaned segments');
    return true;
  });
}

async function writeSyncedFile(fsys: LogFs, path: string, data: Buffer): Promise<void> {
  const fd = await fsys.open(path, 'w+').catch((e) => {
    throw storageError('create', path, e);
  });
  try {
    await writeFully(fsys, fd, [data], 0);
    await fsys.fsync(fd);
  } finally {
    await fsys.close(fd);
  }
}
