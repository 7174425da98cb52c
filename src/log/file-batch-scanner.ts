/**
 * Sequential scan of the batches in a segment file, in large reads through one reused buffer:
 * used by recovery and index rebuilds. Every batch is framing-checked and (optionally)
 * CRC-checked before the visitor sees it; the scan stops at the first batch that is incomplete
 * (torn tail) or corrupt, and reports how many bytes were valid.
 */
import { BATCH_HEADER_SIZE } from '../protocol/records/batch-header';
import { BatchCheck, BatchSummary, checkBatchAt, summarizeBatch } from './batch-scan';
import { LogFs, readFully } from './log-fs';

export const ScanStop = { END: 'end', INCOMPLETE: 'incomplete', CORRUPT: 'corrupt', REJECTED: 'rejected' } as const;
export type ScanStopReason = (typeof ScanStop)[keyof typeof ScanStop];

export interface ScanResult {
  /** Bytes from `from` up to the end of the last accepted batch. */
  validEnd: number;
  stop: ScanStopReason;
  batches: number;
}

/**
 * Visitor for each valid batch; `bytes` is the whole batch (valid only during the call).
 * Returning false stops the scan and treats the batch as invalid (e.g. offsets going backwards).
 */
export type BatchVisitor = (batch: BatchSummary, bytes: Buffer) => boolean | void;

export interface ScanOptions {
  from: number;
  /** Scan up to this file position (the file size). */
  end: number;
  checkCrc: boolean;
  /** Largest batch accepted; anything claiming more is corrupt (bounds allocation). */
  maxBatchSize: number;
  chunkSize?: number;
}

export async function scanFileBatches(
  fsys: LogFs,
  fd: number,
  opts: ScanOptions,
  visit: BatchVisitor,
): Promise<ScanResult> {
  const chunkSize = opts.chunkSize ?? 1024 * 1024;
  let buf = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(opts.end - opts.from, BATCH_HEADER_SIZE)));
  let bufStart = opts.from; // file position of buf[0]
  let bufLen = 0;
  let pos = opts.from;
  let batches = 0;
  const maxSize = Math.min(opts.maxBatchSize, 0x7fffffff);

  while (pos < opts.end) {
    let off = pos - bufStart;
    // Make sure the header is in the buffer.
    if (off + BATCH_HEADER_SIZE > bufLen && bufStart + bufLen < opts.end) {
      bufLen = await refill(pos, Math.min(buf.length, opts.end - pos));
      off = 0;
    }
    let check = checkBatchAt(buf, off, bufLen, false, maxSize);
    if (check === BatchCheck.INCOMPLETE && bufStart + bufLen < opts.end) {
      // The batch continues past the buffer: read it whole (its size was bounded by maxSize),
      // unless it claims more than the file holds (a torn tail: nothing to read).
      const size = bufLen - off >= 12 ? buf.readInt32BE(off + 8) + 12 : BATCH_HEADER_SIZE;
      if (size > opts.end - pos) return { validEnd: pos, stop: ScanStop.INCOMPLETE, batches };
      if (size > buf.length) buf = Buffer.allocUnsafe(Math.min(Math.max(size, buf.length), maxSize));
      bufLen = await refill(pos, Math.min(buf.length, opts.end - pos));
      off = 0;
      check = checkBatchAt(buf, off, bufLen, false, maxSize);
    }
    if (check === BatchCheck.OK && opts.checkCrc) check = checkBatchAt(buf, off, bufLen, true, maxSize);
    if (check !== BatchCheck.OK) {
      return { validEnd: pos, stop: check === BatchCheck.INCOMPLETE ? ScanStop.INCOMPLETE : ScanStop.CORRUPT, batches };
    }
    const summary = summarizeBatch(buf, off, pos);
    if (visit(summary, buf.subarray(off, off + summary.size)) === false) {
      return { validEnd: pos, stop: ScanStop.REJECTED, batches };
    }
    batches++;
    pos += summary.size;
  }
  return { validEnd: pos, stop: ScanStop.END, batches };

  async function refill(at: number, len: number): Promise<number> {
    bufStart = at;
    return readFully(fsys, fd, buf, 0, len, at);
  }
}
