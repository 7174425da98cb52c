/**
 * Pure-TypeScript decoder for one raw LZ4 block (the sequence format inside LZ4 frames). Used when
 * `lz4-napi` is not installed, and to tell "corrupt" from "too large" when the native decoder
 * refuses a block. Bounded by construction: it writes only into `dst[dstStart, dstEnd)` and fails
 * with Lz4BlockError instead of writing past it.
 *
 * Block format: sequences of token (4 bits literal length, 4 bits match length − 4), optional
 * length extension bytes (255 = continue), literals, 2-byte little-endian match offset, optional
 * match length extension bytes. The last sequence has literals only.
 */

export class Lz4BlockError extends Error {
  override name = 'Lz4BlockError';

  constructor(
    message: string,
    /** True when the data was well formed so far but would write past dstEnd. */
    readonly outputOverflow = false,
  ) {
    super(message);
  }
}

/** An upper bound of what `compressedSize` bytes of block data can decode to (LZ4's ratio is < 255). */
export const lz4BlockOutputBound = (compressedSize: number): number => compressedSize * 255 + 16;

/** Decodes `src[srcStart, srcEnd)` into `dst` from `dstStart`; returns the number of bytes written. */
export function lz4DecodeBlockInto(
  src: Uint8Array,
  srcStart: number,
  srcEnd: number,
  dst: Uint8Array,
  dstStart: number,
  dstEnd: number,
): number {
  let ip = srcStart;
  let op = dstStart;
  if (srcStart >= srcEnd) throw new Lz4BlockError('empty lz4 block');
  for (;;) {
    const token = src[ip++];
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (ip >= srcEnd) throw new Lz4BlockError('lz4 block ends inside a literal length');
        b = src[ip++];
        literals += b;
      } while (b === 255);
    }
    if (literals > srcEnd - ip) throw new Lz4BlockError('lz4 literals run past the end of the block');
    if (literals > dstEnd - op) throw new Lz4BlockError('lz4 block decodes past the output limit', true);
    if (literals < 32) {
      for (let i = 0; i < literals; i++) dst[op++] = src[ip++];
    } else {
      dst.set(src.subarray(ip, ip + literals), op);
      ip += literals;
      op += literals;
    }
    if (ip === srcEnd) return op - dstStart; // the last sequence has no match
    if (srcEnd - ip < 2) throw new Lz4BlockError('lz4 block ends inside a match offset');
    const offset = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    if (offset === 0 || offset > op - dstStart) throw new Lz4BlockError(`lz4 match offset ${offset} points before the block output`);
    let matchLength = token & 15;
    if (matchLength === 15) {
      let b: number;
      do {
        if (ip >= srcEnd) throw new Lz4BlockError('lz4 block ends inside a match length');
        b = src[ip++];
        matchLength += b;
      } while (b === 255);
    }
    matchLength += 4;
    if (matchLength > dstEnd - op) throw new Lz4BlockError('lz4 block decodes past the output limit', true);
    let m = op - offset;
    if (offset >= matchLength && matchLength >= 32) {
      dst.copyWithin(op, m, m + matchLength);
      op += matchLength;
    } else {
      // Overlapping copy (offset < length repeats the last `offset` bytes): byte by byte.
      for (let i = 0; i < matchLength; i++) dst[op++] = dst[m++];
    }
    if (ip >= srcEnd) throw new Lz4BlockError('lz4 block ends with a match instead of literals');
  }
}
