/**
 * FindCoordinator (key 10), v0-6.
 *
 * Behaviour (Kafka's KafkaApis.handleFindCoordinatorRequest): the coordinator of a group or
 * transactional id is the leader of its partition of __consumer_offsets / __transaction_state;
 * on a single node that is this broker, answered with its endpoint for the listener the request
 * came in on. Looking a group up creates __consumer_offsets on first use (Kafka creates it and
 * answers COORDINATOR_NOT_AVAILABLE until it has leaders; here the creation is awaited, so the
 * first lookup already succeeds). A transactional id is answered by the transaction
 * coordinator's lookup when one is plugged in (`lookups.transaction`), else with this broker.
 * Version notes: v0 has no key type (groups only) and no error message; v1-v3 carry an error
 * message ("NONE" on success, as Kafka's Errors.NONE.message()); v4+ look up several keys at
 * once (KIP-699), each with its own error and an empty error message; share-group keys (type 2)
 * need v6 and a share coordinator, which this broker does not have: INVALID_REQUEST.
 * Deviation: error messages (v1-v3) are this broker's own wording of the error.
 * Not implemented: authorization (no authorizer: always allowed).
 * Errors: COORDINATOR_NOT_AVAILABLE (__consumer_offsets cannot be created or loaded, or the
 * listener is unknown), INVALID_REQUEST (share keys; an unknown key type fails the request).
 */
import { ErrorCode, ERRORS } from '../../protocol/error-codes';
import { InvalidRequestError } from '../../protocol/kafka-errors';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../../protocol/generated/find-coordinator';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { nodeFor } from './partition-view';

export const CoordinatorKeyType = { GROUP: 0, TRANSACTION: 1, SHARE: 2 } as const;

/** Whether this broker can coordinate a key now: NONE, or the error to answer. */
export type CoordinatorLookup = (key: string) => Promise<number>;

export interface CoordinatorLookups {
  group: CoordinatorLookup;
  transaction?: CoordinatorLookup;
}

interface Found {
  errorCode: number;
  nodeId: number;
  host: string;
  port: number;
}

const NO_NODE = { nodeId: -1, host: '', port: -1 };

export class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> {
  readonly apiKey = 10;
  readonly minVersion = 0;
  readonly maxVersion = 6;

  constructor(
    private readonly services: BrokerServices,
    private readonly lookups: CoordinatorLookups,
  ) {}

  async handle(req: FindCoordinatorRequest, ctx: RequestContext): Promise<FindCoordinatorResponse> {
    const v = ctx.apiVersion;
    const keyType = v === 0 ? CoordinatorKeyType.GROUP : req.keyType;
    if (keyType !== CoordinatorKeyType.GROUP && keyType !== CoordinatorKeyType.TRANSACTION && keyType !== CoordinatorKeyType.SHARE) {
      throw new InvalidRequestError(`Unknown coordinator type received: ${keyType}`);
    }
    if (v < 4) {
      const f = await this.find(keyType, req.key, ctx);
      return single(f, v);
    }
    const found = await Promise.all(req.coordinatorKeys.map((key) => this.find(keyType, key, ctx)));
    return {
      ...single({ errorCode: ErrorCode.NONE, nodeId: 0, host: '', port: 0 }, v),
      coordinators: req.coordinatorKeys.map((key, i) => ({ key, ...found[i]!, errorMessage: '' })),
    };
  }

  errorResponse(req: FindCoordinatorRequest, errorCode: number, ctx: RequestContext): FindCoordinatorResponse {
    const failed = { errorCode, ...NO_NODE };
    if (ctx.apiVersion < 4) return single(failed, ctx.apiVersion);
    return { ...single({ errorCode: ErrorCode.NONE, nodeId: 0, host: '', port: 0 }, ctx.apiVersion), coordinators: req.coordinatorKeys.map((key) => ({ key, ...failed, errorMessage: '' })) };
  }

  private async find(keyType: number, key: string, ctx: RequestContext): Promise<Found> {
    if (keyType === CoordinatorKeyType.SHARE) return { errorCode: ErrorCode.INVALID_REQUEST, ...NO_NODE };
    const lookup = keyType === CoordinatorKeyType.GROUP ? this.lookups.group : this.lookups.transaction;
    const errorCode = lookup ? await lookup(key) : ErrorCode.NONE;
    if (errorCode !== ErrorCode.NONE) return { errorCode, ...NO_NODE };
    const self = this.services.metadata.brokers().find((b) => b.nodeId === this.services.config().nodeId);
    const node = self && nodeFor(self, ctx.connection.listenerName);
    if (!node) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE };
    return { errorCode: ErrorCode.NONE, nodeId: node.nodeId, host: node.host, port: node.port };
  }
}

/** The single-key layout (v0-3); its fields are unused from v4 but must be present. */
function single(f: Found, v: number): FindCoordinatorResponse {
  const message = f.errorCode === ErrorCode.NONE ? 'NONE' : ERRORS.get(f.errorCode)?.message ?? null;
  return {
    throttleTimeMs: 0,
    errorCode: f.errorCode,
    errorMessage: v >= 1 && v < 4 ? message : '',
    nodeId: f.nodeId,
    host: f.host,
    port: f.port,
    coordinators: [],
  };
}
