/**
 * Turns request frames into handler calls and handler results into response frames; the one
 * place where internal errors become wire error codes.
 *
 * Kafka's behaviour, followed here:
 * - ApiVersions at a version the broker does not know is answered in the v0 layout with
 *   UNSUPPORTED_VERSION and the ApiVersions range (KIP-511), so the client can pick a version.
 * - Any other API key or version the broker does not serve, and any request that cannot be
 *   parsed, closes the connection (Kafka's request parsing throws InvalidRequestException and
 *   the processor closes the channel); the reason is logged. Bytes left after a complete
 *   request body are ignored, as Kafka ignores them.
 * - A handler that fails as a whole answers with its error response carrying the mapped code.
 * - A request sees the effects of every earlier request on its connection (connection-sequencer.ts).
 */
import { attachRelease, type ConnectionContext, type RequestHandler, type ResponsePayload } from '../network';
import { ErrorCode } from '../protocol/error-codes';
import { toErrorCode } from '../protocol/kafka-errors';
import { API_VERSIONS_KEY, decodeRequestHeaderOf, encodeResponse, readPreamble } from '../protocol/frame';
import { API_SPECS } from '../protocol/generated';
import { encodeApiVersionsResponse } from '../protocol/generated/api-versions';
import { encodeResponseHeader } from '../protocol/generated/response-header';
import { MalformedMessageError } from '../protocol/primitives/errors';
import { Writer } from '../protocol/primitives/writer';
import type { Logger } from '../util/logger';
import type { RequestContext } from './handler';
import type { HandlerRegistry } from './handler-registry';
import { ConnectionSequencer } from './connection-sequencer';

export class RequestDispatcher implements RequestHandler {
  private readonly sequencer = new ConnectionSequencer();

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly log: Logger,
  ) {}

  handle(frame: Buffer, conn: ConnectionContext): Promise<ResponsePayload> | ResponsePayload {
    let pre;
    try {
      pre = readPreamble(frame);
    } catch (e) {
      return this.reject(conn, `unreadable request header: ${(e as Error).message}`);
    }
    const handler = this.registry.get(pre.apiKey);
    const supported = handler !== undefined && pre.apiVersion >= handler.minVersion && pre.apiVersion <= handler.maxVersion;
    if (!supported) {
      if (pre.apiKey === API_VERSIONS_KEY) return this.unsupportedApiVersions(pre.correlationId);
      const name = API_SPECS.get(pre.apiKey)?.name ?? `unknown API key ${pre.apiKey}`;
      const range = handler ? ` (supported: v${handler.minVersion}-v${handler.maxVersion})` : ' (not served by this broker)';
      return this.reject(conn, `${name} v${pre.apiVersion} is not supported${range}`);
    }

    let ctx: RequestContext;
    let req: unknown;
    // What the handler asked to run once the response is out (RequestContext.onResponseDone).
    const releases = new ResponseReleases(this.log);
    try {
      const { header, body } = decodeRequestHeaderOf(frame);
      // Bytes after the body are ignored, as Kafka ignores them (its request parser stops after
      // the last field). librdkafka 2.x sends all-topics Metadata v9+ requests with three such
      // bytes (compat-tests/confluent-kafka-python/FINDINGS.md).
      req = API_SPECS.get(pre.apiKey)!.request.decode(body, pre.apiVersion);
      ctx = { header, apiVersion: pre.apiVersion, clientId: header.clientId, connection: conn, log: this.log, onResponseDone: (fn) => releases.add(fn) };
    } catch (e) {
      if (e instanceof MalformedMessageError) {
        return this.reject(conn, `malformed ${API_SPECS.get(pre.apiKey)!.name} v${pre.apiVersion} request: ${e.message}`);
      }
      throw e;
    }

    const respond = (body: unknown): ResponsePayload => {
      let payload: ResponsePayload = null;
      try {
        if (body !== null) payload = encodeResponse(pre.apiKey, pre.apiVersion, pre.correlationId, body);
      } finally {
        payload = releases.attachTo(payload);
      }
      return payload;
    };
    const succeeded = (body: unknown): ResponsePayload => {
      // The handler is done with the request's bytes: its frame's memory can serve a later request.
      if (handler.releasesRequestBytes) conn.recycleFrame?.(frame);
      return respond(body);
    };
    const fail = (e: unknown): ResponsePayload => {
      const code = toErrorCode(e);
      const level = code === ErrorCode.UNKNOWN_SERVER_ERROR ? 'error' : 'warn';
      this.log[level]({ err: e, apiKey: pre.apiKey, apiVersion: pre.apiVersion, clientId: ctx.clientId }, 'request failed');
      return respond(handler.errorResponse(req, code, ctx));
    };
    const run = (): unknown => handler.handle(req, ctx);
    try {
      const result = this.sequencer.run(conn, pre.apiKey, run);
      if (result instanceof Promise) return result.then(succeeded, fail);
      return succeeded(result);
    } catch (e) {
      return fail(e);
    }
  }

  private reject(conn: ConnectionContext, reason: string): null {
    this.log.warn({ connection: conn.connectionId, clientAddress: conn.remoteAddress }, `closing connection: ${reason}`);
    conn.close();
    return null;
  }

  /** ApiVersions v0 layout with UNSUPPORTED_VERSION, header v0, whatever version was asked. */
  private unsupportedApiVersions(correlationId: number): Buffer[] {
    const w = new Writer();
    encodeResponseHeader(w, { correlationId }, 0);
    encodeApiVersionsResponse(
      w,
      {
        errorCode: ErrorCode.UNSUPPORTED_VERSION,
        // Only the ApiVersions range, as Kafka's ApiVersionsRequest.getErrorResponse: enough for
        // the client to retry with a version both sides know.
        apiKeys: this.registry
          .versions()
          .filter((r) => r.apiKey === API_VERSIONS_KEY)
          .map((r) => ({ apiKey: r.apiKey, minVersion: r.minVersion, maxVersion: r.maxVersion })),
        throttleTimeMs: 0,
        supportedFeatures: [],
        finalizedFeaturesEpoch: -1n,
        finalizedFeatures: [],
        zkMigrationReady: false,
      },
      0,
    );
    return w.toBuffers();
  }
}

/**
 * The release functions one request's handler registered (RequestContext.onResponseDone). They
 * travel with the encoded payload and the network layer runs them once its bytes are written
 * (attachRelease), or at once when nothing will be written. Registrations after the payload was
 * made (a handler that failed while reads were still running) are not run: that memory is left
 * to the garbage collector.
 */
class ResponseReleases {
  private fns: Array<() => void> | null = [];

  constructor(private readonly log: Logger) {}

  add(fn: () => void): void {
    this.fns?.push(fn);
  }

  attachTo(payload: ResponsePayload): ResponsePayload {
    const fns = this.fns;
    this.fns = null;
    if (fns === null || fns.length === 0) return payload;
    const runAll = (): void => {
      for (const fn of fns) {
        try {
          fn();
        } catch (err) {
          this.log.error({ err }, 'releasing response memory failed');
        }
      }
    };
    if (payload === null) {
      runAll();
      return null;
    }
    return attachRelease(payload, runAll);
  }
}
