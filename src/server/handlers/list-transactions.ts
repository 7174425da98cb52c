/**
 * ListTransactions (key 66), v0-2.
 *
 * Behaviour (Kafka's TransactionStateManager.listTransactionStates): the transactional ids this
 * broker coordinates, with producer id and state name, filtered by state names, producer ids,
 * (v1) a minimum running time: now - start time > duration_filter when it is >= 0, and (v2) a
 * regular expression the whole id must match. Filters combine with AND; empty/negative/null
 * filters keep everything. State names the broker does not know are echoed in
 * unknown_state_filters (and match nothing). Transactional ids being expired are never listed.
 * Version notes: v1 adds duration_filter (KIP-994); v2 adds transactional_id_pattern (KIP-1152);
 * a pattern that does not compile answers INVALID_REGULAR_EXPRESSION for the whole request.
 * Patterns use JavaScript syntax, which agrees with Java's for common patterns.
 * Not implemented: authorization (ids the client may not DESCRIBE are not filtered out).
 * Errors: INVALID_REGULAR_EXPRESSION, COORDINATOR_NOT_AVAILABLE (broker shutting down).
 */
import { ErrorCode } from '../../protocol/error-codes';
import { toErrorCode } from '../../protocol/kafka-errors';
import type { ListTransactionsRequest, ListTransactionsResponse } from '../../protocol/generated/list-transactions';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class ListTransactionsHandler implements ApiHandler<ListTransactionsRequest, ListTransactionsResponse> {
  readonly apiKey = 66;
  readonly minVersion = 0;
  readonly maxVersion = 2;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: ListTransactionsRequest, ctx: RequestContext): Promise<ListTransactionsResponse> {
    const v = ctx.apiVersion;
    try {
      const r = await this.services.transactions.listTransactions({
        stateFilters: req.stateFilters,
        producerIdFilters: req.producerIdFilters,
        durationFilterMs: v >= 1 ? Number(req.durationFilter) : -1,
        transactionalIdPattern: v >= 2 ? req.transactionalIdPattern : null,
      });
      return {
        throttleTimeMs: 0,
        errorCode: r.errorCode,
        unknownStateFilters: r.unknownStateFilters,
        transactionStates: r.transactions.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state })),
      };
    } catch (e) {
      return this.errorResponse(req, toErrorCode(e));
    }
  }

  errorResponse(_req: ListTransactionsRequest, errorCode: number): ListTransactionsResponse {
    return { throttleTimeMs: 0, errorCode: errorCode === ErrorCode.NONE ? ErrorCode.UNKNOWN_SERVER_ERROR : errorCode, unknownStateFilters: [], transactionStates: [] };
  }
}
