/**
 * EndTxn (key 26), v0-5.
 *
 * Behaviour (Kafka's KafkaApis.handleEndTxnRequest + TransactionCoordinator.handleEndTransaction):
 * the coordinator logs PrepareCommit or PrepareAbort and answers once that is in
 * __transaction_state; then it writes the COMMIT/ABORT markers to every partition of the
 * transaction (src/coordinator/txn) and logs CompleteCommit/CompleteAbort. Until then requests
 * for the transactional id get CONCURRENT_TRANSACTIONS. Repeating an EndTxn that already
 * completed with the same outcome answers NONE.
 * Version notes: v0-1 get INVALID_PRODUCER_EPOCH for PRODUCER_FENCED; v3 flexible; v4 may see
 * TRANSACTION_ABORTABLE; v5 is transactions v2 (KIP-890 part 2): every commit or abort bumps the
 * epoch and the response carries the producer id and epoch to use next (-1 on errors; a new
 * producer id when the epoch overflowed), an abort is accepted with no transaction open, and a
 * retry is recognised by the epoch before the bump.
 * Not implemented: authorization (TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
 * Errors: INVALID_REQUEST (empty transactional id), INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED /
 * INVALID_PRODUCER_EPOCH, INVALID_TXN_STATE (e.g. commit with nothing open, or after an abort),
 * CONCURRENT_TRANSACTIONS, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE.
 */
import { TransactionVersion } from '../../coordinator/txn/transaction-metadata';
import { ErrorCode } from '../../protocol/error-codes';
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/generated/end-txn';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class EndTxnHandler implements ApiHandler<EndTxnRequest, EndTxnResponse> {
  readonly apiKey = 26;
  readonly minVersion = 0;
  readonly maxVersion = 5;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: EndTxnRequest, ctx: RequestContext): Promise<EndTxnResponse> {
    const v = ctx.apiVersion;
    // Kafka: a v5 request comes from a client using transactions v2.
    const clientTransactionVersion = v > 4 ? TransactionVersion.TV_2 : TransactionVersion.TV_0;
    const r = await this.services.transactions.endTransaction(req.transactionalId, {
      producerId: req.producerId,
      producerEpoch: req.producerEpoch,
      commit: req.committed,
      clientTransactionVersion,
    });
    const errorCode = v < 2 && r.errorCode === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode;
    const ok = errorCode === ErrorCode.NONE && clientTransactionVersion === TransactionVersion.TV_2;
    return { throttleTimeMs: 0, errorCode, producerId: ok ? r.producerId : -1n, producerEpoch: ok ? r.producerEpoch : -1 };
  }

  errorResponse(_req: EndTxnRequest, errorCode: number): EndTxnResponse {
    return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 };
  }
}
