/**
 * gzip through node:zlib. Kafka's Java client writes one gzip member (GZIPOutputStream, default
 * level 6); readers accept concatenated members, as zlib's gunzip does. Decompression is bounded
 * by zlib's `maxOutputLength`, which stops inflating at the limit instead of allocating more.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { CorruptRecordError, DecompressedSizeExceededError } from '../records/errors';

export const GZIP_DEFAULT_LEVEL = 6;

export const gzipCompress = (data: Buffer, level = GZIP_DEFAULT_LEVEL): Buffer => gzipSync(data, { level });

export function gzipDecompress(data: Buffer, maxOutputBytes: number): Buffer {
  try {
    // zlib refuses a limit of 0; one byte is then enough to notice any output at all.
    const out = gunzipSync(data, { maxOutputLength: Math.max(1, maxOutputBytes) });
    if (out.length > maxOutputBytes) throw new DecompressedSizeExceededError('gzip', maxOutputBytes);
    return out;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressedSizeExceededError('gzip', maxOutputBytes);
    if (e instanceof DecompressedSizeExceededError) throw e;
    throw new CorruptRecordError(`invalid gzip data: ${(e as Error).message}`, { cause: e });
  }
}
