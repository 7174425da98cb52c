/**
 * Registers kafkajs compression codecs for snappy, lz4 and zstd (kafkajs ships only gzip).
 * snappy and lz4 are the usual community packages (kafkajs-snappy, and @2l/kafkajs-lz4, the kafkajs-lz4 API over prebuilt lz4-napi binaries instead of a node-gyp build). The usual
 * zstd package, @kafkajs/zstd, builds the native cppzst addon, which no longer compiles against
 * Node 20's headers; the zstd codec here is the same few lines over zstd-napi, which the broker
 * already depends on. All three produce the standard framings Kafka expects (snappy raw blocks or
 * xerial frames, the LZ4 frame format, zstd frames).
 */
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import LZ4Codec from '@2l/kafkajs-lz4';
import { Compressor, Decompressor } from 'zstd-napi';

function zstdCodec() {
  return {
    async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
      return new Compressor().compress(encoder.buffer);
    },
    async decompress(buffer: Buffer): Promise<Buffer> {
      return new Decompressor().decompress(buffer);
    },
  };
}

export function registerCodecs(): void {
  CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;
  CompressionCodecs[CompressionTypes.ZSTD] = zstdCodec;
}
