/**
 * Splitting a records blob (a Produce/Fetch `records` field, or a log segment's bytes) into its
 * entries without copying. Every entry, magic 0, 1 or 2, starts with int64 offset + int32 size,
 * and has its magic at byte 16 (Kafka's Records.LOG_OVERHEAD / MAGIC_OFFSET).
 *
 * Like Kafka's ByteBufferLogInputStream, an incomplete trailing entry (a fetch response cut at
 * its size limit, a segment torn by a crash) ends the iteration without error; a size field that
 * is impossible for any entry is corruption.
 */
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, MAGIC_OFFSET } from './batch-header';
import { CorruptRecordError } from './errors';

/** Smallest legacy message after the 12-byte prefix: crc 4 + magic 1 + attributes 1 + key len 4 + value len 4. */
export const LEGACY_RECORD_OVERHEAD_V0 = 14;
/** The same plus the magic-1 timestamp. */
export const LEGACY_RECORD_OVERHEAD_V1 = 22;

export interface BatchSlice {
  /** Byte position of the entry within the iterated buffer (not a Kafka offset). */
  offset: number;
  /** Total bytes of the entry, including the 12-byte offset/size prefix. */
  size: number;
  /** 0 or 1: one legacy message (possibly a compressed wrapper); 2: a RecordBatch. */
  magic: number;
}

export interface IterateBatchesOptions {
  /** Entries larger than this are corruption (Kafka's maxMessageSize). Default: no limit. */
  maxBatchSize?: number;
}

/**
 * Reads the entry at `pos`. Returns undefined if it is incomplete (fewer bytes than its prefix or
 * its size field say); throws CorruptRecordError if its size or magic cannot be right.
 */
export function readBatchSlice(buf: Buffer, pos: number, options: IterateBatchesOptions = {}): BatchSlice | undefined {
  const available = buf.length - pos;
  if (available < LOG_OVERHEAD) return undefined;
  const entrySize = buf.readInt32BE(pos + 8);
  if (entrySize < LEGACY_RECORD_OVERHEAD_V0) {
    throw new CorruptRecordError(`record size ${entrySize} at byte ${pos} is less than the minimum record overhead (${LEGACY_RECORD_OVERHEAD_V0})`);
  }
  const size = entrySize + LOG_OVERHEAD;
  if (options.maxBatchSize !== undefined && size > options.maxBatchSize) {
    throw new CorruptRecordError(`record batch of ${size} bytes at byte ${pos} exceeds the largest allowed size (${options.maxBatchSize})`);
  }
  if (available < size) return undefined;
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic === 2) {
    if (size < BATCH_HEADER_SIZE) {
      throw new CorruptRecordError(`record batch of ${size} bytes at byte ${pos} is smaller than the ${BATCH_HEADER_SIZE}-byte header`);
    }
  } else if (magic === 1) {
    if (entrySize < LEGACY_RECORD_OVERHEAD_V1) {
      throw new CorruptRecordError(`magic 1 message of ${entrySize} bytes at byte ${pos} is smaller than its ${LEGACY_RECORD_OVERHEAD_V1}-byte overhead`);
    }
  } else if (magic !== 0) {
    throw new CorruptRecordError(`invalid magic ${magic} in entry at byte ${pos}`);
  }
  return { offset: pos, size, magic };
}

/** Yields every complete entry of `buf`, in order; stops silently at an incomplete trailing one. */
export function* iterateBatches(buf: Buffer, options: IterateBatchesOptions = {}): Generator<BatchSlice, void, undefined> {
  let pos = 0;
  for (;;) {
    const slice = readBatchSlice(buf, pos, options);
    if (!slice) return;
    yield slice;
    pos += slice.size;
  }
}

export interface BatchScan {
  batches: BatchSlice[];
  /** Bytes covered by complete entries (where a torn log should be truncated to). */
  validBytes: number;
  /** True when bytes after `validBytes` form an incomplete trailing entry. */
  truncated: boolean;
}

/** Like iterateBatches, but also says whether (and where) a trailing entry was cut off. */
export function scanBatches(buf: Buffer, options: IterateBatchesOptions = {}): BatchScan {
  const batches: BatchSlice[] = [];
  let pos = 0;
  for (;;) {
    const slice = readBatchSlice(buf, pos, options);
    if (!slice) break;
    batches.push(slice);
    pos += slice.size;
  }
  return { batches, validBytes: pos, truncated: pos < buf.length };
}
