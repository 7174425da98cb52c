/**
 * DescribeCluster (key 60), v0-2.
 *
 * Behaviour (Kafka's AuthHelper.computeDescribeClusterResponse on a broker):
 * - The cluster id, the controller id and every live broker with its endpoint for the
 *   listener the request came in on. The controller id is -1 when that broker is not in the
 *   list (Kafka's rule, so clients are never pointed at a node they cannot reach).
 * - Cluster authorized operations when asked: every cluster operation (no authorizer);
 *   INT32_MIN when not asked.
 * - endpoint_type (v1+): this broker answers for brokers (1). Controllers (2) are
 *   MISMATCHED_ENDPOINT_TYPE; any other value UNSUPPORTED_ENDPOINT_TYPE (INVALID_REQUEST at
 *   v0, which predates both codes; v0 requests always mean brokers).
 * Version notes: v1 adds endpoint_type; v2 include_fenced_brokers and is_fenced (no broker of
 * a single node is ever fenced, so both make no difference).
 * Errors: MISMATCHED_ENDPOINT_TYPE, UNSUPPORTED_ENDPOINT_TYPE, INVALID_REQUEST.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { DescribeClusterRequest, DescribeClusterResponse } from '../../protocol/generated/describe-cluster';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS } from './authorized-operations';
import { brokersOnListener } from './partition-view';

export const EndpointType = { BROKER: 1, CONTROLLER: 2 } as const;

export class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest, DescribeClusterResponse> {
  readonly apiKey = 60;
  readonly minVersion = 0;
  readonly maxVersion = 2;

  constructor(private readonly services: BrokerServices) {}

  handle(req: DescribeClusterRequest, ctx: RequestContext): DescribeClusterResponse {
    const v = ctx.apiVersion;
    const requested = v >= 1 ? req.endpointType : EndpointType.BROKER;
    if (requested !== EndpointType.BROKER && requested !== EndpointType.CONTROLLER) {
      return this.failure(v === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, `Unsupported endpoint type ${requested}`);
    }
    if (requested === EndpointType.CONTROLLER) {
      return this.failure(
        v === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        'The request was sent to a broker endpoint, but asked for controllers.',
      );
    }
    const { metadata } = this.services;
    const brokers = brokersOnListener(metadata, ctx.connection.listenerName);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: EndpointType.BROKER,
      clusterId: metadata.clusterId,
      controllerId: brokers.has(metadata.controllerId) ? metadata.controllerId : -1,
      brokers: [...brokers.values()].map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack, isFenced: false })),
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
    };
  }

  errorResponse(_req: DescribeClusterRequest, errorCode: number): DescribeClusterResponse {
    return this.failure(errorCode, null);
  }

  private failure(errorCode: number, errorMessage: string | null): DescribeClusterResponse {
    return {
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      endpointType: EndpointType.BROKER,
      clusterId: '',
      controllerId: -1,
      brokers: [],
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  }
}
