/**
 * Raw snappy block format: a little-endian base-128 varint of the uncompressed length (at most 5
 * bytes, < 2^32), then elements. Tag byte, low 2 bits:
 *   00 literal: length−1 in the upper 6 bits, or 60..63 = 1..4 little-endian length bytes follow
 *   01 copy, length 4..11 in bits 2-4, 11-bit offset (bits 5-7 of the tag are its high bits)
 *   10 copy, length 1..64 in the upper 6 bits, 2-byte little-endian offset
 *   11 copy, length 1..64 in the upper 6 bits, 4-byte little-endian offset
 *
 * The pure-TypeScript decoder here is the fallback when the `snappy` library is missing. It writes
 * only into the declared length, which the caller has already checked against its limit.
 */

export class SnappyFormatError extends Error {
  override name = 'SnappyFormatError';
}

/** Reads the uncompressed-length preamble at `start`; returns [length, bytes used]. */
export function readSnappyLength(src: Uint8Array, start: number, end: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (start + i >= end) throw new SnappyFormatError('snappy data ends inside its length preamble');
    const b = src[start + i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (value > 0xffffffff) throw new SnappyFormatError('snappy length preamble exceeds 32 bits');
      return [value, i + 1];
    }
  }
  throw new SnappyFormatError('snappy length preamble is longer than 5 bytes');
}

/**
 * Decodes the elements in `src[start, end)` (after the preamble) into `dst[dstStart, dstStart +
 * length)`. Fails unless they produce exactly `length` bytes.
 */
export function snappyDecodeInto(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstStart: number,
  length: number,
): void {
  let ip = start;
  let op = dstStart;
  const dstEnd = dstStart + length;
  while (ip < end) {
    const tag = src[ip++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (end - ip < extra) throw new SnappyFormatError('snappy data ends inside a literal length');
        len = 0;
        for (let i = 0; i < extra; i++) len += src[ip + i] * 2 ** (8 * i);
        ip += extra;
      }
      len += 1;
      if (len > end - ip) throw new SnappyFormatError('snappy literal runs past the end of the input');
      if (len > dstEnd - op) throw new SnappyFormatError('snappy literal runs past the declared length');
      if (len < 32) {
        for (let i = 0; i < len; i++) dst[op++] = src[ip++];
      } else {
        dst.set(src.subarray(ip, ip + len), op);
        ip += len;
        op += len;
      }
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (ip >= end) throw new SnappyFormatError('snappy data ends inside a copy');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[ip++];
    } else if (kind === 2) {
      if (end - ip < 2) throw new SnappyFormatError('snappy data ends inside a copy');
      len = (tag >>> 2) + 1;
      offset = src[ip] | (src[ip + 1] << 8);
      ip += 2;
    } else {
      if (end - ip < 4) throw new SnappyFormatError('snappy data ends inside a copy');
      len = (tag >>> 2) + 1;
      offset = (src[ip] | (src[ip + 1] << 8) | (src[ip + 2] << 16) | (src[ip + 3] << 24)) >>> 0;
      ip += 4;
    }
    if (offset === 0 || offset > op - dstStart) throw new SnappyFormatError(`snappy copy offset ${offset} points before the output`);
    if (len > dstEnd - op) throw new SnappyFormatError('snappy copy runs past the declared length');
    let m = op - offset;
    if (offset >= len && len >= 32) {
      dst.copyWithin(op, m, m + len);
      op += len;
    } else {
      for (let i = 0; i < len; i++) dst[op++] = dst[m++];
    }
  }
  if (op !== dstEnd) throw new SnappyFormatError(`snappy data decoded to ${op - dstStart} bytes, its preamble said ${length}`);
}
