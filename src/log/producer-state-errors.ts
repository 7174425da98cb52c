/**
 * Errors of idempotent / transactional appends, each carrying the Kafka error the broker returns.
 *
 * Raised by the log (as Kafka's ProducerAppendInfo / UnifiedLog do):
 *   OutOfOrderSequenceError (45)         a gap in sequence numbers, or a new epoch not starting at 0
 *   InvalidProducerEpochError (47)       a batch from an older producer epoch (Kafka >= 2.7 answers
 *                                        this instead of PRODUCER_FENCED on produce)
 *   InvalidTxnStateError (48)            a non-transactional batch while the producer has a
 *                                        transaction open, or (with verification) a transactional
 *                                        batch the coordinator did not verify
 *   TransactionCoordinatorFencedError (52) a marker from a coordinator epoch older than one seen
 *
 * Defined for the layers above but never raised by the log, as in Kafka:
 *   DuplicateSequenceError (46)  a duplicate is answered with success and the original offsets
 *   UnknownProducerIdError (59)  since KIP-360 (Kafka 2.5) a producer the partition has no state
 *                                for may continue with any sequence
 *   ProducerFencedError (90)     raised by the transaction coordinator
 */
import { LogError } from './errors';

export class OutOfOrderSequenceError extends LogError {
  override name = 'OutOfOrderSequenceError';
  readonly code = 'LOG_OUT_OF_ORDER_SEQUENCE';
  readonly kafkaError = 'OUT_OF_ORDER_SEQUENCE_NUMBER';
  readonly kafkaErrorCode = 45;
}

export class DuplicateSequenceError extends LogError {
  override name = 'DuplicateSequenceError';
  readonly code = 'LOG_DUPLICATE_SEQUENCE';
  readonly kafkaError = 'DUPLICATE_SEQUENCE_NUMBER';
  readonly kafkaErrorCode = 46;
}

export class InvalidProducerEpochError extends LogError {
  override name = 'InvalidProducerEpochError';
  readonly code = 'LOG_INVALID_PRODUCER_EPOCH';
  readonly kafkaError = 'INVALID_PRODUCER_EPOCH';
  readonly kafkaErrorCode = 47;
}

export class InvalidTxnStateError extends LogError {
  override name = 'InvalidTxnStateError';
  readonly code = 'LOG_INVALID_TXN_STATE';
  readonly kafkaError = 'INVALID_TXN_STATE';
  readonly kafkaErrorCode = 48;
}

export class TransactionCoordinatorFencedError extends LogError {
  override name = 'TransactionCoordinatorFencedError';
  readonly code = 'LOG_TRANSACTION_COORDINATOR_FENCED';
  readonly kafkaError = 'TRANSACTION_COORDINATOR_FENCED';
  readonly kafkaErrorCode = 52;
}

export class UnknownProducerIdError extends LogError {
  override name = 'UnknownProducerIdError';
  readonly code = 'LOG_UNKNOWN_PRODUCER_ID';
  readonly kafkaError = 'UNKNOWN_PRODUCER_ID';
  readonly kafkaErrorCode = 59;
}

export class ProducerFencedError extends LogError {
  override name = 'ProducerFencedError';
  readonly code = 'LOG_PRODUCER_FENCED';
  readonly kafkaError = 'PRODUCER_FENCED';
  readonly kafkaErrorCode = 90;
}
