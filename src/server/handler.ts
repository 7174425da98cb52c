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
}

export interface ApiHandler<Req = any, Res = any> {
  readonly apiKey: number;
  /** Versions this handler serves; advertised in ApiVersions. Within the spec's range. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Returns the response body, or null to send no response (Produce with acks=0). */
  handle(req: Req, ctx: RequestContext): Promise<Res | null> | Res | null;
  /**
   * The response that reports `errorCode` for everything the request asked about, used when
   * handling fails as a whole (as Kafka's AbstractRequest.getErrorResponse).
   */
  errorResponse(req: Req, errorCode: number, ctx: RequestContext): Res;
}
