/**
 * AddOffsetsToTxn (key 25), v0-4.
 *
 * Behaviour (Kafka's KafkaApis.handleAddOffsetsToTxnRequest): the partition of __consumer_offsets
 * that holds the group's offsets (abs(hash(group id)) % partitions, the group coordinator's
 * choice) joins the transaction, so the transaction's COMMIT or ABORT marker reaches it and the
 * offsets a following TxnOffsetCommit stores become visible, or are dropped, with the
 * transaction. The rest is AddPartitionsToTxn for that one partition.
 * Version notes: v0-1 get INVALID_PRODUCER_EPOCH for PRODUCER_FENCED; v3 flexible; v4 may see
 * TRANSACTION_ABORTABLE (not produced here). Transactions-v2 producers do not send this API:
 * TxnOffsetCommit v5 adds the partition itself.
 * Not implemented: authorization (TRANSACTIONAL_ID_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED).
 * Errors: INVALID_REQUEST (empty transactional id), INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED /
 * INVALID_PRODUCER_EPOCH, CONCURRENT_TRANSACTIONS, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
 * COORDINATOR_NOT_AVAILABLE.
 */
import { TransactionVersion } from '../../coordinator/txn/transaction-metadata';
import { OFFSETS_TOPIC_NAME } from '../../coordinator/txn/marker-writer';
import { ErrorCode } from '../../protocol/error-codes';
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../../protocol/generated/add-offsets-to-txn';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class AddOffsetsToTxnHandler implements ApiHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> {
  readonly apiKey = 25;
  readonly minVersion = 0;
  readonly maxVersion = 4;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: AddOffsetsToTxnRequest, ctx: RequestContext): Promise<AddOffsetsToTxnResponse> {
    const partition = { topic: OFFSETS_TOPIC_NAME, partition: this.services.groups.partitionFor(req.groupId) };
    let code = await this.services.transactions.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, [partition], TransactionVersion.TV_0);
    if (ctx.apiVersion < 2 && code === ErrorCode.PRODUCER_FENCED) code = ErrorCode.INVALID_PRODUCER_EPOCH;
    return { throttleTimeMs: 0, errorCode: code };
  }

  errorResponse(_req: AddOffsetsToTxnRequest, errorCode: number): AddOffsetsToTxnResponse {
    return { throttleTimeMs: 0, errorCode };
  }
}
