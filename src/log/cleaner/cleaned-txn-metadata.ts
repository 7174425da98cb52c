/**
 * Transaction state while the cleaner walks the log in offset order (Kafka:
 * CleanedTransactionMetadata). It is fed the aborted transactions of the range being read (from
 * the transaction indexes) and every batch in order, and decides:
 *
 *   - a data batch of an aborted transaction can be discarded, whatever its keys;
 *   - an ABORT marker is kept while this pass still saw batches of its transaction (and its
 *     entry goes to the cleaned segment's transaction index); once none are left it may go;
 *   - a COMMIT marker may go once this pass saw no batch of its transaction;
 *   - an empty control batch was cleaned before and may go.
 *
 * A marker that may go is not dropped at once: like a tombstone it gets a delete horizon
 * (now + delete.retention.ms) the first time, and is removed by a pass after that horizon, so a
 * consumer that read the transaction's records also sees its end.
 */
import { ControlRecordType } from '../../protocol/records';
import { AbortedTxn } from '../txn-index';

interface AbortedTxnState {
  txn: AbortedTxn;
  /** Last offset of a batch of this transaction seen in this pass, -1 if none. */
  lastObservedBatchOffset: number;
}

export class CleanedTransactionMetadata {
  private readonly ongoingCommitted = new Set<bigint>();
  private readonly ongoingAborted = new Map<bigint, AbortedTxnState>();
  /** Not yet reached, by first offset. */
  private pendingAborted: AbortedTxn[] = [];
  private readonly known = new Set<string>();
  /** Entries for the transaction index of the segment being written, when there is one. */
  cleanedIndex: AbortedTxn[] | null = null;

  /** Adds aborted transactions of the range about to be read (duplicates are ignored). */
  addAbortedTransactions(list: readonly AbortedTxn[]): void {
    let added = false;
    for (const t of list) {
      const key = `${t.producerId}:${t.firstOffset}`;
      if (this.known.has(key)) continue;
      this.known.add(key);
      this.pendingAborted.push(t);
      added = true;
    }
    if (added) this.pendingAborted.sort((a, b) => a.firstOffset - b.firstOffset);
  }

  private consumeAbortedUpTo(offset: number): void {
    let n = 0;
    while (n < this.pendingAborted.length && this.pendingAborted[n]!.firstOffset <= offset) {
      const t = this.pendingAborted[n++]!;
      if (!this.ongoingAborted.has(t.producerId)) this.ongoingAborted.set(t.producerId, { txn: t, lastObservedBatchOffset: -1 });
    }
    if (n > 0) this.pendingAborted = this.pendingAborted.slice(n);
  }

  /**
   * A control batch: true if it may be discarded. `markerType` is its record's control type,
   * null for an empty control batch (already cleaned).
   */
  onControlBatchRead(producerId: bigint, lastOffset: number, markerType: number | null): boolean {
    this.consumeAbortedUpTo(lastOffset);
    if (markerType === null) return true;
    if (markerType === ControlRecordType.ABORT) {
      const s = this.ongoingAborted.get(producerId);
      this.ongoingAborted.delete(producerId);
      if (s && s.lastObservedBatchOffset >= 0) {
        this.cleanedIndex?.push(s.txn);
        return false;
      }
      return true;
    }
    if (markerType === ControlRecordType.COMMIT) return !this.ongoingCommitted.delete(producerId);
    return false;
  }

  /** A data batch: true if it belongs to an aborted transaction (and may be discarded). */
  onBatchRead(producerId: bigint, lastOffset: number, isTransactional: boolean): boolean {
    this.consumeAbortedUpTo(lastOffset);
    if (!isTransactional) return false;
    const s = this.ongoingAborted.get(producerId);
    if (s) {
      s.lastObservedBatchOffset = lastOffset;
      return true;
    }
    this.ongoingCommitted.add(producerId);
    return false;
  }
}
