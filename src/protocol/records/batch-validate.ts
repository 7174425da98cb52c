/**
 * Validating one magic-2 record batch, cheapest checks first:
 *
 *  1. framing: a complete 61-byte header, batchLength consistent with the bytes available, magic 2
 *     (CorruptRecordError, CORRUPT_MESSAGE);
 *  2. CRC-32C over attributes..end (hardware-accelerated @node-rs/crc32; Kafka's
 *     DefaultRecordBatch.ensureValid) (CorruptRecordError);
 *  3. header consistency: known codec (UnsupportedCompressionTypeError), recordCount ≥ 0,
 *     lastOffsetDelta ≥ recordCount − 1 (compaction leaves gaps, never more records than offsets),
 *     and a count that can fit in the bytes (an uncompressed record takes ≥ 7 bytes)
 *     (InvalidRecordError, INVALID_RECORD);
 *  4. `fromClient`: what Kafka's LogValidator demands of produced batches: at least one record,
 *     lastOffsetDelta + 1 = recordCount, no control batch, baseSequence ≥ 0 when a producer id is
 *     set (InvalidRecordError);
 *  5. `deep`: walks every record (decompressing), checking the count, that offset deltas rise and
 *     stay ≤ lastOffsetDelta (with `fromClient`: equal 0, 1, 2 …), and that nothing is left over.
 */
import { crc32c } from '@node-rs/crc32';
import {
  Attr,
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  BatchHeader,
  Compression,
  CRC_OFFSET,
  NO_PRODUCER_ID,
  readBatchHeader,
} from './batch-header';
import { toCompressionType, DEFAULT_MAX_DECOMPRESSED_BYTES } from '../compression/codec';
import { CorruptRecordError, InvalidRecordError } from './errors';
import { checkedBatchSize, scanRecords } from './record-iterate';

/** Smallest encoded record: length, attributes, timestampDelta, offsetDelta, key, value, header count. */
export const MIN_RECORD_SIZE = 7;

export interface ValidateBatchOptions {
  /** Apply the checks Kafka applies to batches produced by clients. */
  fromClient?: boolean;
  /** Walk every record (decompressing a compressed batch). */
  deep?: boolean;
  /** Limit on decompressed bytes for `deep` (default 64 MiB). */
  maxDecompressedBytes?: number;
}

/** Validates the batch at `off` and returns its header; throws a typed RecordsError otherwise. */
export function validateBatch(buf: Buffer, off = 0, options: ValidateBatchOptions = {}): BatchHeader {
  const size = checkedBatchSize(buf, off);
  const stored = buf.readUInt32BE(off + CRC_OFFSET);
  const computed = crc32c(buf.subarray(off + ATTRIBUTES_OFFSET, off + size)) >>> 0;
  if (stored !== computed) {
    throw new CorruptRecordError(`record batch is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
  }
  const header = readBatchHeader(buf, off);
  const codec = toCompressionType(header.attributes & Attr.COMPRESSION_MASK);
  const { recordCount: count, lastOffsetDelta } = header;
  if (count < 0) throw new InvalidRecordError(`record batch has invalid record count ${count}`);
  if (count > 0 && lastOffsetDelta < count - 1) {
    throw new InvalidRecordError(`record batch holds ${count} records but its lastOffsetDelta is ${lastOffsetDelta}`);
  }
  const maxRecords =
    codec === Compression.NONE
      ? (size - BATCH_HEADER_SIZE) / MIN_RECORD_SIZE
      : (options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES) / MIN_RECORD_SIZE;
  if (count > maxRecords) {
    throw new InvalidRecordError(`record count ${count} cannot fit in a ${codec === Compression.NONE ? 'batch' : 'decompressed batch'} of ${Math.floor(maxRecords * MIN_RECORD_SIZE)} bytes`);
  }
  if (options.fromClient) checkClientBatch(header);
  if (options.deep) checkRecords(buf, off, header, options);
  return header;
}

function checkClientBatch(h: BatchHeader): void {
  if (h.recordCount === 0) throw new InvalidRecordError('record batch from a client holds no records');
  if (h.lastOffsetDelta + 1 !== h.recordCount) {
    throw new InvalidRecordError(`record batch from a client declares ${h.recordCount} records but lastOffsetDelta ${h.lastOffsetDelta}`);
  }
  if (h.attributes & Attr.CONTROL) throw new InvalidRecordError('clients may not write control batches');
  if (h.producerId !== NO_PRODUCER_ID && h.baseSequence < 0) {
    throw new InvalidRecordError(`record batch with producer id ${h.producerId} has invalid base sequence ${h.baseSequence}`);
  }
}

function checkRecords(buf: Buffer, off: number, h: BatchHeader, options: ValidateBatchOptions): void {
  let previous = -1;
  scanRecords(buf, off, (index, r) => {
    if (options.fromClient ? r.offsetDelta !== index : r.offsetDelta <= previous) {
      throw new InvalidRecordError(`record ${index} has offset delta ${r.offsetDelta} after ${previous}`);
    }
    if (r.offsetDelta > h.lastOffsetDelta) {
      throw new InvalidRecordError(`record ${index} has offset delta ${r.offsetDelta} beyond lastOffsetDelta ${h.lastOffsetDelta}`);
    }
    previous = r.offsetDelta;
  }, { maxDecompressedBytes: options.maxDecompressedBytes });
}
