/**
 * Magic-2 record batch header: reading and patching the fixed 61-byte header without touching
 * the records. Byte layout (big-endian):
 *
 *   0  baseOffset            int64   not covered by the CRC (the broker assigns it)
 *   8  batchLength           int32   bytes after this field
 *  12  partitionLeaderEpoch  int32   not covered by the CRC (the broker stamps it)
 *  16  magic                 int8    2
 *  17  crc                   uint32  CRC-32C of bytes 21..end
 *  21  attributes            int16   bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control
 *  23  lastOffsetDelta       int32
 *  27  baseTimestamp         int64
 *  35  maxTimestamp          int64
 *  43  producerId            int64
 *  51  producerEpoch         int16
 *  53  baseSequence          int32
 *  57  recordCount           int32
 *  61  records...
 */
import { crc32c } from '@node-rs/crc32';

export const BATCH_HEADER_SIZE = 61;
/** Bytes before batchLength's count starts: baseOffset + batchLength. */
export const LOG_OVERHEAD = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const RECORD_COUNT_OFFSET = 57;
export const CURRENT_MAGIC = 2;

/** Kafka's -1 sentinels (RecordBatch.NO_*). */
export const NO_TIMESTAMP = -1;
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

/** Attribute bit 3. */
export const TimestampType = { CREATE_TIME: 0, LOG_APPEND_TIME: 1 } as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];

export const Attr = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_TYPE: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  DELETE_HORIZON: 0x40,
} as const;

export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;
export type CompressionType = (typeof Compression)[keyof typeof Compression];

export interface BatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Reads the header of the batch at `off`; the caller has checked that 61 bytes are there. */
export function readBatchHeader(buf: Buffer, off = 0): BatchHeader {
  return {
    baseOffset: buf.readBigInt64BE(off),
    batchLength: buf.readInt32BE(off + 8),
    partitionLeaderEpoch: buf.readInt32BE(off + 12),
    magic: buf.readInt8(off + 16),
    crc: buf.readUInt32BE(off + 17),
    attributes: buf.readInt16BE(off + 21),
    lastOffsetDelta: buf.readInt32BE(off + 23),
    baseTimestamp: buf.readBigInt64BE(off + 27),
    maxTimestamp: buf.readBigInt64BE(off + 35),
    producerId: buf.readBigInt64BE(off + 43),
    producerEpoch: buf.readInt16BE(off + 51),
    baseSequence: buf.readInt32BE(off + 53),
    recordCount: buf.readInt32BE(off + 57),
  };
}

/** Total size of the batch at `off` (batchLength + 12). */
export const batchSize = (buf: Buffer, off = 0): number => buf.readInt32BE(off + 8) + LOG_OVERHEAD;

/** CRC-32C over attributes..end of the batch at `off` whose total size is `size`. */
export const computeBatchCrc = (buf: Buffer, off: number, size: number): number =>
  crc32c(buf.subarray(off + ATTRIBUTES_OFFSET, off + size)) >>> 0;

export const setBaseOffset = (buf: Buffer, off: number, baseOffset: bigint): void => {
  buf.writeBigInt64BE(baseOffset, off);
};

export const setPartitionLeaderEpoch = (buf: Buffer, off: number, epoch: number): void => {
  buf.writeInt32BE(epoch, off + 12);
};

export const compressionOf = (attributes: number): number => attributes & Attr.COMPRESSION_MASK;
export const timestampTypeOf = (attributes: number): TimestampType =>
  attributes & Attr.TIMESTAMP_TYPE ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
export const isTransactional = (attributes: number): boolean => (attributes & Attr.TRANSACTIONAL) !== 0;
export const isControl = (attributes: number): boolean => (attributes & Attr.CONTROL) !== 0;
export const hasDeleteHorizon = (attributes: number): boolean => (attributes & Attr.DELETE_HORIZON) !== 0;

/** Fields of a header to write; batchLength and crc are derived. */
export type BatchHeaderFields = Omit<BatchHeader, 'batchLength' | 'crc' | 'magic'>;

/**
 * Writes a complete 61-byte header at `off` for a batch of `size` total bytes whose records are
 * already in place after it, then computes the CRC.
 */
export function writeBatchHeader(buf: Buffer, off: number, size: number, h: BatchHeaderFields): void {
  buf.writeBigInt64BE(h.baseOffset, off);
  buf.writeInt32BE(size - LOG_OVERHEAD, off + 8);
  buf.writeInt32BE(h.partitionLeaderEpoch, off + 12);
  buf.writeInt8(CURRENT_MAGIC, off + MAGIC_OFFSET);
  buf.writeInt16BE(h.attributes, off + ATTRIBUTES_OFFSET);
  buf.writeInt32BE(h.lastOffsetDelta, off + LAST_OFFSET_DELTA_OFFSET);
  buf.writeBigInt64BE(h.baseTimestamp, off + BASE_TIMESTAMP_OFFSET);
  buf.writeBigInt64BE(h.maxTimestamp, off + MAX_TIMESTAMP_OFFSET);
  buf.writeBigInt64BE(h.producerId, off + 43);
  buf.writeInt16BE(h.producerEpoch, off + 51);
  buf.writeInt32BE(h.baseSequence, off + 53);
  buf.writeInt32BE(h.recordCount, off + RECORD_COUNT_OFFSET);
  buf.writeUInt32BE(computeBatchCrc(buf, off, size), off + CRC_OFFSET);
}

/** Recomputes and stores the CRC after a change to a CRC-covered field. */
export const rewriteCrc = (buf: Buffer, off: number): void => {
  buf.writeUInt32BE(computeBatchCrc(buf, off, batchSize(buf, off)), off + CRC_OFFSET);
};
