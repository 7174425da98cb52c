/**
 * Request/response framing on top of the generated codecs: which header version goes with an
 * API version, decoding a request frame into header + body, encoding a response.
 * Frames here exclude the 4-byte size prefix (the network layer owns that).
 */
import { API_SPECS, ApiSpec } from './generated';
import { decodeRequestHeader, encodeRequestHeader, RequestHeader } from './generated/request-header';
import { decodeResponseHeader, encodeResponseHeader } from './generated/response-header';
import { MalformedMessageError, UnsupportedVersionError } from './primitives/errors';
import { Reader } from './primitives/reader';
import { Writer } from './primitives/writer';

export const API_VERSIONS_KEY = 18;
const CONTROLLED_SHUTDOWN_KEY = 7;

export function isFlexible(spec: ApiSpec, version: number): boolean {
  return spec.flexibleFrom >= 0 && version >= spec.flexibleFrom;
}

/** Request header version: 2 for flexible API versions, else 1 (ControlledShutdown v0: 0). */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === CONTROLLED_SHUTDOWN_KEY && apiVersion === 0) return 0;
  const spec = API_SPECS.get(apiKey);
  return spec && isFlexible(spec, apiVersion) ? 2 : 1;
}

/**
 * Response header version: 1 for flexible API versions, else 0. ApiVersions responses always
 * use v0 so that a client can read them whatever version it asked with (KIP-511).
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === API_VERSIONS_KEY) return 0;
  const spec = API_SPECS.get(apiKey);
  return spec && isFlexible(spec, apiVersion) ? 1 : 0;
}

/** The first 8 bytes of every request header, readable whatever the API and version. */
export interface RequestPreamble {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

export function readPreamble(frame: Buffer): RequestPreamble {
  if (frame.length < 8) throw new MalformedMessageError(`request of ${frame.length} bytes is shorter than a request header`);
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

export interface DecodedRequestHeader {
  header: RequestHeader;
  /** Reader positioned at the start of the body. */
  body: Reader;
}

/**
 * Decodes the request header. An API key or version the specs do not define cannot have its
 * header version known; it is read as header v1 (no tagged fields) and reported as unsupported
 * by the caller, as Kafka does.
 */
export function decodeRequestHeaderOf(frame: Buffer): DecodedRequestHeader {
  const { apiKey, apiVersion } = readPreamble(frame);
  const r = new Reader(frame);
  const spec = API_SPECS.get(apiKey);
  const known = spec !== undefined && apiVersion >= spec.minVersion && apiVersion <= spec.maxVersion;
  const header = decodeRequestHeader(r, known ? requestHeaderVersion(apiKey, apiVersion) : 1);
  return { header, body: r };
}

/** Decodes a whole request frame; throws UnsupportedVersionError for unknown keys or versions. */
export function decodeRequest(frame: Buffer): { header: RequestHeader; body: unknown } {
  const { header, body } = decodeRequestHeaderOf(frame);
  const spec = API_SPECS.get(header.requestApiKey);
  if (!spec) throw new UnsupportedVersionError(`unknown API key ${header.requestApiKey}`);
  if (header.requestApiVersion < spec.minVersion || header.requestApiVersion > spec.maxVersion) {
    throw new UnsupportedVersionError(`${spec.name} v${header.requestApiVersion} is not between v${spec.minVersion} and v${spec.maxVersion}`);
  }
  const msg = spec.request.decode(body, header.requestApiVersion);
  if (body.remaining !== 0) body.fail(`${body.remaining} bytes after the end of ${spec.name} v${header.requestApiVersion}`);
  return { header, body: msg };
}

/** Encodes a request frame (header + body, no size prefix). Used by tests and tools. */
export function encodeRequest(apiKey: number, apiVersion: number, correlationId: number, clientId: string | null, body: unknown): Buffer {
  const spec = API_SPECS.get(apiKey);
  if (!spec) throw new UnsupportedVersionError(`unknown API key ${apiKey}`);
  const w = new Writer();
  encodeRequestHeader(w, { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId }, requestHeaderVersion(apiKey, apiVersion));
  spec.request.encode(w, body, apiVersion);
  return w.toBuffer();
}

/** Encodes a response (header + body, no size prefix) as buffers ready for writev. */
export function encodeResponse(apiKey: number, apiVersion: number, correlationId: number, body: unknown): Buffer[] {
  const spec = API_SPECS.get(apiKey);
  if (!spec) throw new UnsupportedVersionError(`unknown API key ${apiKey}`);
  const w = new Writer();
  encodeResponseHeader(w, { correlationId }, responseHeaderVersion(apiKey, apiVersion));
  spec.response.encode(w, body, apiVersion);
  return w.toBuffers();
}

/** Decodes a response frame (no size prefix) for a request of `apiKey` at `apiVersion`. */
export function decodeResponse(apiKey: number, apiVersion: number, frame: Buffer): { correlationId: number; body: unknown } {
  const spec = API_SPECS.get(apiKey);
  if (!spec) throw new UnsupportedVersionError(`unknown API key ${apiKey}`);
  const r = new Reader(frame);
  const { correlationId } = decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
  const body = spec.response.decode(r, apiVersion);
  if (r.remaining !== 0) r.fail(`${r.remaining} bytes after the end of ${spec.name} response v${apiVersion}`);
  return { correlationId, body };
}
