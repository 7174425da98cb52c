/**
 * How a failed coordinator operation is answered (Kafka's CoordinatorOperationExceptionHelper):
 * storage and replication failures become the coordinator errors clients know how to recover
 * from (look the coordinator up again, retry); anything unexpected is UNKNOWN_SERVER_ERROR and
 * logged.
 */
import { ErrorCode } from '../../protocol/error-codes';
import { KafkaError, toErrorCode } from '../../protocol/kafka-errors';
import type { Logger } from '../../util/logger';

export interface OperationError {
  errorCode: number;
  /** The error's own message when it is a Kafka error worth passing on, else null. */
  message: string | null;
}

export function operationError(operation: string, e: unknown, log: Logger): OperationError {
  const code = toErrorCode(e);
  switch (code) {
    case ErrorCode.UNKNOWN_SERVER_ERROR:
      log.error({ err: e, operation }, `group coordinator operation ${operation} failed unexpectedly`);
      return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, message: null };
    case ErrorCode.NETWORK_EXCEPTION:
      return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, message: null };
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.REQUEST_TIMED_OUT:
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, message: null };
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return { errorCode: ErrorCode.NOT_COORDINATOR, message: null };
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      log.error({ err: e, operation }, `group coordinator operation ${operation} failed`);
      return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, message: null };
    default:
      return { errorCode: code, message: e instanceof KafkaError ? e.message : null };
  }
}
