/**
 * One entry point per direction for Kafka's compression codecs (attribute bits 0-2 of a batch or
 * legacy message): 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. Ids 5-7 are not codecs and raise
 * UnsupportedCompressionTypeError (UNSUPPORTED_COMPRESSION_TYPE, as Kafka's CompressionType.forId).
 *
 * Synchronous on purpose: record decoding is synchronous (see DESIGN.md), and every codec here
 * runs a single native call per block.
 */
import { Compression, CompressionType } from '../records/batch-header';
import { UnsupportedCompressionTypeError } from '../records/errors';
import { noteDecodedBytes } from './decoded-garbage';
import { DecompressScratch } from './decompress-scratch';
import { gzipCompress, gzipDecompress } from './gzip';
import { lz4Compress, lz4Decompress } from './lz4-frame';
import { snappyCompress, snappyDecompress } from './snappy';
import { zstdCompress, zstdDecompress } from './zstd';

/** Default limit on decompressed bytes per compressed batch or wrapper message. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export const COMPRESSION_NAMES: Readonly<Record<CompressionType, string>> = {
  [Compression.NONE]: 'none',
  [Compression.GZIP]: 'gzip',
  [Compression.SNAPPY]: 'snappy',
  [Compression.LZ4]: 'lz4',
  [Compression.ZSTD]: 'zstd',
};

export interface CompressOptions {
  /** Codec level (gzip 1-9, default 6; zstd default 3). Snappy and lz4 ignore it. */
  level?: number;
  /** lz4 only: write the pre-KIP-57 header checksum that magic-0 message sets carry. */
  legacyLz4HeaderChecksum?: boolean;
}

export interface DecompressOptions {
  /** Fail with DecompressedSizeExceededError past this many output bytes. */
  maxOutputBytes?: number;
  /** lz4 only: skip the header checksum check, as Kafka does for magic-0 message sets. */
  legacyLz4HeaderChecksum?: boolean;
  /**
   * Reusable memory the output may be placed in (lz4, zstd): the result is then valid only until
   * the scratch's next use, so nothing may keep a slice of it.
   */
  scratch?: DecompressScratch;
}

/** Checks a codec id from the wire; throws UnsupportedCompressionTypeError for 5-7. */
export function toCompressionType(id: number): CompressionType {
  if (id >= Compression.NONE && id <= Compression.ZSTD && Number.isInteger(id)) return id as CompressionType;
  throw new UnsupportedCompressionTypeError(`unknown compression type id ${id}`);
}

export function compress(type: CompressionType, data: Buffer, options: CompressOptions = {}): Buffer {
  switch (type) {
    case Compression.NONE:
      return data;
    case Compression.GZIP:
      return gzipCompress(data, options.level);
    case Compression.SNAPPY:
      return snappyCompress(data);
    case Compression.LZ4:
      return lz4Compress(data, options.legacyLz4HeaderChecksum ?? false);
    case Compression.ZSTD:
      return zstdCompress(data, options.level);
    default:
      throw new UnsupportedCompressionTypeError(`unknown compression type id ${type as number}`);
  }
}

export function decompress(type: CompressionType, data: Buffer, options: DecompressOptions = {}): Buffer {
  if (type === Compression.NONE) return data;
  const out = decode(type, data, options.maxOutputBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES, options);
  noteDecodedBytes(out.length);
  return out;
}

function decode(type: CompressionType, data: Buffer, max: number, options: DecompressOptions): Buffer {
  switch (type) {
    case Compression.GZIP:
      return gzipDecompress(data, max);
    case Compression.SNAPPY:
      return snappyDecompress(data, max);
    case Compression.LZ4:
      return lz4Decompress(data, max, options.legacyLz4HeaderChecksum ?? false, options.scratch);
    case Compression.ZSTD:
      return zstdDecompress(data, max, options.scratch);
    default:
      throw new UnsupportedCompressionTypeError(`unknown compression type id ${type as number}`);
  }
}
