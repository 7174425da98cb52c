/**
 * One legacy (magic 0/1) log entry, Kafka's LegacyRecord behind an offset/size prefix:
 *
 *   offset int64, size int32 (bytes that follow), then the message:
 *   crc uint32    CRC-32 (IEEE, java.util.zip.CRC32) of magic..end
 *   magic int8    0 or 1
 *   attributes    int8: bits 0-2 codec, bit 3 timestamp type (magic 1 only)
 *   timestamp     int64, magic 1 only (-1 = none)
 *   key           int32 length (-1 = null) + bytes
 *   value         int32 length (-1 = null) + bytes
 */
import { crc32 } from '@node-rs/crc32';
import { LOG_OVERHEAD, NO_TIMESTAMP, TimestampType } from './batch-header';
import { LEGACY_RECORD_OVERHEAD_V0, LEGACY_RECORD_OVERHEAD_V1 } from './batch-iterate';
import { CorruptRecordError } from './errors';

/** Magic 0 messages have no timestamp type (Kafka's TimestampType.NO_TIMESTAMP_TYPE). */
export const NO_TIMESTAMP_TYPE = -1;
export type LegacyTimestampType = TimestampType | typeof NO_TIMESTAMP_TYPE;

export const LegacyAttr = { COMPRESSION_MASK: 0x07, TIMESTAMP_TYPE: 0x08 } as const;

export interface LegacyEntry {
  /** The entry's offset field (for a magic-1 inner message: relative). */
  offset: bigint;
  magic: 0 | 1;
  attributes: number;
  crc: number;
  /** -1 for magic 0. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Total bytes including the 12-byte prefix. */
  size: number;
}

function readSized(buf: Buffer, pos: number, end: number, what: string): [Buffer | null, number] {
  if (end - pos < 4) throw new CorruptRecordError(`legacy message ends inside its ${what} length`);
  const len = buf.readInt32BE(pos);
  pos += 4;
  if (len === -1) return [null, pos];
  if (len < 0 || len > end - pos) throw new CorruptRecordError(`legacy message ${what} length ${len} does not fit in ${end - pos} bytes`);
  return [buf.subarray(pos, pos + len), pos + len];
}

/**
 * Parses the complete entry at `pos` (the caller has checked that `size` bytes are there) and, if
 * `verifyCrc`, checks its CRC-32.
 */
export function readLegacyEntry(buf: Buffer, pos: number, size: number, verifyCrc = true): LegacyEntry {
  const end = pos + size;
  const messageSize = size - LOG_OVERHEAD;
  if (messageSize < LEGACY_RECORD_OVERHEAD_V0) throw new CorruptRecordError(`legacy message of ${messageSize} bytes is below the minimum overhead`);
  const crc = buf.readUInt32BE(pos + 12);
  const magic = buf.readInt8(pos + 16);
  if (magic !== 0 && magic !== 1) throw new CorruptRecordError(`invalid legacy message magic ${magic}`);
  if (magic === 1 && messageSize < LEGACY_RECORD_OVERHEAD_V1) throw new CorruptRecordError(`magic 1 message of ${messageSize} bytes is below its overhead`);
  if (verifyCrc) {
    const computed = crc32(buf.subarray(pos + 16, end)) >>> 0;
    if (computed !== crc) throw new CorruptRecordError(`legacy message is corrupt (stored crc = ${crc}, computed crc = ${computed})`);
  }
  const attributes = buf.readInt8(pos + 17) & 0xff;
  let p = pos + 18;
  let timestamp = NO_TIMESTAMP;
  if (magic === 1) {
    timestamp = Number(buf.readBigInt64BE(p));
    p += 8;
  }
  const [key, afterKey] = readSized(buf, p, end, 'key');
  const [value, afterValue] = readSized(buf, afterKey, end, 'value');
  if (afterValue !== end) throw new CorruptRecordError(`legacy message has ${end - afterValue} bytes after its value`);
  return { offset: buf.readBigInt64BE(pos), magic, attributes, crc, timestamp, key, value, size };
}

export const legacyEntrySize = (magic: 0 | 1, key: Buffer | null, value: Buffer | null): number =>
  LOG_OVERHEAD + (magic === 0 ? LEGACY_RECORD_OVERHEAD_V0 : LEGACY_RECORD_OVERHEAD_V1) + (key?.length ?? 0) + (value?.length ?? 0);

/** Writes a complete entry at `pos` (CRC included); returns the position after it. */
export function writeLegacyEntry(
  buf: Buffer,
  pos: number,
  e: { offset: bigint; magic: 0 | 1; attributes: number; timestamp: number; key: Buffer | null; value: Buffer | null },
): number {
  const size = legacyEntrySize(e.magic, e.key, e.value);
  buf.writeBigInt64BE(e.offset, pos);
  buf.writeInt32BE(size - LOG_OVERHEAD, pos + 8);
  buf.writeInt8(e.magic, pos + 16);
  buf.writeUInt8(e.attributes & 0xff, pos + 17);
  let p = pos + 18;
  if (e.magic === 1) {
    buf.writeBigInt64BE(BigInt(e.timestamp), p);
    p += 8;
  }
  for (const part of [e.key, e.value]) {
    if (part === null) {
      buf.writeInt32BE(-1, p);
      p += 4;
    } else {
      buf.writeInt32BE(part.length, p);
      part.copy(buf, p + 4);
      p += 4 + part.length;
    }
  }
  buf.writeUInt32BE(crc32(buf.subarray(pos + 16, p)) >>> 0, pos + 12);
  return p;
}
