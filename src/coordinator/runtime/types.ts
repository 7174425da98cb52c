/**
 * The contract between the coordinator runtime and a coordinator (group, transaction): what an
 * operation returns, what a shard (the state machine of one internal-topic partition) must
 * offer, and how records are (de)serialized. After Kafka's coordinator-common runtime
 * (CoordinatorResult, CoordinatorShard, Serializer/Deserializer).
 */
import type { Clock } from '../../util/clock';
import type { Logger } from '../../util/logger';
import type { CoordinatorTimer } from './coordinator-timer';

/**
 * What an operation returns: the records to append to the shard's partition and the response,
 * released only once the records are appended (and replayed).
 */
export interface CoordinatorResult<T, R> {
  readonly records: readonly R[];
  readonly response: T;
  /**
   * Whether the records are replayed into the shard once appended (default true): state changes
   * when a record is replayed. False when the operation already changed the in-memory state
   * itself and the records only persist it (Kafka's replayRecords=false, used for the classic
   * group metadata record, whose members and futures are soft state).
   */
  readonly replay?: boolean;
  /**
   * Called after the append succeeded (`error` undefined) or failed, before the response is
   * released; still inside the shard's serial queue. Kafka's appendFuture callbacks.
   */
  readonly onAppended?: (error: unknown) => void;
}

/** Where a replayed record came from. */
export interface ReplayContext {
  /** Offset of the record in the partition. */
  readonly offset: number;
  /** Producer id of a transactional batch; -1n otherwise. */
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** The state machine of one partition of a coordinator's internal topic. */
export interface CoordinatorShard<R> {
  /** Applies one record (at load time and after each append). Must not throw on valid data. */
  replay(record: R, ctx: ReplayContext): void;
  /** A transaction marker: pending transactional records of `producerId` commit or abort. */
  replayEndTransaction?(producerId: bigint, producerEpoch: number, committed: boolean): void;
  /** The partition's log has been replayed; timers may be scheduled from here on. */
  onLoaded(): void;
  /** The shard is being dropped (shutdown): answer parked requests, stop timers. */
  onUnloaded(): void;
}

/** What a shard is given when created. */
export interface ShardContext<R> {
  readonly partition: number;
  readonly clock: Clock;
  readonly timer: CoordinatorTimer<R>;
  readonly log: Logger;
}

export interface SerializedRecord {
  key: Buffer;
  /** null: a tombstone. */
  value: Buffer | null;
}

export interface RecordSerde<R> {
  serialize(record: R): SerializedRecord;
  /** undefined when the record type is unknown to this coordinator: it is skipped, as Kafka does. */
  deserialize(key: Buffer, value: Buffer | null): R | undefined;
}

/** A result with no records. */
export function responseOnly<T, R>(response: T): CoordinatorResult<T, R> {
  return { records: [], response };
}

/** An empty result: no records, no response (timer operations). */
export const EMPTY_RESULT: CoordinatorResult<void, never> = Object.freeze({ records: [], response: undefined });
