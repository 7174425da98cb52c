/**
 * The two synchronous halves of an append around the write:
 *   analyzeAppend  — when the request arrives: framing, magic, CRC, size and client rules, by
 *                    batch headers only (Kafka: UnifiedLog.analyzeAndValidateRecords). Records
 *                    are decoded only if the caller passes `validateBatch` (the protocol layer's
 *                    record validation), so the bytes the producer sent are the bytes stored.
 *   assignOffsets  — in the partition's serial queue, right before the write: base offsets and the
 *                    leader epoch are rewritten in place (neither is covered by the CRC), and for
 *                    LogAppendTime the timestamp type and max timestamp with a new CRC (Kafka:
 *                    LogValidator's in-place path for magic 2).
 */
import { Attr, CRC_OFFSET, computeBatchCrc } from '../protocol/records/batch-header';
import {
  BatchCheck,
  BatchSummary,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  checkBatchAt,
  isControlBatch,
  summarizeBatch,
} from './batch-scan';
import {
  CorruptRecordError,
  InvalidRecordError,
  OffsetOverflowError,
  RecordBatchTooLargeError,
  RecordTooLargeError,
  UnsupportedMessageFormatError,
} from './errors';
import { LogConfig, TimestampType } from './log-config';
import { MAX_OFFSET, writeInt64 } from './offsets';

export const AppendOrigin = {
  /** A producer: offsets assigned here, client rules apply. */
  CLIENT: 'client',
  /** A follower copying the leader: offsets and epochs kept as they are. */
  REPLICATION: 'replication',
  /** The broker's own coordinators (control/marker batches allowed). */
  COORDINATOR: 'coordinator',
} as const;
export type AppendOriginName = (typeof AppendOrigin)[keyof typeof AppendOrigin];

export interface AnalyzedAppend {
  records: Buffer;
  batches: BatchSummary[];
  /** Number of offsets the batches take (sum of lastOffsetDelta + 1). */
  offsetCount: number;
  recordCount: number;
  maxTimestamp: number;
}

const PRODUCER_ID_OFFSET = 43;
const BASE_SEQUENCE_OFFSET = 53;

/** Validates `records` (one or more whole batches) without decoding records. */
export function analyzeAppend(
  records: Buffer,
  origin: AppendOriginName,
  config: Readonly<LogConfig>,
  validateBatch?: (batch: Buffer) => void,
): AnalyzedAppend {
  const batches: BatchSummary[] = [];
  let off = 0;
  let offsetCount = 0;
  let recordCount = 0;
  let maxTimestamp = -1;
  const maxMessageBytes = config['max.message.bytes'];
  let prevLast = -1;
  while (off < records.length) {
    if (records.length - off > 16 && records[off + 16] !== 2) {
      throw new UnsupportedMessageFormatError(`batch at byte ${off} has magic ${records[off + 16]}; only magic 2 is stored`);
    }
    const check = checkBatchAt(records, off, records.length, true);
    if (check !== BatchCheck.OK) {
      throw new CorruptRecordError(
        check === BatchCheck.INCOMPLETE
          ? `record data ends inside the batch at byte ${off} (${records.length} bytes)`
          : `batch at byte ${off} fails its length, offset or CRC checks`,
      );
    }
    const b = summarizeBatch(records, off);
    if (b.size > maxMessageBytes) {
      throw new RecordTooLargeError(`batch of ${b.size} bytes is larger than max.message.bytes ${maxMessageBytes}`);
    }
    const delta = b.lastOffset - b.baseOffset;
    if (origin === AppendOrigin.CLIENT) {
      if (isControlBatch(b.attributes)) throw new InvalidRecordError('clients may not append control batches');
      if (b.recordCount <= 0 || delta + 1 !== b.recordCount) {
        throw new InvalidRecordError(`record count ${b.recordCount} does not match lastOffsetDelta ${delta}`);
      }
      if (records.readBigInt64BE(off + PRODUCER_ID_OFFSET) !== -1n && records.readInt32BE(off + BASE_SEQUENCE_OFFSET) < 0) {
        throw new InvalidRecordError('a batch with a producer id must have a base sequence >= 0');
      }
    } else if (origin === AppendOrigin.REPLICATION) {
      if (b.baseOffset <= prevLast) {
        throw new InvalidRecordError(`offsets go backwards: batch ${b.baseOffset} after ${prevLast}`);
      }
      prevLast = b.lastOffset;
    }
    validateBatch?.(records.subarray(off, off + b.size));
    batches.push(b);
    offsetCount += delta + 1;
    recordCount += b.recordCount;
    if (b.maxTimestamp > maxTimestamp) maxTimestamp = b.maxTimestamp;
    off += b.size;
  }
  if (records.length > config['segment.bytes']) {
    throw new RecordBatchTooLargeError(
      `${records.length} bytes of batches do not fit a segment of segment.bytes ${config['segment.bytes']}`,
    );
  }
  return { records, batches, offsetCount, recordCount, maxTimestamp };
}

export interface AssignOptions {
  origin: AppendOriginName;
  /** Stamped on every batch unless the origin is replication; -1 leaves the field alone. */
  leaderEpoch: number;
  /** Wall-clock now, used for LogAppendTime. */
  nowMs: number;
  timestampType: (typeof TimestampType)[keyof typeof TimestampType];
}

/**
 * Rewrites the headers of `a` in place starting at offset `nextOffset`, and sets each summary's
 * offsets, timestamp and file `position` (starting at `position`). Returns the next offset.
 * For replication the batches keep their offsets, which must be >= `nextOffset`.
 */
export function assignOffsets(a: AnalyzedAppend, nextOffset: number, position: number, o: AssignOptions): number {
  const buf = a.records;
  let next = nextOffset;
  let pos = position;
  let off = 0;
  const stampEpoch = o.origin !== AppendOrigin.REPLICATION && o.leaderEpoch >= 0;
  const appendTime = o.origin !== AppendOrigin.REPLICATION && o.timestampType === TimestampType.LOG_APPEND_TIME;
  for (const b of a.batches) {
    const delta = b.lastOffset - b.baseOffset;
    if (o.origin === AppendOrigin.REPLICATION) {
      if (b.baseOffset < next) {
        throw new InvalidRecordError(`replicated batch at offset ${b.baseOffset} is below the log end offset ${next}`);
      }
    } else {
      if (next + delta > MAX_OFFSET) throw new OffsetOverflowError(`offset ${next + delta} exceeds 2^53 - 1`);
      writeInt64(buf, next, off);
      b.baseOffset = next;
      b.lastOffset = next + delta;
    }
    if (stampEpoch) {
      buf.writeInt32BE(o.leaderEpoch, off + PARTITION_LEADER_EPOCH_OFFSET);
      b.partitionLeaderEpoch = o.leaderEpoch;
    }
    if (appendTime && !isControlBatch(b.attributes)) {
      const attrs = (b.attributes | Attr.TIMESTAMP_TYPE) & 0xffff;
      buf.writeInt16BE((attrs << 16) >> 16, off + 21);
      writeInt64(buf, o.nowMs, off + MAX_TIMESTAMP_OFFSET);
      buf.writeUInt32BE(computeBatchCrc(buf, off, b.size), off + CRC_OFFSET);
      b.attributes = attrs;
      b.maxTimestamp = o.nowMs;
    }
    b.position = pos;
    next = b.lastOffset + 1;
    pos += b.size;
    off += b.size;
  }
  return next;
}
