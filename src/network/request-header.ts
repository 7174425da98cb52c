/**
 * The fixed first 8 bytes of every Kafka request header (all header versions
 * start the same way): int16 api key, int16 api version, int32 correlation id.
 * The network layer reads only these, for bookkeeping and logs; decoding the
 * rest (client id, tagged fields) is the server layer's job.
 */

export const REQUEST_HEADER_PREFIX_BYTES = 8;

export interface RequestHeaderPrefix {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
}

/** The header prefix of `frame`, or null if the frame is too short to hold one. */
export function peekRequestHeader(frame: Buffer): RequestHeaderPrefix | null {
  if (frame.length < REQUEST_HEADER_PREFIX_BYTES) return null;
  return {
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  };
}
