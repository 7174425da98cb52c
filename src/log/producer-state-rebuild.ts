/**
 * Rebuilding producer state from the log (Kafka: UnifiedLog.rebuildProducerState,
 * LogSegment.updateProducerState): load the latest snapshot at or below the target offset, then
 * replay every batch with a producer id from the snapshot's offset up to the target. Batches
 * from the log are applied with the replication origin: nothing is refused, as they were
 * validated when appended.
 *
 * Snapshots written here are not fsynced (Kafka syncs them): a torn or lost one is detected by
 * its length and CRC and costs only a longer replay; the one written at close is synced.
 *
 * Shortcut (as Kafka, for logs written before snapshots existed): after a clean shutdown with no
 * snapshot at all, nothing is replayed; empty snapshots are written at the last two segment
 * bases and the target, so the next load starts from them.
 */
import { Logger } from '../util/logger';
import { AppendOrigin } from './append-batches';
import { BatchSummary } from './batch-scan';
import { scanFileBatches } from './file-batch-scanner';
import { LogFs } from './log-fs';
import { ProducerBatch, readProducerBatch } from './producer-append-info';
import { ProducerStateManager } from './producer-state-manager';
import { LogSegment } from './segment';
import { TxnIndex } from './txn-index';

/**
 * Applies one batch read from the log. A transaction it aborts is added to `txnIndex` (segment
 * recovery rebuilds the index this way); the map end offset moves past the batch.
 */
export function applyLoggedBatch(psm: ProducerStateManager, b: BatchSummary, bytes: Buffer, txnIndex: TxnIndex | null, log: Logger): void {
  let pb: ProducerBatch | null = null;
  try {
    pb = readProducerBatch(bytes, 0, b.baseOffset, b.lastOffset, b.maxTimestamp);
  } catch (e) {
    // A control batch whose record does not decode: it carries no state we can use.
    log.warn({ err: e, offset: b.baseOffset }, 'skipping an undecodable control batch while loading producer state');
  }
  if (pb) applyProducerBatch(psm, pb, txnIndex);
  psm.updateMapEndOffset(b.lastOffset + 1);
}

export function applyProducerBatch(psm: ProducerStateManager, pb: ProducerBatch, txnIndex: TxnIndex | null): void {
  const info = psm.prepareUpdate(pb.producerId, AppendOrigin.REPLICATION);
  const completed = info.append(pb, undefined);
  psm.commit({
    entries: new Map([[pb.producerId, info.mergedEntry()]]),
    started: info.startedTransactions,
    completed: completed ? [completed] : [],
    transactional: [],
  });
  if (completed) {
    if (completed.isAborted && txnIndex) {
      txnIndex.append({
        producerId: completed.producerId,
        firstOffset: completed.firstOffset,
        lastOffset: completed.lastOffset,
        lastStableOffset: psm.lastStableOffset(completed),
      });
    }
    psm.completeTxn(completed);
  }
}

/** Replays the batches of `seg` whose last offset is in [from, to). */
export async function replaySegment(
  fsys: LogFs,
  psm: ProducerStateManager,
  seg: LogSegment,
  from: number,
  to: number,
  log: Logger,
): Promise<void> {
  if (seg.size === 0) return;
  const { position } = await seg.positionOf(from);
  if (position >= seg.size) return;
  const fd = await seg.acquire();
  try {
    await scanFileBatches(
      fsys,
      fd,
      { from: position, end: seg.size, checkCrc: false, maxBatchSize: seg.settings.maxBatchSize },
      (b, bytes) => {
        if (b.lastOffset >= to) return false;
        if (b.lastOffset >= from) applyLoggedBatch(psm, b, bytes, null, log);
        return true;
      },
    );
  } finally {
    seg.release();
  }
}

export interface RebuildOptions {
  logStartOffset: number;
  /** The state is rebuilt up to here (exclusive): the log end offset, or a segment base. */
  lastOffset: number;
  reloadFromCleanShutdown: boolean;
  nowMs: number;
  log: Logger;
}

/** Brings `psm` to `o.lastOffset` from the latest usable snapshot and the log. */
export async function rebuildProducerState(
  fsys: LogFs,
  psm: ProducerStateManager,
  segments: readonly LogSegment[],
  o: RebuildOptions,
): Promise<void> {
  const toSnapshot: number[] = [];
  const n = segments.length;
  if (n > 1) toSnapshot.push(segments[n - 2]!.baseOffset);
  if (n > 0) toSnapshot.push(segments[n - 1]!.baseOffset);
  toSnapshot.push(o.lastOffset);

  if (psm.latestSnapshotOffset() === null && o.reloadFromCleanShutdown) {
    for (const off of toSnapshot) {
      psm.updateMapEndOffset(off);
      await psm.takeSnapshot(false);
    }
    return;
  }
  const emptyBefore = psm.isEmpty && psm.mapEndOffset >= o.lastOffset;
  await psm.truncateAndReload(o.logStartOffset, o.lastOffset, o.nowMs);
  // Nothing to replay when the state was empty and only moved back (truncation of a log
  // without producers): Kafka's optimisation for logs that never saw idempotent producers.
  if (o.lastOffset > psm.mapEndOffset && !emptyBefore) {
    const from0 = psm.mapEndOffset;
    o.log.info({ from: from0, to: o.lastOffset }, 'replaying the log to rebuild producer state');
    for (let i = 0; i < n; i++) {
      const seg = segments[i]!;
      const end = i + 1 < n ? segments[i + 1]!.baseOffset : Infinity;
      if (end <= from0 || seg.baseOffset >= o.lastOffset) continue;
      const start = Math.max(seg.baseOffset, psm.mapEndOffset, o.logStartOffset);
      psm.updateMapEndOffset(start);
      if (toSnapshot.includes(seg.baseOffset)) await psm.takeSnapshot(false);
      await replaySegment(fsys, psm, seg, start, o.lastOffset, o.log);
    }
  }
  psm.updateMapEndOffset(o.lastOffset);
  await psm.takeSnapshot(false);
}
