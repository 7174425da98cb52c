/**
 * The segmented append-only log store: public entry points for the layers above.
 *
 *  - LogManager: all partition logs under the log dirs (start-up with recovery, create, delete,
 *    retention / flush / checkpoint / cleaner schedules, clean shutdown).
 *  - Log: one partition: append (whole batches, offsets assigned in place), read (whole batches
 *    up to a byte budget), flush (group commit), truncateTo, advanceLogStartOffset
 *    (DeleteRecords), offsetForTimestamp, endOffsetForEpoch.
 *  - Idempotence and transactions on the Log: append validates producer sequences/epochs and
 *    answers a retried batch with its original offsets (AppendResult.duplicate); markers are
 *    appended with origin 'coordinator'; highWatermark / updateHighWatermark,
 *    firstUnstableOffset, lastStableOffset; read({ includeAbortedTransactions }) and
 *    collectAbortedTransactions for read_committed fetches (read up to lastStableOffset with
 *    upperBoundOffset); producerStates() for DescribeProducers; the KIP-890 seam
 *    (maybeStartTransactionVerification, AppendOptions.verificationGuard).
 *  - LogConfig / parseLogConfig: topic-level config with Kafka's names and defaults.
 *  - errors: LogError subclasses, each naming the Kafka error the broker returns.
 *  - LogFs: the filesystem seam (nodeLogFs in production, a faulty one in tests).
 */
export { LogManager } from './log-manager';
export type { LogManagerOptions, BackgroundWork } from './log-manager';
export { Log } from './log';
export type { AppendOptions, AppendResult, ReadOptions, ReadResult } from './log';
export { AppendOrigin } from './append-batches';
export type { AppendOriginName } from './append-batches';
export * from './log-config';
export * from './errors';
export * from './producer-state-errors';
export { VerificationGuard } from './producer-state-verification';
export { TransactionVersion } from './producer-append-info';
export type { ProducerStateConfig } from './producer-state-manager';
export type { ProducerStateEntry } from './producer-state-entry';
export type { AbortedTxn } from './txn-index';
export type { FetchAbortedTransaction, ProducerStateView } from './log';
export { nodeLogFs } from './log-fs';
export type { LogFs, OpenMode, FileStat } from './log-fs';
export { assertOffsetOrder, MAX_OFFSET } from './offsets';
export type { OffsetBounds } from './offsets';
export type { TopicPartition } from './topic-partition';
export { tpKey, isLegalTopicName } from './topic-partition';
export { LogCleaner } from './cleaner/log-cleaner';
export type { LogCleanerOptions } from './cleaner/log-cleaner';
export { ReadBufferPool, sharedReadBufferPool } from './read-buffer-pool';
