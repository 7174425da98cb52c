/** Kafka compression codecs: bounded decompression, Kafka-compatible framing (xerial snappy, lz4 frames). */
export {
  compress,
  decompress,
  toCompressionType,
  COMPRESSION_NAMES,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type CompressOptions,
  type DecompressOptions,
} from './codec';
export { availableBackends, overrideBackends, resetBackendOverrides } from './backends';
export { gzipCompress, gzipDecompress } from './gzip';
export { snappyCompress, snappyDecompress, isXerialFramed } from './snappy';
export { lz4Compress, lz4Decompress, readLz4FrameDescriptor } from './lz4-frame';
export { zstdCompress, zstdDecompress } from './zstd';
export { xxhash32 } from './xxhash32';
export { DecompressScratch } from './decompress-scratch';
