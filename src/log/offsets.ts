/**
 * Offsets in the log layer are JS numbers, deliberately: every offset and position is compared
 * and added on the hot path, and numbers are several times faster than bigint there. A number is
 * exact up to 2^53 - 1, which a partition would reach after ~285 years at a million records per
 * second; every offset read from disk or assigned is checked against that bound (OffsetOverflowError)
 * so the representation can never silently lose precision. Conversions to bigint happen at the
 * protocol boundary.
 *
 * Names (used consistently across src/log):
 *   logStartOffset   first offset readable (DeleteRecords / retention move it forward)
 *   lastStableOffset min(first offset of a transaction not yet decided below the HW, highWatermark)
 *   highWatermark    first offset not yet replicated to the ISR (Log.updateHighWatermark; the
 *                    log end offset until the partition layer sets it)
 *   logEndOffset     offset the next appended record gets (LEO)
 *   recoveryPoint    offsets below it are known to be fsynced
 *   baseOffset       first offset of a batch or of a segment
 *   lastOffset       last offset of a batch (baseOffset + lastOffsetDelta)
 * Invariant: logStartOffset <= lastStableOffset <= highWatermark <= logEndOffset.
 */
import { invariant } from '../util/invariant';
import { OffsetOverflowError } from './errors';

export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;
const TWO_32 = 2 ** 32;

/** Reads a big-endian int64 as a number; throws if it is outside ±(2^53 - 1). */
export function readInt64(buf: Buffer, off: number): number {
  const hi = buf.readInt32BE(off);
  const lo = buf.readUInt32BE(off + 4);
  // |hi| < 2^21 keeps hi * 2^32 + lo within the safe range.
  if (hi >= 0x200000 || hi < -0x200000) {
    throw new OffsetOverflowError(`int64 at byte ${off} is outside the exact range of a JS number`);
  }
  return hi * TWO_32 + lo;
}

/** Like readInt64 but returns NaN instead of throwing (for scanning untrusted bytes). */
export function readInt64OrNaN(buf: Buffer, off: number): number {
  const hi = buf.readInt32BE(off);
  if (hi >= 0x200000 || hi < -0x200000) return NaN;
  return hi * TWO_32 + buf.readUInt32BE(off + 4);
}

/** Writes a safe integer as a big-endian int64. */
export function writeInt64(buf: Buffer, value: number, off: number): void {
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, off);
  buf.writeUInt32BE(value - hi * TWO_32, off + 4);
}

export function checkOffset(offset: number, what: string): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new OffsetOverflowError(`${what} ${offset} is not an offset in [0, 2^53 - 1]`);
  }
}

export interface OffsetBounds {
  logStartOffset: number;
  lastStableOffset: number;
  highWatermark: number;
  logEndOffset: number;
}

/** The executable form of the offset invariant. */
export function assertOffsetOrder(o: OffsetBounds): void {
  invariant(
    o.logStartOffset <= o.lastStableOffset &&
      o.lastStableOffset <= o.highWatermark &&
      o.highWatermark <= o.logEndOffset,
    () =>
      `offset order violated: logStartOffset=${o.logStartOffset} lastStableOffset=${o.lastStableOffset} ` +
      `highWatermark=${o.highWatermark} logEndOffset=${o.logEndOffset}`,
  );
}

/** 20-digit zero-padded file name stem for a segment base offset (Kafka: LogFileUtils.filenamePrefixFromOffset). */
export const offsetFileStem = (offset: number): string => String(offset).padStart(20, '0');
