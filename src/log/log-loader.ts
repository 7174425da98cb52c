/**
 * Opening a partition directory (Kafka: LogLoader).
 *
 *  1. Leftovers are cleaned: `*.deleted` and `*.cleaned` files are removed, `*.tmp` checkpoint
 *     temps too; a `*.swap` file (a compaction that crashed between its two renames) is
 *     completed: the segments it replaced are deleted and it takes its final name; index files
 *     without a .log are removed.
 *  2. Segments are listed by base offset; nothing is read from them yet (lazy indexes).
 *  3. After a clean shutdown only the active segment's tail is read to find the log end offset.
 *     After an unclean one, every segment from the one holding the recovery point on is scanned
 *     (length, magic, CRC, increasing offsets), its indexes rebuilt and the file truncated after
 *     its last valid batch; if a segment had to be truncated, all later segments are deleted.
 *  4. The leader-epoch cache is loaded, extended by the recovered batches and cut to the log.
 *  5. Producer state (Kafka: LogLoader + rebuildProducerState): the snapshot files are listed;
 *     recovery first brings the state to the first segment it scans (latest snapshot at or
 *     below it, then the log), then replays every recovered batch, rebuilding each recovered
 *     segment's transaction index, and writes a snapshot after each segment. Finally stray
 *     snapshots are removed and the state is brought to the log end offset (after a clean
 *     shutdown, from the snapshot written at close: nothing to replay).
 */
import { Clock } from '../util/clock';
import { logger } from '../util/logger';
import { LEADER_EPOCH_CHECKPOINT, PARTITION_METADATA, readPartitionMetadata, writePartitionMetadata } from './checkpoint-files';
import { CorruptFileError, storageError } from './errors';
import { scanFileBatches } from './file-batch-scanner';
import { LeaderEpochCache } from './leader-epoch-cache';
import { LogConfig } from './log-config';
import { LogFs, joinPath } from './log-fs';
import { Log, LogDeps, floorSegment, segmentSettingsOf } from './log';
import { offsetFileStem } from './offsets';
import { DEFAULT_PRODUCER_STATE_CONFIG, ProducerStateManager } from './producer-state-manager';
import { applyLoggedBatch, rebuildProducerState } from './producer-state-rebuild';
import { DELETED_SUFFIX, LogSegment, SEGMENT_FILE_SUFFIXES, SegmentFile } from './segment';
import { TopicPartition, tpKey } from './topic-partition';

export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';

export interface OpenLogOptions {
  dir: string;
  tp: TopicPartition;
  config: Readonly<LogConfig>;
  /** From the log dir's recovery-point-offset-checkpoint (0 when absent). */
  recoveryPoint: number;
  /** From the log dir's log-start-offset-checkpoint (0 when absent). */
  logStartOffset: number;
  hadCleanShutdown: boolean;
  /** Topic id for a new log (written to partition.metadata). */
  topicId?: string | null;
}

const SEGMENT_NAME = /^(\d{20})(\.log|\.index|\.timeindex|\.txnindex)(\.deleted|\.cleaned|\.swap)?$/;

/** Opens (creating if needed) the log in `opts.dir`. */
export async function openLog(fsys: LogFs, clock: Clock, opts: OpenLogOptions, deps: Partial<LogDeps> = {}): Promise<Log> {
  const log = logger('log').child({ dir: opts.dir });
  const settings = segmentSettingsOf(opts.config);
  try {
    await fsys.mkdir(opts.dir);
  } catch (e) {
    throw storageError('create log directory', opts.dir, e);
  }
  const names = await fsys.readdir(opts.dir);
  const logBases = new Set<number>();
  const swaps: number[] = [];
  const indexSwaps: string[] = [];
  const others = new Map<number, string[]>();
  for (const name of names) {
    const path = joinPath(opts.dir, name);
    if (name.endsWith('.tmp') || name.endsWith(DELETED_SUFFIX) || name.endsWith(CLEANED_SUFFIX)) {
      await fsys.unlink(path).catch(() => undefined);
      continue;
    }
    const m = SEGMENT_NAME.exec(name);
    if (!m) continue;
    const base = Number(m[1]);
    if (m[3] === SWAP_SUFFIX) {
      if (m[2] === SegmentFile.LOG) swaps.push(base);
      else indexSwaps.push(path);
      continue;
    }
    if (m[2] === SegmentFile.LOG) logBases.add(base);
    else others.set(base, [...(others.get(base) ?? []), path]);
  }
  for (const base of swaps) await completeSwap(fsys, opts.dir, base, logBases, settings.maxBatchSize);
  // Index swaps left over (their .log.swap never appeared: a crash before the commit rename).
  for (const path of indexSwaps) await fsys.unlink(path).catch(() => undefined);
  // Index files whose .log is gone.
  for (const [base, paths] of others) {
    if (!logBases.has(base)) for (const p of paths) await fsys.unlink(p).catch(() => undefined);
  }

  const bases = [...logBases].sort((a, b) => a - b);
  const segments: LogSegment[] = [];
  for (const base of bases) {
    const path = joinPath(opts.dir, offsetFileStem(base) + SegmentFile.LOG);
    const st = await fsys.stat(path);
    if (!st) continue;
    segments.push(LogSegment.existing(fsys, opts.dir, base, settings, st.size, st.mtimeMs));
  }

  const epochCache = await LeaderEpochCache.load(fsys, joinPath(opts.dir, LEADER_EPOCH_CHECKPOINT)).catch(async (e) => {
    if (!(e instanceof CorruptFileError)) throw e;
    log.warn({ err: e }, 'leader epoch checkpoint is corrupt; rebuilding it from the log');
    const c = new LeaderEpochCache(joinPath(opts.dir, LEADER_EPOCH_CHECKPOINT), fsys);
    return c;
  });

  let metadata = await readPartitionMetadata(fsys, joinPath(opts.dir, PARTITION_METADATA)).catch((e) => {
    log.warn({ err: e }, 'partition.metadata is unreadable; it will be rewritten');
    return null;
  });
  if (!metadata && opts.topicId) {
    metadata = { topicId: opts.topicId };
    await writePartitionMetadata(fsys, joinPath(opts.dir, PARTITION_METADATA), metadata);
  }

  let logStartOffset = opts.logStartOffset;
  let recoveryPoint = opts.recoveryPoint;
  let logEndOffset: number;
  const producers = new ProducerStateManager(
    fsys,
    opts.dir,
    tpKey(opts.tp),
    { ...DEFAULT_PRODUCER_STATE_CONFIG, ...deps.producerState },
    clock,
  );
  await producers.loadSnapshotList(names);

  if (segments.length === 0) {
    const seg = await LogSegment.create(fsys, opts.dir, logStartOffset, settings, clock.now());
    segments.push(seg);
    recoveryPoint = logStartOffset;
    logEndOffset = logStartOffset;
    epochCache.clear();
  } else {
    // Recovery rebuilds a corrupt transaction index (with the producer state it needs).
    const corruptTxnIndexAt = await firstCorruptTxnIndex(fsys, segments, names, log);
    const active = segments[segments.length - 1]!;
    const next = opts.hadCleanShutdown && corruptTxnIndexAt === null ? await active.readNextOffset() : null;
    if (next !== null) {
      logEndOffset = next;
    } else {
      let from = Math.min(recoveryPoint, corruptTxnIndexAt ?? Infinity);
      if (opts.hadCleanShutdown) {
        from = corruptTxnIndexAt ?? active.baseOffset;
        log.warn({ from }, 'clean shutdown, but a segment tail or transaction index does not parse; recovering from there');
      }
      logEndOffset = await recoverSegments(fsys, segments, { recoveryPoint: from, logStartOffset, nowMs: clock.now() }, epochCache, producers, log);
    }
  }

  // Drop deleted-tail segments from the list (recoverSegments may have removed some).
  const live = segments.filter((s) => !s.deleted);
  if (logStartOffset > logEndOffset) {
    // Kafka: a checkpointed log start offset past the recovered end means the data below it was
    // deleted and what is left is stale: start over there.
    log.warn({ logStartOffset, logEndOffset }, 'log start offset past the log end; starting empty there');
    for (const s of live) {
      await s.markDeleted();
      await s.deleteFiles();
    }
    live.length = 0;
    live.push(await LogSegment.create(fsys, opts.dir, logStartOffset, settings, clock.now()));
    logEndOffset = logStartOffset;
    epochCache.clear();
    await producers.truncateFullyAndStartAt(logStartOffset);
  }
  logStartOffset = Math.max(logStartOffset, live[0]!.baseOffset);
  recoveryPoint = opts.hadCleanShutdown ? logEndOffset : Math.min(Math.max(recoveryPoint, logStartOffset), logEndOffset);
  epochCache.truncateFromEnd(logEndOffset);
  epochCache.truncateFromStart(logStartOffset);
  if (epochCache.isDirty) await epochCache.persist();

  await producers.removeStraySnapshots(live.map((s) => s.baseOffset));
  await rebuildProducerState(fsys, producers, live, {
    logStartOffset,
    lastOffset: logEndOffset,
    reloadFromCleanShutdown: opts.hadCleanShutdown,
    nowMs: clock.now(),
    log,
  });

  const active = live[live.length - 1]!;
  await active.ensureIndexes();
  await active.txnIndex.ensureLoaded(fsys);
  await active.acquire();
  return new Log(
    opts.dir,
    opts.tp,
    opts.config,
    {
      segments: live,
      logStartOffset,
      logEndOffset,
      recoveryPoint,
      epochCache,
      topicId: metadata?.topicId ?? null,
      producerState: producers,
    },
    { fs: fsys, clock, ...deps },
  );
}

/**
 * Scans segments from the one holding `recoveryPoint`, replaying producer state and rebuilding
 * their transaction indexes; returns the log end offset.
 */
async function recoverSegments(
  fsys: LogFs,
  segments: LogSegment[],
  o: { recoveryPoint: number; logStartOffset: number; nowMs: number },
  epochCache: LeaderEpochCache,
  producers: ProducerStateManager,
  log: ReturnType<typeof logger>,
): Promise<number> {
  const first = floorSegment(segments, o.recoveryPoint);
  // Producer state as of the first segment scanned (Kafka: recoverSegment's rebuild).
  await rebuildProducerState(fsys, producers, segments.slice(0, first + 1), {
    logStartOffset: o.logStartOffset,
    lastOffset: segments[first]!.baseOffset,
    reloadFromCleanShutdown: false,
    nowMs: o.nowMs,
    log,
  });
  // Segments before the recovery point are trusted; their end is the next segment's base.
  let next = first > 0 ? segments[first]!.baseOffset : segments[0]!.baseOffset;
  for (let i = first; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.baseOffset < next) {
      // The previous segment's data runs past this one's base: this one cannot be valid.
      log.warn({ segment: seg.logPath, expectedAtLeast: next }, 'segment overlaps its predecessor; deleting it');
      await deleteFrom(segments, i);
      break;
    }
    seg.txnIndex.reset();
    const res = await seg.recover((b, bytes) => {
      epochCache.assign(b.partitionLeaderEpoch, b.baseOffset);
      applyLoggedBatch(producers, b, bytes, seg.txnIndex, log);
    });
    next = res.nextOffset > seg.baseOffset ? res.nextOffset : Math.max(next, seg.baseOffset);
    // So that recovering a later segment never replays this one again (Kafka: recoverSegment).
    await producers.takeSnapshot(false);
    if (res.truncatedBytes > 0 && i + 1 < segments.length) {
      log.warn({ segment: seg.logPath, truncatedBytes: res.truncatedBytes }, 'deleting the segments after a truncated one');
      await deleteFrom(segments, i + 1);
      break;
    }
  }
  return next;
}

/**
 * Loads every transaction index file present (Kafka checks them at load); returns the base of
 * the first segment whose index is corrupt, or null.
 */
async function firstCorruptTxnIndex(
  fsys: LogFs,
  segments: readonly LogSegment[],
  names: readonly string[],
  log: ReturnType<typeof logger>,
): Promise<number | null> {
  const present = new Set(names.filter((n) => n.endsWith(SegmentFile.TXN_INDEX)).map((n) => Number(n.slice(0, 20))));
  for (const seg of segments) {
    if (!present.has(seg.baseOffset)) continue;
    try {
      await seg.txnIndex.ensureLoaded(fsys);
    } catch (e) {
      if (!(e instanceof CorruptFileError)) throw e;
      log.warn({ err: e, segment: seg.logPath }, 'corrupt transaction index; recovering the segment');
      return seg.baseOffset;
    }
  }
  return null;
}

async function deleteFrom(segments: LogSegment[], from: number): Promise<void> {
  for (let i = from; i < segments.length; i++) {
    await segments[i]!.markDeleted();
    await segments[i]!.deleteFiles();
  }
}

/**
 * Completes a compaction swap: the `.log.swap` file (renamed there only once fully written and
 * synced, after its `.txnindex.swap`) replaces every segment whose base offset lies in its
 * offset range, then takes its final name, and so does its transaction index. The offset and
 * time indexes are rebuilt lazily (Kafka: LogLoader swap handling).
 */
async function completeSwap(fsys: LogFs, dir: string, base: number, logBases: Set<number>, maxBatchSize: number) {
  const stem = joinPath(dir, offsetFileStem(base));
  const swapLog = stem + SegmentFile.LOG + SWAP_SUFFIX;
  const st = await fsys.stat(swapLog);
  if (!st) return;
  let lastOffset = base - 1;
  const fd = await fsys.open(swapLog, 'r');
  try {
    await scanFileBatches(fsys, fd, { from: 0, end: st.size, checkCrc: true, maxBatchSize }, (b) => {
      lastOffset = b.lastOffset;
    });
  } finally {
    await fsys.close(fd);
  }
  for (const b of [...logBases].sort((x, y) => x - y)) {
    if (b < base || b > lastOffset) continue;
    const s = joinPath(dir, offsetFileStem(b));
    for (const suffix of SEGMENT_FILE_SUFFIXES) await fsys.unlink(s + suffix).catch(() => undefined);
    logBases.delete(b);
  }
  // The offset and time indexes are rebuilt lazily; the cleaned transaction index is kept.
  for (const suffix of [SegmentFile.INDEX, SegmentFile.TIME_INDEX]) await fsys.unlink(stem + suffix + SWAP_SUFFIX).catch(() => undefined);
  try {
    await fsys.rename(swapLog, stem + SegmentFile.LOG);
  } catch (e) {
    throw storageError('complete compaction swap of', swapLog, e);
  }
  await fsys.rename(stem + SegmentFile.TXN_INDEX + SWAP_SUFFIX, stem + SegmentFile.TXN_INDEX).catch((e: { code?: string }) => {
    if (e.code !== 'ENOENT') throw storageError('complete compaction swap of', stem + SegmentFile.TXN_INDEX + SWAP_SUFFIX, e);
  });
  logBases.add(base);
}
