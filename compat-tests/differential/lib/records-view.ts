/**
 * A comparable view of a `records` blob from a Fetch (or Produce) message: one object per batch
 * with its header fields, whether its CRC is right, and its decoded records, instead of raw
 * bytes. Raw bytes would differ for reasons that are not differences (the CRC covers the
 * producer id, which each broker assigns), and a byte diff says nothing readable.
 *
 * What legitimately differs is left to the normaliser (producer ids are aliased there); this view
 * only blanks the header timestamps of LogAppendTime batches, which are the broker's clock.
 * Pure: no I/O, no clock.
 */
import { Attr, BATCH_HEADER_SIZE, computeBatchCrc, LOG_OVERHEAD, readBatchHeader } from '../../../src/protocol/records/batch-header';
import { readRecords } from '../../../src/protocol/records/record-iterate';
import { readLegacyEntry } from '../../../src/protocol/records/legacy-message';

export const BROKER_TIME = '<broker-time>';

export interface RecordView {
  offsetDelta: number;
  timestampDelta: number | string;
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
}

export interface BatchView {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crcValid: boolean;
  compression: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  transactional: boolean;
  control: boolean;
  lastOffsetDelta: number;
  baseTimestamp: bigint | string;
  maxTimestamp: bigint | string;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  records: RecordView[] | string;
}

export interface LegacyView {
  offset: bigint;
  magic: number;
  size: number;
  attributes: number;
  timestamp: bigint | string | null;
  key: string | null;
  value: string | null;
}

export interface TruncatedView {
  /** Bytes of a last entry cut short by the fetch size limit (Kafka may send a partial batch). */
  partialBytes: number;
}

export type EntryView = BatchView | LegacyView | TruncatedView;

/** Printable text when the bytes are UTF-8 text, else `0x…` hex (long values shortened). */
export function showBytes(b: Buffer | null): string | null {
  if (b === null) return null;
  const text = b.toString('utf8');
  const printable = /^[\x20-\x7e]*$/.test(text) && Buffer.byteLength(text) === b.length;
  if (printable) return text.length > 120 ? `${text.slice(0, 100)}…(${b.length} bytes)` : text;
  const hex = b.toString('hex');
  return hex.length > 120 ? `0x${hex.slice(0, 100)}…(${b.length} bytes)` : `0x${hex}`;
}

function batchView(buf: Buffer, off: number, size: number): BatchView {
  const h = readBatchHeader(buf, off);
  const logAppend = (h.attributes & Attr.TIMESTAMP_TYPE) !== 0;
  let records: RecordView[] | string;
  try {
    records = readRecords(buf.subarray(off, off + size), 0).map((r) => ({
      offsetDelta: r.offsetDelta,
      timestampDelta: logAppend ? BROKER_TIME : r.timestampDelta,
      key: showBytes(r.key),
      value: showBytes(r.value),
      headers: r.headers.map((x) => ({ key: x.key, value: showBytes(x.value) })),
    }));
  } catch (e) {
    records = `undecodable: ${(e as Error).message}`;
  }
  return {
    baseOffset: h.baseOffset,
    batchLength: h.batchLength,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    magic: h.magic,
    crcValid: computeBatchCrc(buf, off, size) === h.crc,
    compression: h.attributes & Attr.COMPRESSION_MASK,
    timestampType: logAppend ? 'LogAppendTime' : 'CreateTime',
    transactional: (h.attributes & Attr.TRANSACTIONAL) !== 0,
    control: (h.attributes & Attr.CONTROL) !== 0,
    lastOffsetDelta: h.lastOffsetDelta,
    baseTimestamp: logAppend ? BROKER_TIME : h.baseTimestamp,
    maxTimestamp: logAppend ? BROKER_TIME : h.maxTimestamp,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    recordCount: h.recordCount,
    records,
  };
}

function legacyView(buf: Buffer, off: number, size: number): LegacyView {
  const e = readLegacyEntry(buf, off, size, false);
  const logAppend = e.magic === 1 && (e.attributes & Attr.TIMESTAMP_TYPE) !== 0;
  return {
    offset: e.offset,
    magic: e.magic,
    size,
    attributes: e.attributes,
    timestamp: e.magic === 0 ? null : logAppend ? BROKER_TIME : BigInt(e.timestamp),
    key: showBytes(e.key),
    value: showBytes(e.value),
  };
}

/** Splits a records blob into entry views; never throws (a bad entry becomes a string). */
export function viewRecords(buf: Buffer | null): EntryView[] | string | null {
  if (buf === null) return null;
  const out: EntryView[] = [];
  let pos = 0;
  try {
    while (pos < buf.length) {
      if (buf.length - pos < LOG_OVERHEAD) {
        out.push({ partialBytes: buf.length - pos });
        break;
      }
      const size = buf.readInt32BE(pos + 8) + LOG_OVERHEAD;
      if (buf.length - pos < size) {
        out.push({ partialBytes: buf.length - pos });
        break;
      }
      const magic = buf.readInt8(pos + 16);
      if (magic === 2 && size >= BATCH_HEADER_SIZE) out.push(batchView(buf, pos, size));
      else if (magic === 0 || magic === 1) out.push(legacyView(buf, pos, size));
      else return `undecodable entry at byte ${pos} (magic ${magic}, size ${size})`;
      pos += size;
    }
  } catch (e) {
    return `undecodable at byte ${pos}: ${(e as Error).message}`;
  }
  return out;
}
