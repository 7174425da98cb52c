/**
 * zstd (magic-2 batches only; Kafka accepts it from Produce v7, KIP-110) through zstd-napi's
 * low-level binding, so that decompression is bounded: zstd-napi's convenience `decompress` trusts
 * the frame's declared content size and would allocate whatever a frame claims.
 *
 * Decompression: one fast single-shot call when the frame declares a content size within the
 * limit, otherwise streaming into chunks until the limit. Concatenated frames are accepted (the
 * Java client's ZstdInputStream reads them). The window is capped at 2^27 bytes, zstd's own
 * default decoder limit and what the Java client accepts.
 */
import { CodecUnavailableError, CorruptRecordError, DecompressedSizeExceededError } from '../records/errors';
import { backend, ZstdBinding, ZstdCCtx, ZstdDCtx } from './backends';
import { DecompressScratch } from './decompress-scratch';

/** Kafka's default zstd level (CompressionType.ZSTD default, zstd's own default). */
export const ZSTD_DEFAULT_LEVEL = 3;
const WINDOW_LOG_MAX = 27;
const STREAM_CHUNK = 128 * 1024;

let shared: { lib: ZstdBinding; cctx: ZstdCCtx; level: number; dctx: ZstdDCtx } | undefined;

function contexts(operation: 'compress' | 'decompress') {
  const lib = backend('zstd');
  if (!lib) throw new CodecUnavailableError('zstd', operation);
  if (!shared || shared.lib !== lib) {
    const dctx = new lib.DCtx();
    dctx.setParameter(lib.DParameter.windowLogMax, WINDOW_LOG_MAX);
    shared = { lib, cctx: new lib.CCtx(), level: NaN, dctx };
  }
  return shared;
}

export function zstdCompress(data: Buffer, level = ZSTD_DEFAULT_LEVEL): Buffer {
  const ctx = contexts('compress');
  if (ctx.level !== level) {
    ctx.cctx.setParameter(ctx.lib.CParameter.compressionLevel, level);
    ctx.level = level;
  }
  const out = Buffer.allocUnsafe(ctx.lib.compressBound(data.length));
  const n = ctx.cctx.compress2(out, data);
  return out.subarray(0, n);
}

/** Decompresses zstd frames; with `scratch`, a frame that declares its size is decoded into the scratch's memory. */
export function zstdDecompress(data: Buffer, maxOutputBytes: number, scratch?: DecompressScratch): Buffer {
  const ctx = contexts('decompress');
  const { lib, dctx } = ctx;
  dctx.reset(lib.ResetDirective.sessionOnly);
  try {
    const declared = data.length > 0 ? safeContentSize(lib, data) : null;
    if (declared !== null && declared <= maxOutputBytes) {
      const out = scratch ? scratch.take(declared) : Buffer.allocUnsafe(declared);
      try {
        if (dctx.decompress(out, data) === declared) return out;
      } catch {
        // More than one frame, or a lying header: the streaming path decides.
      }
      dctx.reset(lib.ResetDirective.sessionOnly);
    } else if (declared !== null) {
      throw new DecompressedSizeExceededError('zstd', maxOutputBytes);
    }
    return streamDecompress(dctx, data, maxOutputBytes);
  } catch (e) {
    dctx.reset(lib.ResetDirective.sessionOnly);
    if (e instanceof DecompressedSizeExceededError || e instanceof CorruptRecordError) throw e;
    throw new CorruptRecordError(`invalid zstd data: ${(e as Error).message}`, { cause: e });
  }
}

function safeContentSize(lib: ZstdBinding, data: Buffer): number | null {
  try {
    return lib.getFrameContentSize(data);
  } catch {
    return null;
  }
}

function streamDecompress(dctx: ZstdDCtx, data: Buffer, maxOutputBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let produced = 0;
  let srcPos = 0;
  let frameOpen = false;
  // One byte beyond the limit tells "exactly at the limit" from "over it".
  let chunk = Buffer.allocUnsafe(Math.min(maxOutputBytes + 1, Math.max(STREAM_CHUNK, data.length * 4)));
  let chunkPos = 0;
  while (srcPos < data.length || frameOpen) {
    if (chunkPos === chunk.length) {
      chunks.push(chunk);
      chunk = Buffer.allocUnsafe(Math.min(maxOutputBytes + 1 - produced, Math.max(STREAM_CHUNK, produced)));
      chunkPos = 0;
    }
    const [remaining, written, consumed] = dctx.decompressStream(chunk.subarray(chunkPos), data.subarray(srcPos));
    chunkPos += written;
    produced += written;
    srcPos += consumed;
    if (produced > maxOutputBytes) throw new DecompressedSizeExceededError('zstd', maxOutputBytes);
    frameOpen = remaining !== 0;
    if (written === 0 && consumed === 0 && chunkPos < chunk.length) {
      throw new CorruptRecordError('invalid zstd data: the input ends inside a frame');
    }
  }
  chunks.push(chunk.subarray(0, chunkPos));
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, produced);
}
