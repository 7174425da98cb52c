/**
 * Building magic-2 record batches (the broker's own: control markers, internal topics, compaction
 * output, up-converted legacy data). Follows Kafka's MemoryRecordsBuilder:
 *
 *  - offsets: record i gets `offsetDelta` if given, else previous + 1 (first = 0); deltas must rise.
 *    lastOffsetDelta = the last record's, unless overridden (compaction keeps the original so that
 *    producer sequence numbers stay valid).
 *  - timestamps: baseTimestamp = `deleteHorizonMs` if set (attribute bit 6, KIP-534), else the
 *    `baseTimestamp` option, else the first record's timestamp, else NO_TIMESTAMP (-1). A record
 *    gives an absolute `timestamp` or a `timestampDelta` from that base. maxTimestamp = the largest
 *    record timestamp (-1 when none). Timestamps below -1 are rejected (InvalidTimestampError).
 *  - LogAppendTime: header baseTimestamp = maxTimestamp = `logAppendTime` (record deltas are then
 *    ignored by readers).
 *
 * STABLE API: `buildRecordBatch` and `RecordBatchBuilder` (the log store's compaction uses them).
 */
import { compress, CompressOptions } from '../compression/codec';
import {
  Attr,
  BATCH_HEADER_SIZE,
  Compression,
  CompressionType,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  TimestampType,
  writeBatchHeader,
} from './batch-header';
import { InvalidRecordError, InvalidTimestampError } from './errors';
import { EncodableRecord, sizeOfRecord, sizeOfRecordBody, writeRecord } from './record';
import { isVarlongInRange } from './varint';

export interface RecordHeaderInput {
  key: string | Buffer;
  value: Buffer | null;
}

export interface RecordInput {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: ReadonlyArray<RecordHeaderInput>;
  /** Absolute timestamp in ms (wins over timestampDelta). */
  timestamp?: number;
  /** Timestamp relative to the batch's baseTimestamp. */
  timestampDelta?: number;
  /** Offset relative to baseOffset; default previous + 1. */
  offsetDelta?: number;
}

export interface RecordBatchOptions {
  baseOffset?: bigint;
  compression?: CompressionType;
  compressionLevel?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  partitionLeaderEpoch?: number;
  timestampType?: TimestampType;
  /** Required with LOG_APPEND_TIME. */
  logAppendTime?: number;
  baseTimestamp?: number;
  deleteHorizonMs?: number;
  /** Keep a larger lastOffsetDelta than the last record's (compaction). */
  lastOffsetDelta?: number;
}

export interface BuildRecordBatchOptions extends RecordBatchOptions {
  records: ReadonlyArray<RecordInput>;
}

const INT32_MAX = 0x7fffffff;

function checkTimestamp(ts: number, what: string): void {
  if (!Number.isSafeInteger(ts) || ts < NO_TIMESTAMP) throw new InvalidTimestampError(`invalid ${what} ${ts}`);
}

function toEncodable(records: ReadonlyArray<RecordInput>, baseTimestamp: number) {
  const encodable: EncodableRecord[] = [];
  let maxTimestamp = NO_TIMESTAMP;
  let previous = -1;
  for (const r of records) {
    const offsetDelta = r.offsetDelta ?? previous + 1;
    if (!Number.isInteger(offsetDelta) || offsetDelta <= previous || offsetDelta > INT32_MAX) {
      throw new InvalidRecordError(`offset delta ${offsetDelta} must rise above ${previous} and stay within int32`);
    }
    previous = offsetDelta;
    const timestampDelta = r.timestamp !== undefined ? r.timestamp - baseTimestamp : (r.timestampDelta ?? 0);
    if (!isVarlongInRange(timestampDelta)) throw new InvalidTimestampError(`timestamp delta ${timestampDelta} is outside [-2^52, 2^52)`);
    const timestamp = baseTimestamp + timestampDelta;
    checkTimestamp(timestamp, 'record timestamp');
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    encodable.push({
      offsetDelta,
      timestampDelta,
      key: r.key ?? null,
      value: r.value ?? null,
      headers: (r.headers ?? []).map((h) => ({ key: typeof h.key === 'string' ? Buffer.from(h.key, 'utf8') : h.key, value: h.value })),
    });
  }
  return { encodable, maxTimestamp, lastDelta: previous };
}

function attributesOf(o: RecordBatchOptions, codec: CompressionType): number {
  let a = codec;
  if (o.timestampType === TimestampType.LOG_APPEND_TIME) a |= Attr.TIMESTAMP_TYPE;
  if (o.transactional) a |= Attr.TRANSACTIONAL;
  if (o.control) a |= Attr.CONTROL;
  if (o.deleteHorizonMs !== undefined) a |= Attr.DELETE_HORIZON;
  return a;
}

/** Builds one magic-2 batch holding `records`; returns a Buffer with exactly that batch. */
export function buildRecordBatch(options: BuildRecordBatchOptions): Buffer {
  const codec = options.compression ?? Compression.NONE;
  const logAppend = options.timestampType === TimestampType.LOG_APPEND_TIME;
  if (logAppend) {
    if (options.logAppendTime === undefined) throw new InvalidTimestampError('LOG_APPEND_TIME batches need a logAppendTime');
    checkTimestamp(options.logAppendTime, 'logAppendTime');
  }
  const first = options.records[0];
  const baseTimestamp = options.deleteHorizonMs ?? options.baseTimestamp ?? first?.timestamp ?? NO_TIMESTAMP;
  checkTimestamp(baseTimestamp, 'base timestamp');
  const { encodable, maxTimestamp, lastDelta } = toEncodable(options.records, baseTimestamp);
  const lastOffsetDelta = options.lastOffsetDelta ?? Math.max(lastDelta, 0);
  if (!Number.isInteger(lastOffsetDelta) || lastOffsetDelta < lastDelta || lastOffsetDelta > INT32_MAX) {
    throw new InvalidRecordError(`lastOffsetDelta ${lastOffsetDelta} is below the last record's offset delta ${lastDelta}`);
  }

  const bodySizes = encodable.map(sizeOfRecordBody);
  let recordsSize = 0;
  for (const s of bodySizes) recordsSize += sizeOfRecord(s);

  let batch: Buffer;
  if (codec === Compression.NONE) {
    batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + recordsSize);
    writeRecords(batch, BATCH_HEADER_SIZE, encodable, bodySizes);
  } else {
    const plain = Buffer.allocUnsafe(recordsSize);
    writeRecords(plain, 0, encodable, bodySizes);
    const compressOptions: CompressOptions = { level: options.compressionLevel };
    const packed = compress(codec, plain, compressOptions);
    batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + packed.length);
    packed.copy(batch, BATCH_HEADER_SIZE);
  }
  writeBatchHeader(batch, 0, batch.length, {
    baseOffset: options.baseOffset ?? 0n,
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
    attributes: attributesOf(options, codec),
    lastOffsetDelta,
    baseTimestamp: BigInt(logAppend ? options.logAppendTime! : baseTimestamp),
    maxTimestamp: BigInt(logAppend ? options.logAppendTime! : maxTimestamp),
    producerId: options.producerId ?? NO_PRODUCER_ID,
    producerEpoch: options.producerEpoch ?? NO_PRODUCER_EPOCH,
    baseSequence: options.baseSequence ?? NO_SEQUENCE,
    recordCount: encodable.length,
  });
  return batch;
}

function writeRecords(buf: Buffer, pos: number, records: EncodableRecord[], bodySizes: number[]): void {
  for (let i = 0; i < records.length; i++) pos = writeRecord(buf, pos, records[i], bodySizes[i]);
}

/** Accumulates records, then builds one batch (see buildRecordBatch for the rules). */
export class RecordBatchBuilder {
  private readonly records: RecordInput[] = [];

  constructor(private readonly options: RecordBatchOptions = {}) {}

  append(record: RecordInput): this {
    this.records.push(record);
    return this;
  }

  get recordCount(): number {
    return this.records.length;
  }

  build(): Buffer {
    return buildRecordBatch({ ...this.options, records: this.records });
  }
}
