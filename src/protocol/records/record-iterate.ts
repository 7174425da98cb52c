/**
 * Reading the records of one magic-2 batch, decompressing when the batch is compressed.
 *
 * STABLE API (used by the log store, compaction and the fetch path): `iterateRecords`,
 * `readRecords`, `recordsData`. They check that the batch is complete and well formed record by
 * record; they do NOT check the CRC: call validateBatch() first for data from the network or disk.
 *
 * Decompressed data is bounded by `maxDecompressedBytes` (DecompressedSizeExceededError).
 * `scanRecords` walks the same records without building them (validation).
 * Key, value and header values are slices of the batch (uncompressed) or of the decompressed
 * buffer (compressed): no per-record copies.
 */
import { decompress, DEFAULT_MAX_DECOMPRESSED_BYTES, toCompressionType } from '../compression/codec';
import { DecompressScratch } from '../compression/decompress-scratch';
import {
  Attr,
  BATCH_HEADER_SIZE,
  Compression,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  RECORD_COUNT_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  ATTRIBUTES_OFFSET,
} from './batch-header';
import { CorruptRecordError, InvalidRecordError } from './errors';
import { DecodedRecord, readRecord, RecordContext, RecordSummary, scanRecord } from './record';
import { ByteReader } from './varint';

export interface IterateRecordsOptions {
  /** Limit on the decompressed size of a compressed batch (default 64 MiB). */
  maxDecompressedBytes?: number;
}

export interface ScanRecordsOptions extends IterateRecordsOptions {
  /** Reusable memory for the decompressed records (nothing of them outlives the scan). */
  scratch?: DecompressScratch;
}

/** Total size of the magic-2 batch at `off`, after checking it is complete and really magic 2. */
export function checkedBatchSize(buf: Buffer, off: number): number {
  const available = buf.length - off;
  if (off < 0 || available < BATCH_HEADER_SIZE) {
    throw new CorruptRecordError(`record batch at byte ${off} is truncated: ${Math.max(0, available)} bytes, header needs ${BATCH_HEADER_SIZE}`);
  }
  const size = buf.readInt32BE(off + 8) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE) throw new CorruptRecordError(`record batch size ${size} is smaller than the ${BATCH_HEADER_SIZE}-byte header`);
  if (size > available) throw new CorruptRecordError(`record batch is truncated: ${size} bytes declared, ${available} available`);
  const magic = buf.readInt8(off + MAGIC_OFFSET);
  if (magic !== 2) throw new CorruptRecordError(`expected a magic 2 record batch, found magic ${magic}`);
  return size;
}

/** The records section of the batch at `off`, decompressed if needed. */
export function recordsData(buf: Buffer, off = 0, options: ScanRecordsOptions = {}): Buffer {
  const size = checkedBatchSize(buf, off);
  const raw = buf.subarray(off + BATCH_HEADER_SIZE, off + size);
  const codec = toCompressionType(buf.readInt16BE(off + ATTRIBUTES_OFFSET) & Attr.COMPRESSION_MASK);
  if (codec === Compression.NONE) return raw;
  return decompress(codec, raw, { maxOutputBytes: options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES, scratch: options.scratch });
}

function recordContext(buf: Buffer, off: number): RecordContext {
  const attributes = buf.readInt16BE(off + ATTRIBUTES_OFFSET);
  const logAppendTime = attributes & Attr.TIMESTAMP_TYPE ? Number(buf.readBigInt64BE(off + MAX_TIMESTAMP_OFFSET)) : undefined;
  return { baseOffset: buf.readBigInt64BE(off), baseTimestamp: Number(buf.readBigInt64BE(off + BASE_TIMESTAMP_OFFSET)), logAppendTime };
}

/**
 * Yields the records of the magic-2 batch at `off` in order. Throws InvalidRecordError if the
 * records do not match the header's count or leave bytes over (Kafka: "Incorrect declared batch
 * size"), CorruptRecordError if the batch is truncated or its compressed data is bad.
 */
export function* iterateRecords(buf: Buffer, off = 0, options: IterateRecordsOptions = {}): Generator<DecodedRecord, void, undefined> {
  const { reader, count } = openRecords(buf, off, options);
  const ctx = recordContext(buf, off);
  for (let i = 0; i < count; i++) {
    checkRecordLeft(reader, count, i);
    yield readRecord(reader, ctx);
  }
  checkNothingLeft(reader, count);
}

/**
 * Walks the records of the batch at `off` with iterateRecords' checks, calling `visit` with the
 * record's index and a summary that is reused for every record (copy what you keep). Builds no
 * per-record objects; for validating records that are then written as they are.
 */
export function scanRecords(buf: Buffer, off: number, visit: (index: number, record: Readonly<RecordSummary>) => void, options: ScanRecordsOptions = {}): void {
  const { reader, count } = openRecords(buf, off, options);
  const summary: RecordSummary = { offsetDelta: 0, timestampDelta: 0, keyLength: -1, valueLength: -1 };
  for (let i = 0; i < count; i++) {
    checkRecordLeft(reader, count, i);
    scanRecord(reader, summary);
    visit(i, summary);
  }
  checkNothingLeft(reader, count);
}

function openRecords(buf: Buffer, off: number, options: ScanRecordsOptions): { reader: ByteReader; count: number } {
  const data = recordsData(buf, off, options);
  const count = buf.readInt32BE(off + RECORD_COUNT_OFFSET);
  if (count < 0) throw new InvalidRecordError(`record batch has invalid record count ${count}`);
  return { reader: new ByteReader(data, 0, data.length), count };
}

function checkRecordLeft(reader: ByteReader, count: number, index: number): void {
  if (reader.remaining === 0) throw new InvalidRecordError(`record batch declares ${count} records but holds ${index}`);
}

function checkNothingLeft(reader: ByteReader, count: number): void {
  if (reader.remaining !== 0) {
    throw new InvalidRecordError(`record batch has ${reader.remaining} bytes left after its ${count} declared records`);
  }
}

/** All records of the batch at `off` as an array (see iterateRecords). */
export function readRecords(buf: Buffer, off = 0, options: IterateRecordsOptions = {}): DecodedRecord[] {
  const records: DecodedRecord[] = [];
  for (const r of iterateRecords(buf, off, options)) records.push(r);
  return records;
}
