/**
 * ApiVersions (key 18), v0-5.
 *
 * Behaviour: lists every API this broker serves with the versions its handler supports; the
 * list comes from the handler registry. A version the broker does not know is answered by the
 * dispatcher in the v0 layout with UNSUPPORTED_VERSION (KIP-511).
 * Version notes: v3+ requests name the client software; Kafka checks both names against
 * `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?` and answers INVALID_REQUEST otherwise. v5
 * (KIP-1242) carries the cluster id and node id the client believes it is talking to; Kafka 4.4
 * answers INVALID_REQUEST (no API keys, no features) when a given cluster id or node id (not -1)
 * is not this broker's, so that a client that was re-pointed at another cluster rebootstraps.
 * Features (v3+, tagged fields), as a Kafka 4.4 broker advertises them where they are true here:
 * `transaction.version` supported 0-2 and finalized at 2 (transactions v2, KIP-890: the Java
 * client then bumps the epoch per transaction, uses Produce v12 / EndTxn v5 / TxnOffsetCommit
 * v5 and no AddPartitionsToTxn); `metadata.version` 7-33, finalized 33, the level whose API
 * versions this broker serves (Kafka 4.4's); `group.version` supported 0-1 and finalized at 1
 * (KIP-848 consumer groups are served). The
 * finalized epoch is 1 (clients keep the finalized features of the highest epoch they saw, and
 * ignore -1). Error responses carry no features.
 * Not implemented: kraft.version, share.version, streams.version and
 * eligible.leader.replicas.version are not listed (no KRaft, share groups, Streams groups or ELR).
 * Errors: NONE; INVALID_REQUEST (bad client software name/version; v5 cluster or node id of
 * another broker).
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/generated/api-versions';
import { FINALIZED_TRANSACTION_VERSION } from '../../coordinator/txn/config';
import type { ApiHandler } from '../handler';
import type { HandlerRegistry } from '../handler-registry';

const SOFTWARE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

/** What a Kafka 4.4 broker advertises for metadata.version (supported 7-33, finalized 33). */
const METADATA_VERSION = { min: 7, max: 33 };
const SUPPORTED_FEATURES = [
  { name: 'group.version', minVersion: 0, maxVersion: 1 },
  { name: 'metadata.version', minVersion: METADATA_VERSION.min, maxVersion: METADATA_VERSION.max },
  { name: 'transaction.version', minVersion: 0, maxVersion: FINALIZED_TRANSACTION_VERSION },
];
const FINALIZED_FEATURES = [
  { name: 'group.version', minVersionLevel: 1, maxVersionLevel: 1 },
  { name: 'metadata.version', minVersionLevel: METADATA_VERSION.max, maxVersionLevel: METADATA_VERSION.max },
  { name: 'transaction.version', minVersionLevel: FINALIZED_TRANSACTION_VERSION, maxVersionLevel: FINALIZED_TRANSACTION_VERSION },
];
const FINALIZED_FEATURES_EPOCH = 1n;

export class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest, ApiVersionsResponse> {
  readonly apiKey = 18;
  readonly minVersion = 0;
  readonly maxVersion = 5;

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly identity: { clusterId(): string; nodeId: number },
  ) {}

  handle(req: ApiVersionsRequest, ctx: { apiVersion: number }): ApiVersionsResponse {
    if (ctx.apiVersion >= 3 && (!SOFTWARE_NAME.test(req.clientSoftwareName) || !SOFTWARE_NAME.test(req.clientSoftwareVersion))) {
      return this.errorResponse(req, ErrorCode.INVALID_REQUEST);
    }
    if (ctx.apiVersion >= 5) {
      const wrongCluster = req.clusterId !== null && req.clusterId !== this.identity.clusterId();
      const wrongNode = req.nodeId !== -1 && req.nodeId !== this.identity.nodeId;
      if (wrongCluster || wrongNode) return this.errorResponse(req, ErrorCode.INVALID_REQUEST);
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
      supportedFeatures: errorCode === ErrorCode.NONE ? SUPPORTED_FEATURES.map((f) => ({ ...f })) : [],
      finalizedFeaturesEpoch: errorCode === ErrorCode.NONE ? FINALIZED_FEATURES_EPOCH : -1n,
      finalizedFeatures: errorCode === ErrorCode.NONE ? FINALIZED_FEATURES.map((f) => ({ ...f })) : [],
      zkMigrationReady: false,
    };
  }
}
