/**
 * Reading a segment for fetches: whole batches starting with the one that contains `target`
 * (the first batch whose last offset is >= target), up to `maxBytes` (the first batch whole
 * even if larger when `minOneBatch`, as Kafka since KIP-74), never past file position
 * `maxPosition` (the committed size) and only batches whose last offset is < `upperOffset`.
 *
 * One pread usually serves a fetch: from the offset-index entry at or below `target`, it covers
 * the header scan to the target (at most ~index.interval.bytes plus one batch) and the data
 * returned, which is a view of that read buffer (no further copy). With direct I/O, a large read
 * far behind the log's end goes through O_DIRECT and one copy (direct-io.ts).
 */
import { BATCH_HEADER_SIZE } from '../protocol/records/batch-header';
import { BatchCheck, checkBatchAt } from './batch-scan';
import { CorruptRecordError } from './errors';
import type { DirectIo } from './direct-io';
import { ReadBufferPool } from './read-buffer-pool';
import type { LogSegment, SegmentReadResult } from './segment';

/**
 * Reads whole batches starting with the one that contains `target` (the first batch whose last
 * offset is >= target), up to `maxBytes` (the first batch whole even if larger when
 * `minOneBatch`, as Kafka since KIP-74), never past file position `maxPosition` and only
 * batches whose last offset is < `upperOffset`. Null when no such batch is in this segment.
 */
export async function readSegment(
seg: LogSegment,
target: number,
  maxBytes: number,
  maxPosition: number,
  upperOffset: number,
  minOneBatch: boolean,
pool: ReadBufferPool | null,
  directIo: DirectIo | null = null,
  /** File position of the log's end in this segment (Infinity for a segment before the active one). */
  logEndPosition = Infinity,
): Promise<SegmentReadResult | null> {
  await seg.ensureIndexes();
  const start = seg.offsetIndex.lookupPosition(target).position;
  if (start >= maxPosition) return null;
  const alloc = (n: number): Buffer => (pool ? pool.alloc(n) : Buffer.allocUnsafe(n));
  const drop = (b: Buffer): void => pool?.release(b);
  const fd = await seg.acquire();
  let buf: Buffer | null = null;
  try {
    // One read usually covers the scan from the index entry (at most ~index.interval.bytes
    // plus one batch) and the data returned.
    const slack = seg.settings.indexIntervalBytes + 2 * BATCH_HEADER_SIZE;
    let bufPos = start;
    let bufLen = 0;
    let pos = start;
    // Phase 1: hop over batch headers to the batch containing target.
    for (;;) {
      if (pos >= maxPosition) return null;
      if (buf === null || pos - bufPos + BATCH_HEADER_SIZE > bufLen) {
        // Next header is outside the buffer: read afresh from it.
        if (buf) drop(buf);
        bufPos = pos;
        buf = alloc(Math.min(maxPosition - pos, maxBytes + slack));
        bufLen = await readBytes(seg, fd, buf, buf.length, pos, directIo, logEndPosition);
        if (bufLen < BATCH_HEADER_SIZE) {
          throw new CorruptRecordError(`${seg.logPath}: ${bufLen} bytes at position ${pos}, less than a batch header`);
        }
      }
      const off = pos - bufPos;
      if (checkBatchAt(buf, off, bufLen, false, seg.settings.maxBatchSize) === BatchCheck.CORRUPT) {
        throw new CorruptRecordError(`${seg.logPath}: invalid batch header at position ${pos} (reading offset ${target})`);
      }
      if (lastOffsetOf(buf, off) >= target) break;
      pos += buf.readInt32BE(off + 8) + 12;
    }
    // Phase 2: collect whole batches from pos.
    let off = pos - bufPos;
    const firstSize = buf.readInt32BE(off + 8) + 12;
    const budget = minOneBatch ? Math.max(maxBytes, firstSize) : maxBytes;
    if (lastOffsetOf(buf, off) >= upperOffset || pos + firstSize > maxPosition || firstSize > budget) {
      return null;
    }
    if (off + firstSize > bufLen) {
      // The first batch is not whole in the buffer: read it (and what follows within budget).
      drop(buf);
      const len = Math.min(maxPosition - pos, budget);
      buf = alloc(len);
      bufLen = await readBytes(seg, fd, buf, len, pos, directIo, logEndPosition);
      off = 0;
      if (bufLen < firstSize) throw new CorruptRecordError(`${seg.logPath}: batch at ${pos} cut short`);
    }
    const firstOffset = baseOffsetOf(buf, off);
    let end = off;
    let lastOffset = -1;
    while (end + BATCH_HEADER_SIZE <= bufLen) {
      const size = buf.readInt32BE(end + 8) + 12;
      if (size < BATCH_HEADER_SIZE || end + size > bufLen || end + size - off > budget) break;
      if (end > off && checkBatchAt(buf, end, bufLen, false, seg.settings.maxBatchSize) !== BatchCheck.OK) break;
      const l = lastOffsetOf(buf, end);
      if (l >= upperOffset) break;
      lastOffset = l;
      end += size;
    }
    const result = { records: buf.subarray(off, end), firstOffset, lastOffset, backing: buf };
    buf = null;
    return result;
  } finally {
    if (buf) drop(buf);
    seg.release();
  }
}

/** A pread; large ones far behind the log's end (a consumer catching up) bypass the page cache (direct-io.ts). */
function readBytes(seg: LogSegment, fd: number, buf: Buffer, len: number, at: number, directIo: DirectIo | null, logEndPosition: number): Promise<number> {
  return directIo?.readDirect(len, logEndPosition - at) ? seg.readAtDirect(fd, buf, len, at, directIo.readahead) : seg.readAt(fd, buf, len, at);
}

const lastOffsetOf = (buf: Buffer, off: number): number => baseOffsetOf(buf, off) + buf.readInt32BE(off + 23);

const baseOffsetOf = (buf: Buffer, off: number): number => buf.readInt32BE(off) * 2 ** 32 + buf.readUInt32BE(off + 4);

