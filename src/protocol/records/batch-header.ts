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

/** Recomputes and stores the CRC after a change to a CRC-covered field. */
export const rewriteCrc = (buf: Buffer, off: number): void => {
  buf.writeUInt32BE(computeBatchCrc(buf, off, batchSize(buf, off)), off + CRC_OFFSET);
};
