/**
 * DescribeTransactions (key 65), v0.
 *
 * Behaviour (Kafka's TransactionCoordinator.handleDescribeTransactions): for each transactional
 * id, the coordinator's state: state name, timeout, start time (-1 when none is open), producer
 * id and epoch, and the partitions of the open transaction (KIP-664). An id the coordinator
 * does not know, or that is expiring, answers TRANSACTIONAL_ID_NOT_FOUND; the other fields then
 * keep their defaults ("", 0).
 * Not implemented: authorization (TRANSACTIONAL_ID_AUTHORIZATION_FAILED, topics filtered by DESCRIBE).
 * Errors (per id): TRANSACTIONAL_ID_NOT_FOUND, INVALID_REQUEST (empty id), NOT_COORDINATOR,
 * COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE.
 */
import { partitionsByTopic } from '../../coordinator/txn/transaction-metadata';
import type {
  DescribeTransactionsRequest,
  DescribeTransactionsResponse,
  DescribeTransactionsResponseTransactionState,
} from '../../protocol/generated/describe-transactions';
import type { ApiHandler } from '../handler';
import type { BrokerServices } from '../services';

export class DescribeTransactionsHandler implements ApiHandler<DescribeTransactionsRequest, DescribeTransactionsResponse> {
  readonly apiKey = 65;
  readonly minVersion = 0;
  readonly maxVersion = 0;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: DescribeTransactionsRequest): Promise<DescribeTransactionsResponse> {
    const transactionStates = await Promise.all(
      req.transactionalIds.map(async (id): Promise<DescribeTransactionsResponseTransactionState> => {
        const d = await this.services.transactions.describeTransaction(id);
        return {
          errorCode: d.errorCode,
          transactionalId: id,
          transactionState: d.state,
          transactionTimeoutMs: d.timeoutMs,
          transactionStartTimeMs: BigInt(d.startTimeMs),
          producerId: d.producerId,
          producerEpoch: d.producerEpoch,
          topics: partitionsByTopic(d.partitions).map((t) => ({ topic: t.topic, partitions: t.partitions })),
        };
      }),
    );
    return { throttleTimeMs: 0, transactionStates };
  }

  errorResponse(req: DescribeTransactionsRequest, errorCode: number): DescribeTransactionsResponse {
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((transactionalId) => ({
        errorCode,
        transactionalId,
        transactionState: '',
        transactionTimeoutMs: 0,
        transactionStartTimeMs: 0n,
        producerId: 0n,
        producerEpoch: 0,
        topics: [],
      })),
    };
  }
}
