/**
 * The contract of one API handler. Handlers are thin (DESIGN.md): decode is done before them,
 * they call one service below server/, and build the response. Each handler file opens with a
 * header naming supported versions, behaviour notes, and the error codes it returns.
 */
import type { ConnectionContext } from '../network';
import type { RequestHeader } from '../protocol/generated/request-header';
import type { Logger } from '../util/logger';

export interface RequestContext {
  readonly header: RequestHeader;
  readonly apiVersion: number;
  readonly clientId: string | null;
  readonly connection: ConnectionContext;
  readonly log: Logger;
  /**
   * Runs `release` once the response's bytes have left (written to the socket, or dropped with
   * the connection), or at once when there is no response to write. For memory the response
   * refers to without copying (fetch read buffers going back to their pool). Optional: without
   * it (handlers called directly), nothing is released and the memory is collected.
   */
  onResponseDone?(release: () => void): void;
}

export interface ApiHandler<Req = any, Res = any> {
  readonly apiKey: number;
  /** Versions this handler serves; advertised in ApiVersions. Within the spec's range. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /**
   * True when, once handle() has settled successfully, neither the handler nor anything it called
   * refers to any byte of the request any more (Produce: the records are in the log file), so the
   * network layer may reuse the request frame's memory. Leave unset when anything may be kept
   * (group member metadata, assignments, …).
   */
  readonly releasesRequestBytes?: boolean;
  /** Returns the response body, or null to send no response (Produce with acks=0). */
  handle(req: Req, ctx: RequestContext): Promise<Res | null> | Res | null;
  /**
   * The response that reports `errorCode` for everything the request asked about, used when
   * handling fails as a whole (as Kafka's AbstractRequest.getErrorResponse).
   */
  errorResponse(req: Req, errorCode: number, ctx: RequestContext): Res;
}
