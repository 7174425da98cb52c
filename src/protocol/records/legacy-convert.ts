/**
 * Converting between legacy message sets and magic-2 batches.
 *
 * Up-conversion (old producers, Produce v0-v2): Kafka's LogValidator rebuilds the messages as one
 * magic-2 batch: no producer id/epoch/sequence, not transactional, no headers; a magic-0 message has
 * no timestamp, so its record timestamp is NO_TIMESTAMP (-1); magic-1 messages keep theirs. The
 * broker assigns offsets (`baseOffset` → base + 0, 1, 2 …); without it the decoded offsets are kept.
 * The codec is the source's ("compression.type=producer") unless one is given.
 *
 * Down-conversion (old consumers, Fetch v0-v3), as Kafka's RecordsUtil.downConvert:
 *  - control batches are dropped (old formats have no control records), headers are dropped;
 *  - entries already at or below the target magic are copied unchanged;
 *  - an uncompressed batch loses its records below `firstOffset` (a fetch starting mid-batch;
 *    librdkafka relies on it); a compressed batch is converted whole, into one wrapper;
 *  - LogAppendTime batches keep that type, with maxTimestamp as the append time;
 *  - zstd cannot be expressed below magic 2: UnsupportedCompressionTypeError
 *    (UNSUPPORTED_COMPRESSION_TYPE, what Kafka answers old fetch versions).
 */
import { buildRecordBatch, RecordInput } from './batch-builder';
import { Attr, Compression, CompressionType, MAX_TIMESTAMP_OFFSET, ATTRIBUTES_OFFSET, TimestampType } from './batch-header';
import { iterateBatches } from './batch-iterate';
import { InvalidRecordError, UnsupportedCompressionTypeError } from './errors';
import { buildMessageSet, DecodeMessageSetOptions, iterateMessageSet, LegacyMessage, LegacyMessageInput } from './legacy-message-set';
import { iterateRecords } from './record-iterate';
import { toCompressionType } from '../compression/codec';

export interface UpConvertOptions extends DecodeMessageSetOptions {
  /** Assign offsets baseOffset + i; default: keep the decoded offsets (which must rise). */
  baseOffset?: bigint;
  /** Target codec; default: the source's first wrapper codec (NONE if uncompressed). */
  compression?: CompressionType;
  compressionLevel?: number;
  timestampType?: TimestampType;
  /** Required with LOG_APPEND_TIME. */
  logAppendTime?: number;
  partitionLeaderEpoch?: number;
}

/** One magic-2 batch holding every message of the legacy set `buf` (empty Buffer for an empty set). */
export function upConvertMessageSet(buf: Buffer, options: UpConvertOptions = {}): Buffer {
  const messages: LegacyMessage[] = [...iterateMessageSet(buf, options)];
  if (messages.length === 0) return Buffer.alloc(0);
  const first = messages[0].offset;
  const records: RecordInput[] = messages.map((m, i) => {
    let offsetDelta = i;
    if (options.baseOffset === undefined) {
      const delta = m.offset - first;
      if (delta < 0n || delta > 0x7fffffffn) throw new InvalidRecordError(`message offset ${m.offset} cannot follow ${first} in one batch`);
      offsetDelta = Number(delta);
    }
    return { key: m.key, value: m.value, timestamp: m.timestamp, offsetDelta };
  });
  return buildRecordBatch({
    baseOffset: options.baseOffset ?? first,
    compression: options.compression ?? messages[0].compression,
    compressionLevel: options.compressionLevel,
    timestampType: options.timestampType,
    logAppendTime: options.logAppendTime,
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    records,
  });
}

export interface DownConvertOptions {
  /** Records of uncompressed batches below this offset are dropped (the fetch offset). */
  firstOffset?: bigint;
  maxDecompressedBytes?: number;
}

/** Converts a records blob (any magic) to magic `toMagic` entries, as an old fetch version needs. */
export function downConvertRecords(buf: Buffer, toMagic: 0 | 1, options: DownConvertOptions = {}): Buffer {
  const out: Buffer[] = [];
  for (const slice of iterateBatches(buf)) {
    const entry = buf.subarray(slice.offset, slice.offset + slice.size);
    if (slice.magic <= toMagic) {
      out.push(entry);
      continue;
    }
    const converted = slice.magic === 2 ? convertBatch(entry, toMagic, options) : convertLegacyEntry(entry, toMagic, options);
    if (converted) out.push(converted);
  }
  return Buffer.concat(out);
}

function convertBatch(batch: Buffer, toMagic: 0 | 1, options: DownConvertOptions): Buffer | undefined {
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
  if (attributes & Attr.CONTROL) return undefined;
  const codec = toCompressionType(attributes & Attr.COMPRESSION_MASK);
  if (codec === Compression.ZSTD) throw new UnsupportedCompressionTypeError(`zstd batches cannot be down-converted to magic ${toMagic}`);
  const logAppend = (attributes & Attr.TIMESTAMP_TYPE) !== 0;
  const messages: LegacyMessageInput[] = [];
  for (const r of iterateRecords(batch, 0, options)) {
    if (codec === Compression.NONE && options.firstOffset !== undefined && r.offset < options.firstOffset) continue;
    messages.push({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value });
  }
  if (messages.length === 0) return undefined;
  return buildMessageSet({
    magic: toMagic,
    compression: codec,
    timestampType: logAppend ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
    logAppendTime: logAppend ? Number(batch.readBigInt64BE(MAX_TIMESTAMP_OFFSET)) : undefined,
    messages,
  });
}

/** A magic-1 entry going to magic 0 (Kafka converts those through the same path). */
function convertLegacyEntry(entry: Buffer, toMagic: 0 | 1, options: DownConvertOptions): Buffer | undefined {
  const messages = [...iterateMessageSet(entry, { maxDecompressedBytes: options.maxDecompressedBytes })];
  const compression = messages[0]?.compression ?? Compression.NONE;
  const kept = messages.filter((m) => compression !== Compression.NONE || options.firstOffset === undefined || m.offset >= options.firstOffset);
  if (kept.length === 0) return undefined;
  return buildMessageSet({ magic: toMagic, compression, messages: kept.map((m) => ({ offset: m.offset, key: m.key, value: m.value })) });
}
