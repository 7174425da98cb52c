/**
 * Completing ended transactions (Kafka's TransactionMarkerChannelManager and
 * TransactionMarkerRequestCompletionHandler): once PrepareCommit/PrepareAbort is in
 * __transaction_state, the marker is written to every partition of the transaction through the
 * TxnMarkerWriter, and then the completion (CompleteCommit/CompleteAbort) is logged.
 *
 * Per partition, by the writer's answer:
 *   NONE                           done
 *   UNSUPPORTED_FOR_MESSAGE_FORMAT done (Kafka skips partitions that cannot hold markers)
 *   retriable (not leader, not enough replicas, timeouts, storage, unknown partition,
 *   coordinator loading, …)        written again after MARKER_RETRY_BACKOFF_MS
 *   anything else (INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED): this coordinator
 *                                  cannot finish the transaction; it is left in Prepare* (a
 *                                  restarted or newer coordinator sends the markers again)
 * Partitions whose topic no longer exists are skipped, as Kafka does for partitions without a
 * leader. One job per transactional id at a time; shutdown ends the waits.
 */
import type { MetadataStore } from '../../cluster/metadata-store';
import { tpKey, type TopicPartition } from '../../log/topic-partition';
import { ErrorCode } from '../../protocol/error-codes';
import type { Clock } from '../../util/clock';
import type { Logger } from '../../util/logger';
import type { TxnMarkerWriter } from './marker-writer';
import type { MarkerRequest } from './txn-shard';

/** Kafka's inter-broker retry.backoff.ms default. */
export const MARKER_RETRY_BACKOFF_MS = 100;

const RETRY: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.UNKNOWN_SERVER_ERROR,
]);
const SKIP: ReadonlySet<number> = new Set([ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, ErrorCode.UNSUPPORTED_VERSION]);

export interface MarkerSenderDeps {
  writer: TxnMarkerWriter;
  metadata: Pick<MetadataStore, 'topic'>;
  clock: Clock;
  log: Logger;
  /** Whether the coordinator still owns the transaction's partition of __transaction_state. */
  owns(txnPartition: number): boolean;
  /** Logs CompleteCommit/CompleteAbort once every marker is written. */
  complete(req: MarkerRequest): Promise<unknown>;
}

export class TxnMarkerSender {
  private readonly jobs = new Map<string, Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private active = true;

  constructor(private readonly deps: MarkerSenderDeps) {}

  /** Starts writing the markers of `req` (nothing if that transaction's markers are already on their way). */
  send(req: MarkerRequest): void {
    if (!this.active || this.jobs.has(req.transactionalId)) return;
    const job = this.run(req)
      .catch((e: unknown) => this.deps.log.error({ err: e, transactionalId: req.transactionalId }, 'writing transaction markers failed'))
      .finally(() => this.jobs.delete(req.transactionalId));
    this.jobs.set(req.transactionalId, job);
  }

  /** Resolves once no marker job is running (jobs waiting for a retry keep it pending). */
  async idle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.all([...this.jobs.values()]);
  }

  get pending(): number {
    return this.jobs.size;
  }

  /** Stops: waits end at once, jobs stop at their next step. */
  async shutdown(): Promise<void> {
    this.active = false;
    for (const wake of [...this.sleepers]) wake();
    await Promise.all([...this.jobs.values()]);
  }

  private async run(req: MarkerRequest): Promise<void> {
    // Let the operation that asked for the markers finish first (this runs from its onAppended).
    await Promise.resolve();
    let remaining = [...req.partitions];
    while (remaining.length > 0) {
      if (!this.active || !this.deps.owns(req.txnPartition)) return;
      remaining = remaining.filter((tp) => this.partitionExists(tp));
      if (remaining.length === 0) break;
      const codes = await this.deps.writer.writeMarkers({
        producerId: req.producerId,
        producerEpoch: req.producerEpoch,
        coordinatorEpoch: req.coordinatorEpoch,
        committed: req.committed,
        transactionVersion: req.transactionVersion,
        partitions: remaining,
      });
      const retry: TopicPartition[] = [];
      for (let i = 0; i < remaining.length; i++) {
        const code = codes[i] ?? ErrorCode.UNKNOWN_SERVER_ERROR;
        const tp = remaining[i]!;
        if (code === ErrorCode.NONE || SKIP.has(code)) continue;
        if (RETRY.has(code)) {
          retry.push(tp);
          continue;
        }
        this.deps.log.warn(
          { transactionalId: req.transactionalId, partition: tpKey(tp), error: code },
          'a transaction marker was refused; giving up on completing the transaction here',
        );
        return;
      }
      remaining = retry;
      if (remaining.length > 0) await this.sleep(MARKER_RETRY_BACKOFF_MS);
    }
    if (!this.active) return;
    await this.deps.complete(req).catch((e: unknown) =>
      this.deps.log.warn({ err: e, transactionalId: req.transactionalId }, 'could not log the completion of a transaction'),
    );
  }

  private partitionExists(tp: TopicPartition): boolean {
    return this.deps.metadata.topic(tp.topic)?.partitions.some((p) => p.partition === tp.partition) ?? false;
  }

  /** A retry backoff; shutdown ends it early. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.sleepers.delete(wake);
        this.deps.clock.clearTimeout(handle);
        resolve();
      };
      const handle = this.deps.clock.setTimeout(wake, ms);
      handle.unref?.();
      this.sleepers.add(wake);
    });
  }
}
