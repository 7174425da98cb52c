/**
 * Writing a response frame: the 4-byte size, then the payload, as separate
 * socket writes so that large payloads (lists of record-batch slices) are
 * never concatenated; the caller corks the socket so they leave in one writev.
 */
import type { Writable } from 'node:stream';
import { FRAME_SIZE_PREFIX_BYTES } from './frame-decoder';
import type { ResponsePayload } from './request-handler';

/** Largest payload a size prefix (int32) can describe. */
export const MAX_RESPONSE_PAYLOAD_BYTES = 0x7fffffff;

export function isResponsePayload(v: unknown): v is ResponsePayload {
  if (v === null || Buffer.isBuffer(v)) return true;
  if (!Array.isArray(v)) return false;
  for (const b of v) if (!Buffer.isBuffer(b)) return false;
  return true;
}

export function payloadLength(r: Buffer | readonly Buffer[]): number {
  if (Buffer.isBuffer(r)) return r.length;
  let n = 0;
  for (const b of r) n += b.length;
  return n;
}

/** A short description of a value that is not a response payload, for error messages. */
export function describeNonPayload(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array containing a non-Buffer';
  return typeof v;
}

/**
 * Writes `payload` prefixed with its size; returns the bytes handed to the
 * stream. `length` is the payload's length, already computed by the caller.
 * `written`, if given, is called once the stream is done with the payload's
 * memory (its last write's callback: the bytes are in the kernel, or the
 * socket was destroyed and will not touch them).
 */
export function writeResponseFrame(out: Writable, payload: Buffer | readonly Buffer[], length: number, written?: () => void): number {
  // A fresh 4-byte buffer (from Node's pool) per response: the stream keeps
  // a reference until the bytes are sent, so it cannot be reused.
  const size = Buffer.allocUnsafe(FRAME_SIZE_PREFIX_BYTES);
  size.writeInt32BE(length, 0);
  if (Buffer.isBuffer(payload)) {
    out.write(size, length === 0 ? written : undefined);
    if (length > 0) out.write(payload, written);
  } else {
    let last = -1;
    for (let i = 0; i < payload.length; i++) if (payload[i]!.length > 0) last = i;
    out.write(size, last < 0 ? written : undefined);
    for (let i = 0; i <= last; i++) {
      const b = payload[i]!;
      if (b.length > 0) out.write(b, i === last ? written : undefined);
    }
  }
  return FRAME_SIZE_PREFIX_BYTES + length;
}
