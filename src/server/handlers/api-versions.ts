/**
 * ApiVersions (key 18), v0-4.
 *
 * Behaviour: lists every API this broker serves with the versions its handler supports; the
 * list comes from the handler registry. A version the broker does not know is answered by the
 * dispatcher in the v0 layout with UNSUPPORTED_VERSION (KIP-511).
 * Version notes: v3+ requests name the client software; Kafka checks both names against
 * `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?` and answers INVALID_REQUEST otherwise.
 * Not implemented: feature flags (supportedFeatures/finalizedFeatures are empty; they are
 * advertised once the features they gate — transactions v2, KIP-848 groups — exist).
 * Errors: NONE; INVALID_REQUEST (bad client software name/version).
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/generated/api-versions';
import type { ApiHandler } from '../handler';
import type { HandlerRegistry } from '../handler-registry';

const SOFTWARE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest, ApiVersionsResponse> {
  readonly apiKey = 18;
  readonly minVersion = 0;
  readonly maxVersion = 4;

  constructor(private readonly registry: HandlerRegistry) {}

  handle(req: ApiVersionsRequest, ctx: { apiVersion: number }): ApiVersionsResponse {
    if (ctx.apiVersion >= 3 && (!SOFTWARE_NAME.test(req.clientSoftwareName) || !SOFTWARE_NAME.test(req.clientSoftwareVersion))) {
      return this.errorResponse(req, ErrorCode.INVALID_REQUEST);
    }
    return this.response(ErrorCode.NONE);
  }

  errorResponse(_req: ApiVersionsRequest, errorCode: number): ApiVersionsResponse {
    return this.response(errorCode);
  }

  private response(errorCode: number): ApiVersionsResponse {
    return {
      errorCode,
      // Kafka lists the API keys with success and with UNSUPPORTED_VERSION, not with other errors.
      apiKeys:
        errorCode === ErrorCode.NONE || errorCode === ErrorCode.UNSUPPORTED_VERSION
          ? this.registry.versions().map((v) => ({ apiKey: v.apiKey, minVersion: v.minVersion, maxVersion: v.maxVersion }))
          : [],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
  }
}
