/**
 * What the leader checks in produced records before they reach the log, and the conversions it
 * makes (Kafka: ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords and
 * LogValidator, for a log whose format is magic 2).
 *
 * Checks, in Kafka's order (the first failure answers for the partition):
 *  1. request level (Produce v3+): at least one batch, magic 2, exactly one batch, no zstd
 *     before v7 → INVALID_RECORD / UNSUPPORTED_COMPRESSION_TYPE; an impossible size field →
 *     CORRUPT_MESSAGE. A trailing partial batch is ignored, as Kafka's batch iterator does.
 *  2. per batch: a magic-2 batch from a client must have baseOffset 0 (INVALID_RECORD), be at
 *     most max.message.bytes (MESSAGE_TOO_LARGE), then pass its CRC (CORRUPT_MESSAGE), then the
 *     client rules (record count = lastOffsetDelta + 1, no control batch, base sequence >= 0
 *     with a producer id: INVALID_RECORD).
 *  3. per record: a key on compacted topics (INVALID_RECORD), a timestamp within
 *     message.timestamp.before/after.max.ms of the broker clock for CreateTime topics, no
 *     LogAppendTime set by the producer where Kafka refuses it (INVALID_TIMESTAMP). All records
 *     are checked and every bad one is listed (KIP-467 record errors).
 *
 * Paths (LogValidator's):
 *  - uncompressed magic 2 kept uncompressed: in place. The log checks the CRC; records are
 *    walked only when step 3 has something to check (compacted topic, a lower timestamp bound,
 *    or a header maxTimestamp beyond the upper bound). maxTimestamp is taken from the header
 *    (Kafka recomputes it from the records; a well-formed producer writes the same value).
 *  - compressed magic 2: records are decompressed and walked (Kafka does the same); if the
 *    codec stays and the inner offsets are 0, 1, 2… the producer's compressed bytes are kept,
 *    otherwise the batch is rebuilt (compression.type other than `producer`: recompression).
 *  - magic 0/1 (Produce v0-v2, old clients): converted to one magic-2 batch in the target codec.
 * Offsets, the leader epoch and LogAppendTime are stamped later, by the log, in its append queue.
 */
import { toCompressionType, DEFAULT_MAX_DECOMPRESSED_BYTES } from '../protocol/compression/codec';
import { DecompressScratch } from '../protocol/compression/decompress-scratch';
import { ATTRIBUTES_OFFSET, Attr, BASE_TIMESTAMP_OFFSET, Compression, CompressionType, MAX_TIMESTAMP_OFFSET, NO_TIMESTAMP, TimestampType } from '../protocol/records/batch-header';
import { buildRecordBatch, RecordInput } from '../protocol/records/batch-builder';
import { BatchSlice, readBatchSlice } from '../protocol/records/batch-iterate';
import { validateBatch } from '../protocol/records/batch-validate';
import { InvalidRecordError, UnsupportedCompressionTypeError } from '../protocol/records/errors';
import { iterateMessageSet, LegacyMessage } from '../protocol/records/legacy-message-set';
import { setMaxTimestamp } from '../protocol/records/log-append-time';
import { iterateRecords, scanRecords } from '../protocol/records/record-iterate';
import { RecordTooLargeError } from '../log/errors';
import { AppendConfig, UNBOUNDED_MS, hasTimestampBounds, targetCodec } from './append-config';
import { InvalidProduceRecordsError, RecordError, RecordValidationError } from './errors';

export interface PreparedRecords {
  /** Magic-2 batch(es) for Log.append: offsets relative to 0, stamped by the log. */
  records: Buffer;
  /** Record checks the log runs per batch after its own CRC check (in-place uncompressed path). */
  recordCheck?: (batch: Buffer) => void;
}

/** Step 1: the checks KafkaApis makes on each partition's records before the append (Produce v3+). */
export function checkProduceRequestRecords(records: Buffer, apiVersion: number): void {
  if (apiVersion < 3) return;
  const first = readBatchSlice(records, 0);
  if (!first) throw new InvalidProduceRecordsError(`Produce requests with version ${apiVersion} must have at least one record batch per partition`);
  if (first.magic !== 2) {
    throw new InvalidProduceRecordsError(`Produce requests with version ${apiVersion} are only allowed to contain record batches with magic version 2`);
  }
  if (apiVersion < 7 && (records.readInt16BE(ATTRIBUTES_OFFSET) & Attr.COMPRESSION_MASK) === Compression.ZSTD) {
    throw new UnsupportedCompressionTypeError(`Produce requests with version ${apiVersion} are not allowed to use ZStandard compression`);
  }
  if (readBatchSlice(records, first.size)) {
    throw new InvalidProduceRecordsError(`Produce requests with version ${apiVersion} are only allowed to contain exactly one record batch per partition`);
  }
}

export interface ValidationContext {
  config: AppendConfig;
  /** Broker clock now (for timestamp bounds). */
  nowMs: number;
  /** `topic-partition`, for messages. */
  partitionName: string;
}

/** Steps 2 and 3, and the conversion the target format needs. */
export function prepareRecords(records: Buffer, ctx: ValidationContext): PreparedRecords {
  const slices = completeSlices(records);
  if (slices.length === 0) return { records: records.subarray(0, 0) };
  const magic = slices[0]!.magic;
  for (const s of slices) {
    if (s.magic !== magic) {
      throw new InvalidRecordError(`Batch magic ${s.magic} is not the same as the first batch's magic byte ${magic} in topic partition ${ctx.partitionName}`);
    }
    if (magic === 2 && (records.readInt32BE(s.offset) !== 0 || records.readInt32BE(s.offset + 4) !== 0)) {
      throw new InvalidRecordError(
        `The baseOffset of the record batch in the append to ${ctx.partitionName} should be 0, but it is ${records.readBigInt64BE(s.offset)}`,
      );
    }
    if (s.size > ctx.config.maxMessageBytes) {
      throw new RecordTooLargeError(
        `The record batch size in the append to ${ctx.partitionName} is ${s.size} bytes which exceeds the maximum configured value of ${ctx.config.maxMessageBytes}.`,
      );
    }
  }
  if (magic !== 2) return convertLegacy(records.subarray(0, end(slices)), ctx);
  if (slices.length > 1) throw new InvalidRecordError('Compressed outer record has more than one batch');
  const batch = records.subarray(0, slices[0]!.size);
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
  const source = toCompressionType(attributes & Attr.COMPRESSION_MASK);
  const target = targetCodec(ctx.config, source);
  if (source === Compression.NONE && target === Compression.NONE && (attributes & Attr.TIMESTAMP_TYPE) === 0) {
    return { records: batch, recordCheck: needsRecordWalk(ctx, batch) ? (b) => checkUncompressed(b, ctx) : undefined };
  }
  return validateAndMaybeRebuild(batch, source, target, ctx);
}

/** Whole entries at the start of `records` (Kafka drops a partial trailing one). */
function completeSlices(records: Buffer): BatchSlice[] {
  const out: BatchSlice[] = [];
  let pos = 0;
  for (;;) {
    const s = readBatchSlice(records, pos);
    if (!s) return out;
    out.push(s);
    pos += s.size;
  }
}

const end = (slices: BatchSlice[]): number => slices[slices.length - 1]!.offset + slices[slices.length - 1]!.size;

/**
 * Whether the in-place path must read the records: for keys on compacted topics, and for
 * timestamps. Kafka 4's default bounds only future timestamps (message.timestamp.after.max.ms);
 * the header's maxTimestamp (the producer's maximum over the records) settles that bound
 * without the walk, which then runs only to name the offending records.
 */
function needsRecordWalk(ctx: ValidationContext, batch: Buffer): boolean {
  const c = ctx.config;
  if (c.compacted) return true;
  if (!hasTimestampBounds(c)) return false;
  if (c.timestampBeforeMaxMs < UNBOUNDED_MS) return true;
  const maxTimestamp = Number(batch.readBigInt64BE(MAX_TIMESTAMP_OFFSET));
  return maxTimestamp - ctx.nowMs > c.timestampAfterMaxMs;
}

/** Per-record rules (LogValidator.validateRecord), collecting every failure. */
class RecordRules {
  readonly errors: RecordError[] = [];
  private badTimestamp = false;

  constructor(private readonly ctx: ValidationContext) {}

  /**
   * `keySize` is -1 for a null key. `producerAppendTime`: the batch (or legacy message) says
   * LogAppendTime. `valueSize` only serves the message (Kafka prints the record).
   */
  check(index: number, offset: bigint | number, keySize: number, timestamp: number, producerAppendTime: boolean, valueSize = 0): void {
    const { config, nowMs, partitionName } = this.ctx;
    if (config.compacted && keySize < 0) {
      this.errors.push({ batchIndex: index, message: `Compacted topic cannot accept message without key in topic partition ${partitionName}` });
      return;
    }
    if (!config.logAppendTime && timestamp !== NO_TIMESTAMP) {
      const diff = nowMs - timestamp;
      if (diff > config.timestampBeforeMaxMs || -diff > config.timestampAfterMaxMs) {
        this.badTimestamp = true;
        this.errors.push({
          batchIndex: index,
          message:
            `Timestamp ${timestamp} of message with offset ${offset} is out of range. The timestamp should be within ` +
            `[${nowMs - config.timestampBeforeMaxMs}, ${nowMs + config.timestampAfterMaxMs}]`,
        });
      }
    } else if (producerAppendTime) {
      this.badTimestamp = true;
      this.errors.push({
        batchIndex: index,
        message:
          `Invalid timestamp type in message DefaultRecord(offset=${offset}, timestamp=${timestamp}, key=${Math.max(keySize, 0)} bytes, ` +
          `value=${valueSize} bytes). Producer should not set timestamp type to LogAppendTime.`,
      });
    }
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new RecordValidationError(this.errors, this.badTimestamp);
  }
}

/** The in-place uncompressed path: runs inside Log.append, after the log checked the CRC. */
function checkUncompressed(batch: Buffer, ctx: ValidationContext): void {
  const rules = new RecordRules(ctx);
  const baseOffset = batch.readBigInt64BE(0);
  const baseTimestamp = Number(batch.readBigInt64BE(BASE_TIMESTAMP_OFFSET));
  scanRecords(batch, 0, (i, r) => rules.check(i, offsetOf(baseOffset, r.offsetDelta), r.keyLength, baseTimestamp + r.timestampDelta, false));
  rules.throwIfAny();
}

/**
 * Memory the compressed path decompresses into: the records are only checked there, and a fresh
 * buffer per batch is costly (DecompressScratch). One per process is enough: validation is
 * synchronous and the scan keeps nothing.
 */
const validationScratch = new DecompressScratch();

/**
 * LogValidator.validateMessagesAndAssignOffsetsCompressed for one magic-2 batch. The records are
 * scanned without being built (most batches are kept as they are); only a batch that must be
 * rebuilt is decompressed a second time, into records.
 */
function validateAndMaybeRebuild(batch: Buffer, source: CompressionType, target: CompressionType, ctx: ValidationContext): PreparedRecords {
  // CRC first (Kafka's analyzeAndValidateRecords), then the client rules.
  const header = validateBatch(batch, 0, { fromClient: true });
  const producerAppendTime = (header.attributes & Attr.TIMESTAMP_TYPE) !== 0;
  const logAppendTime = producerAppendTime ? Number(header.maxTimestamp) : undefined;
  const baseTimestamp = Number(header.baseTimestamp);
  const rules = new RecordRules(ctx);
  let inPlace = source === target;
  let maxTimestamp = NO_TIMESTAMP;
  scanRecords(
    batch,
    0,
    (index, r) => {
      const timestamp = logAppendTime ?? baseTimestamp + r.timestampDelta;
      rules.check(index, offsetOf(header.baseOffset, r.offsetDelta), r.keyLength, timestamp, producerAppendTime, Math.max(r.valueLength, 0));
      if (timestamp > maxTimestamp) maxTimestamp = timestamp;
      // Old clients wrote wrong inner offsets; Kafka rewrites the batch rather than refusing it.
      if (r.offsetDelta !== index) inPlace = false;
    },
    { maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES, scratch: validationScratch },
  );
  rules.throwIfAny();
  if (inPlace) {
    // LogAppendTime topics are stamped by the log; otherwise the type is CreateTime (Kafka's setMaxTimestamp).
    if (!ctx.config.logAppendTime) setMaxTimestamp(batch, 0, TimestampType.CREATE_TIME, maxTimestamp);
    return { records: batch };
  }
  const kept: RecordInput[] = [];
  for (const r of iterateRecords(batch, 0, { maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES })) {
    kept.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: kept.length });
  }
  const rebuilt = buildRecordBatch({
    compression: target,
    compressionLevel: ctx.config.compressionLevel,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    transactional: (header.attributes & Attr.TRANSACTIONAL) !== 0,
    records: kept,
  });
  checkRebuiltSize(rebuilt, ctx);
  return { records: rebuilt };
}

/** A record's offset for messages: a number when the batch starts at 0 (a client's always does). */
const offsetOf = (baseOffset: bigint, offsetDelta: number): bigint | number => (baseOffset === 0n ? offsetDelta : baseOffset + BigInt(offsetDelta));

/** Magic 0/1 message sets become one magic-2 batch (LogValidator's conversion paths). */
function convertLegacy(set: Buffer, ctx: ValidationContext): PreparedRecords {
  const messages: LegacyMessage[] = [];
  for (const m of iterateMessageSet(set, { verifyCrc: true })) messages.push(m);
  if (messages.length === 0) return { records: set.subarray(0, 0) };
  const source = messages[0]!.compression;
  const target = targetCodec(ctx.config, source);
  const rules = new RecordRules(ctx);
  const records: RecordInput[] = messages.map((m, i) => {
    rules.check(i, m.offset, m.key?.length ?? -1, m.timestamp, m.timestampType === TimestampType.LOG_APPEND_TIME, m.value?.length ?? 0);
    return { key: m.key, value: m.value, timestamp: m.timestamp, offsetDelta: i };
  });
  rules.throwIfAny();
  const rebuilt = buildRecordBatch({ compression: target, compressionLevel: ctx.config.compressionLevel, records });
  checkRebuiltSize(rebuilt, ctx);
  return { records: rebuilt };
}

/** Kafka re-checks max.message.bytes after a conversion or recompression changed the size. */
function checkRebuiltSize(batch: Buffer, ctx: ValidationContext): void {
  if (batch.length > ctx.config.maxMessageBytes) {
    throw new RecordTooLargeError(
      `Message batch size is ${batch.length} bytes in append to partition ${ctx.partitionName} which exceeds the maximum configured size of ${ctx.config.maxMessageBytes}.`,
    );
  }
}
