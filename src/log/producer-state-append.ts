/**
 * The producer-state half of an append (Kafka: UnifiedLog.analyzeAndValidateProducerState and
 * the producer updates after LocalLog.append), split in two around the write:
 *
 *   prepareProducerAppend  in the partition queue, when the append is given offsets: every batch
 *                          with a producer id is validated (producer-append-info.ts) against the
 *                          state including appends still in flight; the batches of one append
 *                          are validated together, so any error refuses the whole append.
 *                          A client batch repeating one of the producer's last five batches
 *                          (same epoch and sequence range) makes the whole append a duplicate:
 *                          nothing is written and the original offsets are returned.
 *   commitProducerAppend   when the write commits: the state moves, and each transaction a
 *                          marker completed is recorded; an aborted one goes to the segment's
 *                          transaction index with the LSO at that point.
 */
import { TimestampType } from './log-config';
import { AnalyzedAppend, AppendOrigin, AppendOriginName } from './append-batches';
import { isControlBatch } from './batch-scan';
import { CompletedTxn, ProducerAppendInfo, StartedTxn, hasProducerIdAt, readProducerBatch } from './producer-append-info';
import { ProducerStateEntry, batchFirstOffset } from './producer-state-entry';
import { InvalidTxnStateError } from './producer-state-errors';
import { PreparedProducerAppend, ProducerStateManager } from './producer-state-manager';
import { VerificationGuard } from './producer-state-verification';
import { LogSegment } from './segment';

export interface DuplicateAppend {
  firstOffset: number;
  lastOffset: number;
  timestamp: number;
}

export interface ProducerAppendContext {
  origin: AppendOriginName;
  /** Offset the append's first batch gets (ignored for replication: batches keep theirs). */
  nextOffset: number;
  nowMs: number;
  timestampType: (typeof TimestampType)[keyof typeof TimestampType];
  transactionVersion?: number;
  verificationGuard?: VerificationGuard;
  verificationEnabled: boolean;
}

export type PreparedAppendResult =
  | { duplicate: DuplicateAppend; producer: null }
  | { duplicate: null; producer: PreparedProducerAppend | null };

export function prepareProducerAppend(psm: ProducerStateManager, a: AnalyzedAppend, c: ProducerAppendContext): PreparedAppendResult {
  const buf = a.records;
  const replicated = c.origin === AppendOrigin.REPLICATION;
  const appendTime = !replicated && c.timestampType === TimestampType.LOG_APPEND_TIME;
  let infos: Map<bigint, ProducerAppendInfo> | null = null;
  const completed: CompletedTxn[] = [];
  const transactional: bigint[] = [];
  let next = c.nextOffset;
  let off = 0;
  for (const b of a.batches) {
    const base = replicated ? b.baseOffset : next;
    const last = base + (b.lastOffset - b.baseOffset);
    if (hasProducerIdAt(buf, off)) {
      // With LogAppendTime the stored max timestamp will be the broker's time (assignOffsets).
      const maxTimestamp = appendTime && !isControlBatch(b.attributes) ? c.nowMs : b.maxTimestamp;
      const pb = readProducerBatch(buf, off, base, last, maxTimestamp)!;
      const current = psm.effectiveEntry(pb.producerId);
      if (c.origin === AppendOrigin.CLIENT && current) {
        const dup = current.findDuplicate(pb.producerEpoch, pb.baseSequence, pb.lastSequence);
        if (dup) {
          return {
            duplicate: { firstOffset: batchFirstOffset(dup), lastOffset: dup.lastOffset, timestamp: dup.timestamp },
            producer: null,
          };
        }
      }
      if (
        !replicated &&
        c.verificationEnabled &&
        pb.isTransactional &&
        !pb.isControl &&
        !current?.hasOngoingTxnInEpoch(pb.producerEpoch) &&
        !(psm.verificationStateEntry(pb.producerId)?.guard.verify(c.verificationGuard ?? VerificationGuard.SENTINEL) ?? false)
      ) {
        // KIP-890: the coordinator did not confirm this partition is in the open transaction.
        throw new InvalidTxnStateError(`transactional batch of producer ${pb.producerId} is not part of a verified transaction`);
      }
      infos ??= new Map();
      let info = infos.get(pb.producerId);
      if (!info) {
        info = psm.prepareUpdate(pb.producerId, c.origin);
        infos.set(pb.producerId, info);
      }
      const ct = info.append(pb, c.transactionVersion);
      if (ct) completed.push(ct);
      if (pb.isTransactional) transactional.push(pb.producerId);
    }
    next = last + 1;
    off += b.size;
  }
  if (!infos) return { duplicate: null, producer: null };
  const entries = new Map<bigint, ProducerStateEntry>();
  const started: StartedTxn[] = [];
  for (const [pid, info] of infos) {
    entries.set(pid, info.mergedEntry());
    started.push(...info.startedTransactions);
  }
  return { duplicate: null, producer: { entries, started, completed, transactional } };
}

/** Applies a committed append's producer state; aborted transactions go to `seg`'s index. */
export function commitProducerAppend(psm: ProducerStateManager, p: PreparedProducerAppend, seg: LogSegment): void {
  psm.commit(p);
  for (const ct of p.completed) {
    if (ct.isAborted) {
      seg.txnIndex.append({
        producerId: ct.producerId,
        firstOffset: ct.firstOffset,
        lastOffset: ct.lastOffset,
        lastStableOffset: psm.lastStableOffset(ct),
      });
    }
    psm.completeTxn(ct);
  }
}
