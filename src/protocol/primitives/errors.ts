/** Errors raised by the sans-IO codec layer. */

/** A frame that cannot be decoded: truncated, a bad length or count, a bad varint. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
  readonly code = 'MALFORMED_MESSAGE';
}

/** A request or response version this codec does not define. */
export class UnsupportedVersionError extends Error {
  override name = 'UnsupportedVersionError';
  readonly code = 'UNSUPPORTED_VERSION';
}

/** A value that cannot be encoded in the requested version (e.g. null where not nullable). */
export class EncodeError extends Error {
  override name = 'EncodeError';
  readonly code = 'ENCODE_ERROR';
}
