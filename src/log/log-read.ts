/**
 * Reading a log (Kafka: UnifiedLog.read / LocalLog.read): whole batches from the one holding the
 * fetch offset, up to a byte budget and an exclusive upper offset (the high watermark or, for
 * read_committed, the last stable offset, as the caller chooses), and for read_committed the
 * aborted transactions the returned batches overlap (from the segments' transaction indexes).
 *
 * Reads do not queue: they take a snapshot of the segment list and offsets and read committed
 * bytes only (see log.ts).
 */
import { OffsetOutOfRangeError } from './errors';
import type { Log } from './log';
import { ReadOptions, ReadResult, floorSegment } from './log-types';
import { OffsetBounds, assertOffsetOrder } from './offsets';
import { ReadBufferPool } from './read-buffer-pool';
import { LogSegment } from './segment';
import { AbortedTxn } from './txn-index';

const EMPTY = Buffer.alloc(0);
const noop = (): void => undefined;

/**
 * Results are written out as object literals, not `{ ...bounds, records, ... }`: on Node 20 a
 * spread followed by more properties cost ~4 µs and ~1 KiB of garbage more per call than the
 * literal, and a tailing consumer's fetch reads every partition it follows (bench/README.md).
 */
function readResult(b: OffsetBounds, records: Buffer, firstOffset: number, release: () => void): ReadResult {
  return {
    logStartOffset: b.logStartOffset,
    lastStableOffset: b.lastStableOffset,
    highWatermark: b.highWatermark,
    logEndOffset: b.logEndOffset,
    records,
    firstOffset,
    release,
  };
}

export async function readLog(log: Log, pool: ReadBufferPool, fetchOffset: number, opts: ReadOptions): Promise<ReadResult> {
  const segs = log.segments;
  const logStartOffset = log.logStartOffset;
  const logEndOffset = log.logEndOffset;
  const highWatermark = opts.highWatermark ?? log.highWatermark;
  const unstable = log.firstUnstableOffset;
  const lastStableOffset = opts.lastStableOffset ?? (unstable !== null && unstable < highWatermark ? unstable : highWatermark);
  const bounds = { logStartOffset, lastStableOffset, highWatermark, logEndOffset };
  assertOffsetOrder(bounds);
  if (fetchOffset < logStartOffset || fetchOffset > logEndOffset) {
    throw new OffsetOutOfRangeError(`offset ${fetchOffset} is outside [${logStartOffset}, ${logEndOffset}] of ${log.key}`);
  }
  const upper = Math.min(opts.upperBoundOffset ?? logEndOffset, logEndOffset);
  if (fetchOffset >= upper) return emptyResult(bounds, opts);
  for (let i = floorSegment(segs, fetchOffset); i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg.deleted) continue;
    const logEndPosition = i === segs.length - 1 ? seg.size : Infinity;
    const res = await seg.read(fetchOffset, opts.maxBytes, seg.size, upper, opts.minOneBatch ?? true, pool, log.directIo, logEndPosition);
    if (!res) continue;
    let released = false;
    const out = readResult(bounds, res.records, res.firstOffset, () => {
      if (!released) pool.release(res.backing);
      released = true;
    });
    if (opts.includeAbortedTransactions) {
      // Kafka bounds the search by the fetched data; the exact end of what was read is tighter.
      try {
        const aborted = await collectAbortedTransactions(segs, fetchOffset, res.lastOffset + 1);
        out.abortedTransactions = aborted.map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
      } catch (e) {
        out.release();
        throw e;
      }
    }
    return out;
  }
  return emptyResult(bounds, opts);
}

function emptyResult(bounds: OffsetBounds, opts: ReadOptions): ReadResult {
  const r = readResult(bounds, EMPTY, -1, noop);
  if (opts.includeAbortedTransactions) r.abortedTransactions = [];
  return r;
}

/**
 * Aborted transactions overlapping [fetchOffset, upperBoundOffset), from the transaction index
 * of the segment holding `fetchOffset` on, until one says the search is complete (Kafka:
 * LocalLog.collectAbortedTransactions). A transaction's entry is in the segment of its marker,
 * which is never before the segment of any of its batches.
 */
export async function collectAbortedTransactions(
  segs: readonly LogSegment[],
  fetchOffset: number,
  upperBoundOffset: number,
): Promise<AbortedTxn[]> {
  const out: AbortedTxn[] = [];
  for (let i = floorSegment(segs, fetchOffset); i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg.deleted) continue;
    const r = await seg.collectAbortedTxns(fetchOffset, upperBoundOffset);
    out.push(...r.abortedTransactions);
    if (r.isComplete) break;
  }
  return out;
}
