/**
 * Walking magic-2 record batches laid end to end in a buffer (a segment's bytes, a fetch's
 * bytes, a produce request's bytes) by their headers only: sizes, offsets, timestamps, CRC.
 * Records are never decoded here. Layout: see src/protocol/records/batch-header.ts.
 */
import {
  ATTRIBUTES_OFFSET,
  Attr,
  BATCH_HEADER_SIZE,
  CRC_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  computeBatchCrc,
} from '../protocol/records/batch-header';
import { readInt64OrNaN } from './offsets';

export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const RECORD_COUNT_OFFSET = 57;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;

/** Header fields of one batch as numbers (offsets exact; see offsets.ts). */
export interface BatchSummary {
  /** Byte position of the batch in the scanned buffer or file. */
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  partitionLeaderEpoch: number;
  magic: number;
  attributes: number;
  maxTimestamp: number;
  recordCount: number;
}

export const BatchCheck = {
  OK: 0,
  /** Fewer bytes than the header or than the batch's own length: a torn tail or a read cut short. */
  INCOMPLETE: 1,
  /** Size, magic, offset or CRC checks fail. */
  CORRUPT: 2,
} as const;
export type BatchCheckResult = (typeof BatchCheck)[keyof typeof BatchCheck];

/** Size of the batch at `off`, or -1 if fewer than 12 bytes remain. */
export function batchSizeAt(buf: Buffer, off: number, end = buf.length): number {
  if (end - off < LOG_OVERHEAD) return -1;
  return buf.readInt32BE(off + 8) + LOG_OVERHEAD;
}

/**
 * Checks the framing of the batch at `off` (and its CRC when `checkCrc`) without trusting any
 * field: the length must cover a full header and fit `maxSize`, the magic must be 2, offsets must
 * be representable and lastOffsetDelta non-negative.
 */
export function checkBatchAt(
  buf: Buffer,
  off: number,
  end: number,
  checkCrc: boolean,
  maxSize = 0x7fffffff,
): BatchCheckResult {
  const avail = end - off;
  if (avail < LOG_OVERHEAD) return BatchCheck.INCOMPLETE;
  const size = buf.readInt32BE(off + 8) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE || size > maxSize) return BatchCheck.CORRUPT;
  if (avail < BATCH_HEADER_SIZE) {
    // Magic is at byte 16: check it when it is there, so garbage is told from a torn header.
    if (avail > MAGIC_OFFSET && buf[off + MAGIC_OFFSET] !== 2) return BatchCheck.CORRUPT;
    return BatchCheck.INCOMPLETE;
  }
  if (buf[off + MAGIC_OFFSET] !== 2) return BatchCheck.CORRUPT;
  const base = readInt64OrNaN(buf, off);
  if (!(base >= 0)) return BatchCheck.CORRUPT;
  const delta = buf.readInt32BE(off + LAST_OFFSET_DELTA_OFFSET);
  if (delta < 0 || !Number.isSafeInteger(base + delta)) return BatchCheck.CORRUPT;
  if (avail < size) return BatchCheck.INCOMPLETE;
  if (checkCrc && computeBatchCrc(buf, off, size) !== buf.readUInt32BE(off + CRC_OFFSET)) return BatchCheck.CORRUPT;
  return BatchCheck.OK;
}

/** Reads the header of a batch that checkBatchAt accepted. */
export function summarizeBatch(buf: Buffer, off: number, position = off): BatchSummary {
  const baseOffset = readInt64OrNaN(buf, off);
  const maxTs = readInt64OrNaN(buf, off + MAX_TIMESTAMP_OFFSET);
  return {
    position,
    size: buf.readInt32BE(off + 8) + LOG_OVERHEAD,
    baseOffset,
    lastOffset: baseOffset + buf.readInt32BE(off + LAST_OFFSET_DELTA_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(off + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf[off + MAGIC_OFFSET]!,
    attributes: buf.readInt16BE(off + ATTRIBUTES_OFFSET),
    // A timestamp beyond +/-2^53 ms is not a real time; treat it as "no timestamp".
    maxTimestamp: Number.isNaN(maxTs) ? -1 : maxTs,
    recordCount: buf.readInt32BE(off + RECORD_COUNT_OFFSET),
  };
}

export const lastOffsetAt = (buf: Buffer, off: number): number =>
  readInt64OrNaN(buf, off) + buf.readInt32BE(off + LAST_OFFSET_DELTA_OFFSET);

export const baseOffsetAt = (buf: Buffer, off: number): number => readInt64OrNaN(buf, off);

export const isControlBatch = (attributes: number): boolean => (attributes & Attr.CONTROL) !== 0;
export const isTransactionalBatch = (attributes: number): boolean => (attributes & Attr.TRANSACTIONAL) !== 0;
