/**
 * InitProducerId (key 22), v0-5.
 *
 * Behaviour (Kafka's KafkaApis.handleInitProducerIdRequest + TransactionCoordinator
 * .handleInitProducerId): without a transactional id, a new producer id with epoch 0 (ids are
 * never handed out twice, even across restarts: src/coordinator/txn/producer-id-manager.ts).
 * With one, the coordinator of its __transaction_state partition bumps the epoch (a new id gets
 * a producer id and epoch 0), fencing older producers; an open transaction of the fenced
 * producer is aborted first and this request is answered CONCURRENT_TRANSACTIONS (the client
 * retries and gets the next epoch). When the epoch is exhausted a new producer id is handed out.
 * KIP-360 (v3+): a producer may name the id and epoch it holds to recover after an error; a
 * retry of a successful bump gets the same epoch, an older epoch is fenced.
 * Version notes: v0-2 no current producer id/epoch; PRODUCER_FENCED is answered as
 * INVALID_PRODUCER_EPOCH before v4 (older clients do not know it); v5 may see
 * TRANSACTION_ABORTABLE (KIP-890; not produced by this API here).
 * Not implemented: authorization (TRANSACTIONAL_ID_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED
 * never returned), two-phase commit (KIP-939, not in these versions).
 * Errors: INVALID_REQUEST (empty transactional id, or only one of producer id / epoch given),
 * INVALID_TRANSACTION_TIMEOUT (timeout <= 0 or above transaction.max.timeout.ms),
 * NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS (also while no producer id block is reserved),
 * COORDINATOR_NOT_AVAILABLE, CONCURRENT_TRANSACTIONS, PRODUCER_FENCED / INVALID_PRODUCER_EPOCH.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/generated/init-producer-id';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

const NO_PRODUCER_ID = -1n;
const NO_PRODUCER_EPOCH = -1;

export class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest, InitProducerIdResponse> {
  readonly apiKey = 22;
  readonly minVersion = 0;
  readonly maxVersion = 5;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: InitProducerIdRequest, ctx: RequestContext): Promise<InitProducerIdResponse> {
    const v = ctx.apiVersion;
    const pid = v >= 3 ? req.producerId : NO_PRODUCER_ID;
    const epoch = v >= 3 ? req.producerEpoch : NO_PRODUCER_EPOCH;
    if ((pid === NO_PRODUCER_ID) !== (epoch === NO_PRODUCER_EPOCH)) return this.errorResponse(req, ErrorCode.INVALID_REQUEST);
    const expected = pid === NO_PRODUCER_ID ? null : { producerId: pid, producerEpoch: epoch };
    const r = await this.services.transactions.initProducerId(req.transactionalId, req.transactionTimeoutMs, expected);
    return {
      throttleTimeMs: 0,
      errorCode: v < 4 && r.errorCode === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode,
      producerId: r.producerId,
      producerEpoch: r.producerEpoch,
    };
  }

  errorResponse(_req: InitProducerIdRequest, errorCode: number): InitProducerIdResponse {
    return { throttleTimeMs: 0, errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH };
  }
}
