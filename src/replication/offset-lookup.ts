/**
 * Offset lookups of a led partition: ListOffsets (by timestamp or special position, and v0's
 * list of segment offsets) and end offsets of leader epochs (OffsetForLeaderEpoch, and the
 * fetch divergence check). Kafka: Partition.fetchOffsetForTimestamp,
 * UnifiedLog.fetchOffsetByTimestamp / legacyFetchOffsetsBefore, LeaderEpochFileCache.
 *
 * Without tiered storage (this broker has none), earliest-local is the log start offset and
 * latest-tiered / earliest-pending-upload have no offset (-1, epoch -1), as Kafka answers when
 * remote storage is disabled.
 */
import type { EpochEntry } from '../log/checkpoint-files';
import { FetchIsolation, type FetchIsolationName, type PartitionState } from './partition';

export const ListOffsetsTimestamp = {
  LATEST: -1,
  EARLIEST: -2,
  MAX_TIMESTAMP: -3,
  EARLIEST_LOCAL: -4,
  LATEST_TIERED: -5,
  EARLIEST_PENDING_UPLOAD: -6,
} as const;

/** First ListOffsets version accepting each special timestamp (ReplicaManager.isListOffsetsTimestampUnsupported). */
const MIN_VERSION_FOR: ReadonlyMap<number, number> = new Map([
  [ListOffsetsTimestamp.EARLIEST, 1],
  [ListOffsetsTimestamp.LATEST, 1],
  [ListOffsetsTimestamp.MAX_TIMESTAMP, 7],
  [ListOffsetsTimestamp.EARLIEST_LOCAL, 8],
  [ListOffsetsTimestamp.LATEST_TIERED, 9],
  [ListOffsetsTimestamp.EARLIEST_PENDING_UPLOAD, 11],
]);

export function isTimestampUnsupported(timestamp: number, version: number): boolean {
  if (timestamp >= 0) return false;
  const min = MIN_VERSION_FOR.get(timestamp);
  return min === undefined || version < min;
}

export interface TimestampAndOffset {
  timestamp: number;
  offset: number;
  /** null: the response keeps the default -1. */
  leaderEpoch: number | null;
}

export interface OffsetLookup {
  found: TimestampAndOffset | null;
  /** Offsets at or past it are not reported (HW / LSO for consumers, LEO otherwise). */
  lastFetchableOffset: number;
}

/**
 * Kafka's Partition.fetchOffsetForTimestamp. `isolation` is null for a follower or debug
 * replica id (reads up to the LEO), else the consumer's isolation.
 */
export async function fetchOffsetForTimestamp(state: PartitionState, timestamp: number, isolation: FetchIsolationName | null): Promise<OffsetLookup> {
  const lastFetchableOffset = state.fetchableOffset(isolation ?? FetchIsolation.LOG_END);
  const log = state.log;
  switch (timestamp) {
    case ListOffsetsTimestamp.LATEST:
      return { found: { timestamp: -1, offset: lastFetchableOffset, leaderEpoch: state.leaderEpoch }, lastFetchableOffset: Infinity };
    case ListOffsetsTimestamp.EARLIEST:
    case ListOffsetsTimestamp.EARLIEST_LOCAL: {
      const first = log.epochCache.all[0];
      const epoch = first && first.startOffset <= log.logStartOffset ? first.epoch : null;
      return { found: { timestamp: -1, offset: log.logStartOffset, leaderEpoch: epoch }, lastFetchableOffset: Infinity };
    }
    case ListOffsetsTimestamp.LATEST_TIERED:
    case ListOffsetsTimestamp.EARLIEST_PENDING_UPLOAD:
      return { found: { timestamp: -1, offset: -1, leaderEpoch: -1 }, lastFetchableOffset };
    case ListOffsetsTimestamp.MAX_TIMESTAMP: {
      const max = await log.maxTimestampAndOffset();
      if (max.timestamp < 0) return { found: null, lastFetchableOffset };
      // The first record carrying the largest timestamp (Kafka: batch.offsetOfMaxTimestamp).
      const hit = await log.offsetForTimestamp(max.timestamp);
      if (!hit) return { found: null, lastFetchableOffset };
      return { found: { timestamp: hit.timestamp, offset: hit.offset, leaderEpoch: epochForOffset(log.epochCache.all, hit.offset) }, lastFetchableOffset };
    }
    default: {
      const hit = await log.offsetForTimestamp(timestamp);
      if (!hit) return { found: null, lastFetchableOffset };
      return { found: { timestamp: hit.timestamp, offset: hit.offset, leaderEpoch: epochForOffset(log.epochCache.all, hit.offset) }, lastFetchableOffset };
    }
  }
}

/**
 * ListOffsets v0 (Kafka's legacyFetchOffsetsBefore): segment base offsets (and the log end
 * offset) whose segment was last written at or before `timestamp`, newest first, at most
 * `maxNumOffsets`; a consumer never sees offsets above the HW. The "last written" time of a
 * segment is its largest record timestamp (Kafka uses the file's mtime).
 */
export async function legacyOffsetsBefore(state: PartitionState, timestamp: number, maxNumOffsets: number, isFromConsumer: boolean, nowMs: number): Promise<number[]> {
  const log = state.log;
  const segs = log.segments;
  const pairs: Array<[number, number]> = [];
  for (const s of segs) pairs.push([Math.max(s.baseOffset, log.logStartOffset), Math.max(s.createdMs, await s.largestTimestamp())]);
  if (log.activeSegment.size > 0) pairs.push([log.logEndOffset, nowMs]);
  let start: number;
  if (timestamp === ListOffsetsTimestamp.LATEST) start = pairs.length - 1;
  else if (timestamp === ListOffsetsTimestamp.EARLIEST) start = 0;
  else {
    start = pairs.length - 1;
    while (start >= 0 && pairs[start]![1] > timestamp) start--;
  }
  const out: number[] = [];
  for (let i = start; i >= 0 && out.length < maxNumOffsets; i--) out.push(pairs[i]![0]);
  out.sort((a, b) => b - a);
  if (!isFromConsumer) return out;
  const hw = state.highWatermark;
  if (!out.some((o) => o > hw)) return out;
  return [hw, ...out.filter((o) => o <= hw)];
}

export interface EpochEndOffset {
  epoch: number;
  endOffset: number;
}

/**
 * Kafka's LeaderEpochFileCache.endOffsetFor: the requested epoch's end (the next epoch's start,
 * or the LEO for the latest); below every known epoch → the first epoch's start offset; above
 * every known epoch or -1 → (-1, -1).
 */
export function endOffsetForEpoch(entries: readonly EpochEntry[], requested: number, logEndOffset: number): EpochEndOffset {
  const undefinedResult = { epoch: -1, endOffset: -1 };
  if (requested === -1 || entries.length === 0) return undefinedResult;
  const latest = entries[entries.length - 1]!;
  if (latest.epoch === requested) return { epoch: requested, endOffset: logEndOffset };
  const higher = entries.find((e) => e.epoch > requested);
  if (!higher) return undefinedResult;
  let floor: EpochEntry | undefined;
  for (const e of entries) if (e.epoch <= requested) floor = e;
  return { epoch: floor ? floor.epoch : requested, endOffset: higher.startOffset };
}

/** The epoch whose range holds `offset` (Kafka: epochForOffset), or null before the first entry. */
export function epochForOffset(entries: readonly EpochEntry[], offset: number): number | null {
  let previous: number | null = null;
  for (const e of entries) {
    if (e.startOffset === offset) return e.epoch;
    if (e.startOffset > offset) return previous;
    previous = e.epoch;
  }
  return previous;
}
