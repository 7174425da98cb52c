/**
 * The coordinator runtime (Kafka's CoordinatorRuntime, for one broker): one shard per loaded
 * partition of an internal topic, each with a serial queue of operations and keyed timers.
 *
 * A write operation runs synchronously against the shard and returns {records, response}. The
 * runtime appends the records as one batch (or several, when large) to the partition's log,
 * then replays them into the shard, then runs the result's onAppended callback, then releases
 * the response. The next operation of the shard starts only after that, so operations never
 * see records that are not in the log, and a failed append leaves the replayed state untouched
 * (no undo needed: Kafka reverts to a snapshot instead). Reads run at once against the shard:
 * its replayed state is always committed.
 *
 * Loading replays the partition's log from its start offset (records through the shard's
 * replay, transaction markers through replayEndTransaction), then calls onLoaded. Until then
 * operations fail with COORDINATOR_LOAD_IN_PROGRESS; a partition with no shard answers
 * NOT_COORDINATOR.
 */
import { buildEndTxnMarkerBatch, buildRecordBatch, CompressionType, decodeControlRecordKey, ControlRecordType, isControl, isTransactional, iterateBatches, iterateRecords, readBatchHeader } from '../../protocol/records';
import { CoordinatorLoadInProgressError, NotCoordinatorError } from '../../protocol/kafka-errors';
import type { VerificationGuard } from '../../log/producer-state-verification';
import type { Clock } from '../../util/clock';
import type { Logger } from '../../util/logger';
import { CoordinatorTimer, TimerOperation } from './coordinator-timer';
import { SerialQueue } from './serial-queue';
import type { CoordinatorResult, CoordinatorShard, RecordSerde, SerializedRecord, ShardContext } from './types';

/** What the runtime needs of a partition's log (a subset of log/Log). */
export interface CoordinatorLog {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  append(records: Buffer, opts: { origin: 'coordinator'; verificationGuard?: VerificationGuard }): Promise<{ firstOffset: number; lastOffset: number }>;
  read(offset: number, opts: { maxBytes: number }): Promise<{ records: Buffer; release(): void }>;
}

export interface CoordinatorRuntimeOptions<S extends CoordinatorShard<R>, R> {
  /** For logs and error messages, e.g. 'group-coordinator'. */
  name: string;
  clock: Clock;
  serde: RecordSerde<R>;
  newShard(ctx: ShardContext<R>): S;
  logFor(partition: number): CoordinatorLog | undefined;
  /** Read size while loading (offsets.load.buffer.size). */
  loadBufferSize(): number;
  /** Compression of appended batches (offsets.topic.compression.codec). */
  compression(): CompressionType;
  logger: Logger;
}

/**
 * The producer of a transactional write (TxnOffsetCommit): its records go to the log in
 * transactional batches of that producer id and epoch, and are replayed with them, so they stay
 * pending until the transaction's marker (Kafka's scheduleTransactionalWriteOperation).
 */
export interface TransactionalWrite {
  producerId: bigint;
  producerEpoch: number;
  /** KIP-890: the guard from the partition's log, confirmed by the transaction coordinator. */
  verificationGuard?: VerificationGuard;
}

/** Batches larger than this are split (Kafka splits non-atomic results at max.message.bytes). */
const MAX_BATCH_BYTES = 512 * 1024;

type ShardState = 'loading' | 'active' | 'closed';

interface ShardEntry<S> {
  readonly partition: number;
  state: ShardState;
  shard: S;
  readonly queue: SerialQueue;
  readonly timer: CoordinatorTimer<unknown>;
}

export class CoordinatorRuntime<S extends CoordinatorShard<R>, R> {
  private readonly shards = new Map<number, ShardEntry<S>>();
  private readonly loading = new Map<number, Promise<void>>();

  constructor(private readonly opts: CoordinatorRuntimeOptions<S, R>) {}

  /** Partitions whose shard is loaded and serving. */
  activePartitions(): number[] {
    return [...this.shards.values()].filter((e) => e.state === 'active').map((e) => e.partition);
  }

  isLoaded(partition: number): boolean {
    return this.shards.get(partition)?.state === 'active';
  }

  /** Creates the shard of `partition` and replays its log (a load in progress is shared). */
  load(partition: number): Promise<void> {
    const inProgress = this.loading.get(partition);
    if (inProgress) return inProgress;
    if (this.shards.has(partition)) return Promise.resolve();
    const p = this.doLoad(partition).finally(() => this.loading.delete(partition));
    this.loading.set(partition, p);
    return p;
  }

  private async doLoad(partition: number): Promise<void> {
    const log = this.opts.logFor(partition);
    if (!log) throw new NotCoordinatorError(`${this.opts.name}: no log for partition ${partition}`);
    const queue = new SerialQueue();
    const timer = new CoordinatorTimer<R>(this.opts.clock, (key, op) => this.runTimerOperation(partition, key, op));
    const shard = this.opts.newShard({
      partition,
      clock: this.opts.clock,
      timer,
      log: this.opts.logger.child({ partition }),
    });
    const entry: ShardEntry<S> = { partition, state: 'loading', shard, queue, timer: timer as CoordinatorTimer<unknown> };
    this.shards.set(partition, entry);
    const started = this.opts.clock.monotonic();
    try {
      const records = await this.replayLog(shard, log);
      if (entry.state !== 'loading') return;
      shard.onLoaded();
      entry.state = 'active';
      this.opts.logger.info(
        { partition, records, loadMs: Math.round(this.opts.clock.monotonic() - started) },
        `${this.opts.name}: partition ${partition} loaded`,
      );
    } catch (e) {
      this.shards.delete(partition);
      timer.close();
      this.opts.logger.error({ err: e, partition }, `${this.opts.name}: loading partition ${partition} failed`);
      throw e;
    }
  }

  /** Drops the shard of `partition`: parked requests are answered by the shard, timers stop. */
  async unload(partition: number): Promise<void> {
    const entry = this.shards.get(partition);
    if (!entry) return;
    await entry.queue.whenIdle();
    entry.state = 'closed';
    entry.timer.close();
    try {
      entry.shard.onUnloaded();
    } finally {
      this.shards.delete(partition);
    }
  }

  async close(): Promise<void> {
    for (const p of [...this.shards.keys()]) await this.unload(p);
  }

  /** Resolves once every shard's queue is idle (tests; shutdown). */
  async whenIdle(): Promise<void> {
    for (const e of this.shards.values()) await e.queue.whenIdle();
  }

  /**
   * Queues `op` on the shard of `partition`; resolves with its response once its records are
   * appended and replayed.
   */
  scheduleWriteOperation<T>(name: string, partition: number, op: (shard: S) => CoordinatorResult<T, R>): Promise<T> {
    return this.scheduleWrite(name, partition, op, undefined);
  }

  /** A write operation whose records are appended as a transactional batch of `txn`'s producer. */
  scheduleTransactionalWriteOperation<T>(name: string, partition: number, txn: TransactionalWrite, op: (shard: S) => CoordinatorResult<T, R>): Promise<T> {
    return this.scheduleWrite(name, partition, op, txn);
  }

  private scheduleWrite<T>(name: string, partition: number, op: (shard: S) => CoordinatorResult<T, R>, txn: TransactionalWrite | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = this.shards.get(partition);
      const unavailable = this.unavailable(entry, partition);
      if (unavailable) {
        reject(unavailable);
        return;
      }
      entry!.queue.enqueue(() => {
        const gone = this.unavailable(this.shards.get(partition) === entry ? entry : undefined, partition);
        if (gone) {
          reject(gone);
          return;
        }
        let result: CoordinatorResult<T, R>;
        try {
          result = op(entry!.shard);
        } catch (e) {
          reject(e);
          return;
        }
        if (result.records.length === 0) {
          this.finish(name, partition, result, undefined);
          resolve(result.response);
          return;
        }
        return this.appendAndReplay(entry!, result, txn).then(
          () => {
            this.finish(name, partition, result, undefined);
            resolve(result.response);
          },
          (e: unknown) => {
            this.opts.logger.warn({ err: e, partition, operation: name }, `${this.opts.name}: append failed`);
            this.finish(name, partition, result, e);
            reject(e);
          },
        );
      });
    });
  }

  /**
   * Writes a transaction marker (COMMIT or ABORT) of `producerId` to the partition, then replays
   * it: the producer's pending transactional records take effect or are dropped. Kafka's
   * scheduleTransactionCompletion, which WriteTxnMarkers uses for a coordinator's own topic.
   */
  scheduleTransactionCompletion(partition: number, marker: { producerId: bigint; producerEpoch: number; coordinatorEpoch: number; committed: boolean }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry = this.shards.get(partition);
      const unavailable = this.unavailable(entry, partition);
      if (unavailable) {
        reject(unavailable);
        return;
      }
      entry!.queue.enqueue(() => {
        const log = this.shards.get(partition) === entry ? this.opts.logFor(partition) : undefined;
        if (!log) {
          reject(new NotCoordinatorError(`${this.opts.name}: partition ${partition} is not loaded on this broker`));
          return;
        }
        const batch = buildEndTxnMarkerBatch({
          type: marker.committed ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
          producerId: marker.producerId,
          producerEpoch: marker.producerEpoch,
          coordinatorEpoch: marker.coordinatorEpoch,
          timestamp: this.opts.clock.now(),
        });
        return log.append(batch, { origin: 'coordinator' }).then(
          () => {
            entry!.shard.replayEndTransaction?.(marker.producerId, marker.producerEpoch, marker.committed);
            resolve();
          },
          (e: unknown) => reject(e),
        );
      });
    });
  }

  /** Runs `op` against the shard's committed state. */
  scheduleReadOperation<T>(partition: number, op: (shard: S) => T): Promise<T> {
    const entry = this.shards.get(partition);
    const unavailable = this.unavailable(entry, partition);
    if (unavailable) return Promise.reject(unavailable);
    try {
      return Promise.resolve(op(entry!.shard));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Runs `op` against every active shard. */
  readAll<T>(op: (shard: S, partition: number) => T): T[] {
    const out: T[] = [];
    for (const e of this.shards.values()) if (e.state === 'active') out.push(op(e.shard, e.partition));
    return out;
  }

  private unavailable(entry: ShardEntry<S> | undefined, partition: number): Error | undefined {
    if (!entry || entry.state === 'closed') return new NotCoordinatorError(`${this.opts.name}: partition ${partition} is not loaded on this broker`);
    if (entry.state === 'loading') return new CoordinatorLoadInProgressError(`${this.opts.name}: partition ${partition} is still loading`);
    return undefined;
  }

  private finish<T>(name: string, partition: number, result: CoordinatorResult<T, R>, error: unknown): void {
    if (!result.onAppended) return;
    try {
      result.onAppended(error);
    } catch (e) {
      this.opts.logger.error({ err: e, partition, operation: name }, `${this.opts.name}: append callback failed`);
    }
  }

  private runTimerOperation(partition: number, key: string, op: TimerOperation<R>): void {
    this.scheduleWriteOperation(key, partition, () => op()).catch((e: unknown) => {
      this.opts.logger.warn({ err: e, partition, timer: key }, `${this.opts.name}: timer operation failed`);
    });
  }

  private async appendAndReplay<T>(entry: ShardEntry<S>, result: CoordinatorResult<T, R>, txn?: TransactionalWrite): Promise<void> {
    const log = this.opts.logFor(entry.partition);
    if (!log) throw new NotCoordinatorError(`${this.opts.name}: the log of partition ${entry.partition} is gone`);
    const serialized = result.records.map((r) => this.opts.serde.serialize(r));
    let from = 0;
    for (const chunk of chunks(serialized)) {
      const now = this.opts.clock.now();
      // Kafka writes coordinator batches with base sequence 0; the log checks no sequence for them.
      const producer = txn ? { producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: 0, transactional: true } : {};
      const batch = buildRecordBatch({
        compression: this.opts.compression(),
        ...producer,
        records: chunk.map((r) => ({ key: r.key, value: r.value, timestamp: now })),
      });
      const appended = await log.append(batch, { origin: 'coordinator', verificationGuard: txn?.verificationGuard });
      if (result.replay !== false) {
        const producerId = txn ? txn.producerId : -1n;
        const producerEpoch = txn ? txn.producerEpoch : -1;
        for (let i = 0; i < chunk.length; i++) {
          entry.shard.replay(result.records[from + i]!, { offset: appended.firstOffset + i, producerId, producerEpoch });
        }
      }
      from += chunk.length;
    }
  }

  /** Replays the whole log of a partition into `shard`; returns the number of records. */
  private async replayLog(shard: S, log: CoordinatorLog): Promise<number> {
    let offset = log.logStartOffset;
    const end = log.logEndOffset;
    let count = 0;
    while (offset < end) {
      const read = await log.read(offset, { maxBytes: this.opts.loadBufferSize() });
      const before = offset;
      try {
        if (read.records.length === 0) break;
        for (const slice of iterateBatches(read.records)) {
          if (slice.magic !== 2) continue;
          const h = readBatchHeader(read.records, slice.offset);
          const next = Number(h.baseOffset) + h.lastOffsetDelta + 1;
          if (next <= offset) continue;
          if (isControl(h.attributes)) {
            for (const rec of iterateRecords(read.records, slice.offset)) {
              const type = decodeControlRecordKey(rec.key).type;
              if (type === ControlRecordType.COMMIT || type === ControlRecordType.ABORT) {
                shard.replayEndTransaction?.(h.producerId, h.producerEpoch, type === ControlRecordType.COMMIT);
              }
            }
          } else {
            const txn = isTransactional(h.attributes);
            for (const rec of iterateRecords(read.records, slice.offset)) {
              if (rec.key === null) continue;
              const record = this.opts.serde.deserialize(rec.key, rec.value);
              if (record === undefined) continue;
              shard.replay(record, {
                offset: Number(rec.offset),
                producerId: txn ? h.producerId : -1n,
                producerEpoch: txn ? h.producerEpoch : -1,
              });
              count++;
            }
          }
          offset = next;
        }
      } finally {
        read.release();
      }
      if (offset === before) break; // no complete batch at `offset`: nothing more to replay
    }
    return count;
  }
}

function* chunks(records: SerializedRecord[]): Generator<SerializedRecord[]> {
  let current: SerializedRecord[] = [];
  let size = 0;
  for (const r of records) {
    const n = r.key.length + (r.value?.length ?? 0) + 32;
    if (current.length > 0 && size + n > MAX_BATCH_BYTES) {
      yield current;
      current = [];
      size = 0;
    }
    current.push(r);
    size += n;
  }
  if (current.length > 0) yield current;
}
