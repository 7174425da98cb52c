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
 */
export function writeResponseFrame(out: Writable, payload: Buffer | readonly Buffer[], length: number): number {
  // A fresh 4-byte buffer (from Node's pool) per response: the stream keeps
  // a reference until the bytes are sent, so it cannot be reused.
  const size = Buffer.allocUnsafe(FRAME_SIZE_PREFIX_BYTES);
  size.writeInt32BE(length, 0);
  out.write(size);
  if (Buffer.isBuffer(payload)) {
    if (length > 0) out.write(payload);
  } else {
    for (const b of payload) if (b.length > 0) out.write(b);
  }
  return FRAME_SIZE_PREFIX_BYTES + length;
}
