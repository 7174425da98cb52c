/**
 * Validation of the batches one producer appends in one request, and the state they leave
 * (Kafka: ProducerAppendInfo). Built from the producer's current entry; each batch is checked
 * against the current entry plus the batches before it in the same request, and the result is
 * a new entry (`mergedEntry`) plus the transactions the request started or completed.
 *
 * Rules, by append origin:
 *   client       epoch fencing and sequence checks (below); markers are refused earlier
 *   coordinator  epoch fencing only (offset commits of TxnOffsetCommit carry no sequence);
 *                markers: epoch and coordinator-epoch fencing
 *   replication  nothing is refused: the leader validated; stale epochs are only logged
 *
 * Sequence rules (client origin), checkSequence:
 *   - new epoch: the first sequence must be 0, unless the partition never saw the producer
 *     (epoch unknown, e.g. its data was removed by retention) — then any sequence is accepted
 *   - same epoch: the first sequence must follow the last one (0 follows Int32.MAX), unless the
 *     entry has no epoch (same exception)
 *   - with a verification entry (KIP-890): a sequence above the lowest one being verified is out
 *     of order, and a transactions-v2 producer unknown here must start at 0
 */
import { ControlRecordType, decodeControlRecordKey, decodeEndTxnMarkerValue, iterateRecords } from '../protocol/records';
import { Attr, NO_PRODUCER_EPOCH, NO_SEQUENCE } from '../protocol/records/batch-header';
import { logger } from '../util/logger';
import { AppendOrigin, AppendOriginName } from './append-batches';
import { InvalidRecordError } from './errors';
import {
  InvalidProducerEpochError,
  InvalidTxnStateError,
  OutOfOrderSequenceError,
  TransactionCoordinatorFencedError,
} from './producer-state-errors';
import { ProducerStateEntry, inSequence, incrementSequence } from './producer-state-entry';
import { VerificationStateEntry } from './producer-state-verification';

const log = logger('producer-state');

export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;

/** Transaction version of a marker append (KIP-890); 0/1 legacy, 2 = epoch bumped per transaction. */
export const TransactionVersion = { TV_0: 0, TV_1: 1, TV_2: 2 } as const;

export interface EndTxnMarkerInfo {
  /** ControlRecordType.ABORT or COMMIT. */
  type: number;
  coordinatorEpoch: number;
  /** The marker record's timestamp. */
  timestamp: number;
}

/** The producer fields of one batch (magic 2). */
export interface ProducerBatch {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  isTransactional: boolean;
  isControl: boolean;
  /** The end-transaction marker of a control batch; null for data and empty control batches. */
  marker: EndTxnMarkerInfo | null;
  /** A control batch whose record is not a transaction marker. */
  otherControl: boolean;
}

export const hasProducerIdAt = (buf: Buffer, off: number): boolean => buf.readBigInt64BE(off + PRODUCER_ID_OFFSET) !== -1n;

/**
 * The producer fields of the batch at `off` (whole batch in `buf`), or null when it has no
 * producer id. `baseOffset`/`lastOffset` are passed in: on the append path the header's are
 * not assigned yet. Control batches have their first record decoded (the marker).
 */
export function readProducerBatch(
  buf: Buffer,
  off: number,
  baseOffset: number,
  lastOffset: number,
  maxTimestamp: number,
): ProducerBatch | null {
  const producerId = buf.readBigInt64BE(off + PRODUCER_ID_OFFSET);
  if (producerId === -1n) return null;
  const attributes = buf.readInt16BE(off + 21);
  const baseSequence = buf.readInt32BE(off + BASE_SEQUENCE_OFFSET);
  const isControl = (attributes & Attr.CONTROL) !== 0;
  let marker: EndTxnMarkerInfo | null = null;
  let otherControl = false;
  if (isControl) {
    for (const r of iterateRecords(buf, off)) {
      const key = decodeControlRecordKey(r.key);
      if (key.type === ControlRecordType.ABORT || key.type === ControlRecordType.COMMIT) {
        marker = { type: key.type, coordinatorEpoch: decodeEndTxnMarkerValue(r.value).coordinatorEpoch, timestamp: r.timestamp };
      } else {
        otherControl = true;
      }
      break;
    }
  }
  return {
    producerId,
    producerEpoch: buf.readInt16BE(off + PRODUCER_EPOCH_OFFSET),
    baseSequence,
    lastSequence: baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(baseSequence, lastOffset - baseOffset),
    baseOffset,
    lastOffset,
    maxTimestamp,
    isTransactional: (attributes & Attr.TRANSACTIONAL) !== 0,
    isControl,
    marker,
    otherControl,
  };
}

export interface CompletedTxn {
  producerId: bigint;
  firstOffset: number;
  /** Offset of the marker. */
  lastOffset: number;
  isAborted: boolean;
}

export interface StartedTxn {
  producerId: bigint;
  firstOffset: number;
}

export class ProducerAppendInfo {
  private readonly updated: ProducerStateEntry;
  readonly startedTransactions: StartedTxn[] = [];

  constructor(
    readonly producerId: bigint,
    /** The producer's state before this request (never mutated). */
    private readonly current: ProducerStateEntry,
    private readonly origin: AppendOriginName,
    private readonly verification: VerificationStateEntry | null,
    private readonly where: string,
  ) {
    this.updated = current.withoutBatches();
  }

  /** Validates `batch` and records it; returns the transaction a marker completes, if any. */
  append(batch: ProducerBatch, transactionVersion: number | undefined): CompletedTxn | null {
    if (batch.isControl) {
      if (batch.otherControl) {
        if (this.origin === AppendOrigin.REPLICATION) return null;
        throw new InvalidRecordError(`control batch of producer ${this.producerId} at ${batch.baseOffset} is not a transaction marker`);
      }
      // An empty control batch: the whole transaction was cleaned away.
      if (!batch.marker) return null;
      return this.appendEndTxnMarker(batch.marker, batch.producerEpoch, batch.baseOffset, transactionVersion);
    }
    this.appendDataBatch(batch);
    return null;
  }

  private appendDataBatch(b: ProducerBatch): void {
    this.checkProducerEpoch(b.producerEpoch, b.baseOffset, TransactionVersion.TV_0);
    if (this.origin === AppendOrigin.CLIENT) this.checkSequence(b.producerEpoch, b.baseSequence, b.baseOffset);
    this.updated.addBatch(b.producerEpoch, b.lastSequence, b.lastOffset, b.lastOffset - b.baseOffset, b.maxTimestamp);
    if (this.updated.hasOngoingTxn && !b.isTransactional) {
      throw new InvalidTxnStateError(
        `expected a transactional write from producer ${this.producerId} at offset ${b.baseOffset} in ${this.where}`,
      );
    }
    if (!this.updated.hasOngoingTxn && b.isTransactional) {
      this.updated.currentTxnFirstOffset = b.baseOffset;
      this.startedTransactions.push({ producerId: this.producerId, firstOffset: b.baseOffset });
    }
  }

  /**
   * Legacy markers (TV0/1) and data batches need epoch >= current; a TV2 marker needs epoch >
   * current, except an exact retry once the transaction ended (KAFKA-19999).
   */
  private checkProducerEpoch(epoch: number, offset: number, tv: number): void {
    const current = this.updated.producerEpoch;
    const invalid = tv >= TransactionVersion.TV_2 ? epoch <= current : epoch < current;
    if (!invalid) return;
    if (tv >= TransactionVersion.TV_2 && epoch === current && !this.updated.hasOngoingTxn) return;
    const message =
      `epoch of producer ${this.producerId} at offset ${offset} in ${this.where} is ${epoch}, ` +
      `${tv >= TransactionVersion.TV_2 ? 'at or below' : 'below'} the last seen epoch ${current}`;
    if (this.origin === AppendOrigin.REPLICATION) log.warn(message);
    else throw new InvalidProducerEpochError(message);
  }

  private checkSequence(epoch: number, firstSeq: number, offset: number): void {
    const v = this.verification;
    if (v && v.supportsEpochBump && firstSeq !== 0 && this.current.isEmpty) {
      throw new OutOfOrderSequenceError(
        `producer ${this.producerId} at offset ${offset} in ${this.where}: sequence ${firstSeq}, expected 0 for a ` +
          'transactions-v2 producer with no state here',
      );
    }
    if (v && firstSeq > v.lowestSequence) {
      throw new OutOfOrderSequenceError(
        `producer ${this.producerId} at offset ${offset} in ${this.where}: sequence ${firstSeq} is above ${v.lowestSequence}, ` +
          'the lowest sequence being verified',
      );
    }
    if (epoch !== this.updated.producerEpoch) {
      if (firstSeq !== 0 && this.updated.producerEpoch !== NO_PRODUCER_EPOCH) {
        throw new OutOfOrderSequenceError(
          `producer ${this.producerId} at offset ${offset} in ${this.where}: new epoch ${epoch} starts at sequence ` +
            `${firstSeq}, not 0 (current epoch ${this.updated.producerEpoch})`,
        );
      }
      return;
    }
    let lastSeq: number;
    if (!this.updated.isEmpty) lastSeq = this.updated.lastSeq;
    else if (epoch === this.current.producerEpoch) lastSeq = this.current.lastSeq;
    else lastSeq = NO_SEQUENCE;
    // No epoch known (records removed by retention or DeleteRecords): any sequence is accepted.
    if (this.current.producerEpoch !== NO_PRODUCER_EPOCH && !inSequence(lastSeq, firstSeq)) {
      throw new OutOfOrderSequenceError(
        `producer ${this.producerId} at offset ${offset} in ${this.where}: sequence ${firstSeq} does not follow ${lastSeq}`,
      );
    }
  }

  private appendEndTxnMarker(marker: EndTxnMarkerInfo, epoch: number, offset: number, tv: number | undefined): CompletedTxn | null {
    // Followers see no transaction version; the leader checked the strict rule already.
    this.checkProducerEpoch(epoch, offset, tv ?? TransactionVersion.TV_0);
    if (this.updated.coordinatorEpoch > marker.coordinatorEpoch) {
      const message =
        `marker for producer ${this.producerId} at offset ${offset} in ${this.where} has coordinator epoch ` +
        `${marker.coordinatorEpoch}, older than ${this.updated.coordinatorEpoch}`;
      if (this.origin === AppendOrigin.REPLICATION) log.info(message);
      else throw new TransactionCoordinatorFencedError(message);
    }
    // Only a non-empty transaction is completed: an empty one never held back the LSO.
    const completed: CompletedTxn | null = this.updated.hasOngoingTxn
      ? {
          producerId: this.producerId,
          firstOffset: this.updated.currentTxnFirstOffset,
          lastOffset: offset,
          isAborted: marker.type === ControlRecordType.ABORT,
        }
      : null;
    this.updated.endTransaction(epoch, marker.coordinatorEpoch, marker.timestamp);
    return completed;
  }

  /** The producer's state once this request is in the log. */
  mergedEntry(): ProducerStateEntry {
    const merged = this.current.clone();
    merged.update(this.updated);
    return merged;
  }
}
