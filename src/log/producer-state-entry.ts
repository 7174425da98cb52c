/**
 * What a partition remembers about one producer id (Kafka: ProducerStateEntry, BatchMetadata):
 * its epoch, the last NUM_BATCHES_TO_RETAIN batches it appended (for duplicate detection and
 * sequence checks), the coordinator epoch of its last transaction marker, the timestamp of its
 * last write (expiry) and the first offset of its open transaction, if any.
 *
 * Sequences are int32 and wrap from Int32.MAX to 0 (DefaultRecordBatch.incrementSequence).
 */
import { NO_PRODUCER_EPOCH, NO_SEQUENCE, NO_TIMESTAMP } from '../protocol/records/batch-header';

export { NO_PRODUCER_EPOCH, NO_SEQUENCE };

/** Kafka keeps the last five batches per producer: max.in.flight.requests.per.connection <= 5. */
export const NUM_BATCHES_TO_RETAIN = 5;
/** currentTxnFirstOffset / lastDataOffset when there is none. */
export const NO_OFFSET = -1;

const INT32_MAX = 0x7fffffff;

/** `seq + inc`, wrapping past Int32.MAX to 0. */
export function incrementSequence(seq: number, inc: number): number {
  if (seq > INT32_MAX - inc) return inc - (INT32_MAX - seq) - 1;
  return seq + inc;
}

/** `seq - dec`, wrapping below 0 to Int32.MAX. */
export function decrementSequence(seq: number, dec: number): number {
  if (seq < dec) return INT32_MAX - (dec - seq) + 1;
  return seq - dec;
}

/** Whether `next` directly follows `last` (0 follows Int32.MAX). */
export const inSequence = (last: number, next: number): boolean => next === last + 1 || (next === 0 && last === INT32_MAX);

export interface BatchMetadata {
  readonly lastSeq: number;
  readonly lastOffset: number;
  /** lastOffset - firstOffset, which for producer batches is also lastSeq - firstSeq. */
  readonly offsetDelta: number;
  /** The batch's max timestamp. */
  readonly timestamp: number;
}

export const batchFirstSeq = (b: BatchMetadata): number => decrementSequence(b.lastSeq, b.offsetDelta);
export const batchFirstOffset = (b: BatchMetadata): number => b.lastOffset - b.offsetDelta;

export class ProducerStateEntry {
  constructor(
    readonly producerId: bigint,
    public producerEpoch: number,
    public coordinatorEpoch: number,
    public lastTimestamp: number,
    /** First offset of the open transaction, NO_OFFSET when none. */
    public currentTxnFirstOffset: number,
    /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
    public batches: BatchMetadata[] = [],
  ) {}

  static empty(producerId: bigint): ProducerStateEntry {
    return new ProducerStateEntry(producerId, NO_PRODUCER_EPOCH, -1, NO_TIMESTAMP, NO_OFFSET);
  }

  clone(): ProducerStateEntry {
    return new ProducerStateEntry(
      this.producerId,
      this.producerEpoch,
      this.coordinatorEpoch,
      this.lastTimestamp,
      this.currentTxnFirstOffset,
      this.batches.slice(),
    );
  }

  /** Same epoch, coordinator epoch, timestamp and transaction, but no batches (Kafka: withProducerIdAndBatchMetadata). */
  withoutBatches(): ProducerStateEntry {
    return new ProducerStateEntry(this.producerId, this.producerEpoch, this.coordinatorEpoch, this.lastTimestamp, this.currentTxnFirstOffset);
  }

  get isEmpty(): boolean {
    return this.batches.length === 0;
  }
  get hasOngoingTxn(): boolean {
    return this.currentTxnFirstOffset >= 0;
  }
  /**
   * A transaction opened in `epoch` is still open (Kafka 4.x hasOngoingTransaction with an
   * epoch): with transactions v2 every transaction has a new epoch, so a batch of a newer epoch
   * belongs to the next transaction while this one's marker is still on its way.
   */
  hasOngoingTxnInEpoch(epoch: number): boolean {
    return this.hasOngoingTxn && this.producerEpoch === epoch;
  }
  get firstSeq(): number {
    return this.isEmpty ? NO_SEQUENCE : batchFirstSeq(this.batches[0]!);
  }
  get lastSeq(): number {
    return this.isEmpty ? NO_SEQUENCE : this.batches[this.batches.length - 1]!.lastSeq;
  }
  get firstDataOffset(): number {
    return this.isEmpty ? NO_OFFSET : batchFirstOffset(this.batches[0]!);
  }
  get lastDataOffset(): number {
    return this.isEmpty ? NO_OFFSET : this.batches[this.batches.length - 1]!.lastOffset;
  }
  get lastOffsetDelta(): number {
    return this.isEmpty ? 0 : this.batches[this.batches.length - 1]!.offsetDelta;
  }

  addBatch(epoch: number, lastSeq: number, lastOffset: number, offsetDelta: number, timestamp: number): void {
    this.maybeUpdateProducerEpoch(epoch);
    this.addBatchMetadata({ lastSeq, lastOffset, offsetDelta, timestamp });
    this.lastTimestamp = timestamp;
  }

  /** A new epoch forgets the batches of the old one. */
  maybeUpdateProducerEpoch(epoch: number): boolean {
    if (this.producerEpoch === epoch) return false;
    this.batches = [];
    this.producerEpoch = epoch;
    return true;
  }

  private addBatchMetadata(b: BatchMetadata): void {
    if (this.batches.length === NUM_BATCHES_TO_RETAIN) this.batches.shift();
    this.batches.push(b);
  }

  /** Merges the state an append produced into this one (Kafka: ProducerStateEntry.update). */
  update(next: ProducerStateEntry): void {
    this.maybeUpdateProducerEpoch(next.producerEpoch);
    for (const b of next.batches) this.addBatchMetadata(b);
    this.coordinatorEpoch = next.coordinatorEpoch;
    this.currentTxnFirstOffset = next.currentTxnFirstOffset;
    this.lastTimestamp = next.lastTimestamp;
  }

  /** After a transaction marker: new epoch and coordinator epoch, no open transaction. */
  endTransaction(epoch: number, coordinatorEpoch: number, timestamp: number): void {
    this.maybeUpdateProducerEpoch(epoch);
    this.coordinatorEpoch = coordinatorEpoch;
    this.currentTxnFirstOffset = NO_OFFSET;
    this.lastTimestamp = timestamp;
  }

  /** The retained batch with exactly this sequence range in this epoch (a retry), if any. */
  findDuplicate(epoch: number, firstSeq: number, lastSeq: number): BatchMetadata | null {
    if (epoch !== this.producerEpoch) return null;
    for (const b of this.batches) if (b.lastSeq === lastSeq && batchFirstSeq(b) === firstSeq) return b;
    return null;
  }
}
