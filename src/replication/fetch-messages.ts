/**
 * The fetch path below the handler (Kafka's ReplicaManager.fetchMessages / readFromLog and
 * Partition.fetchRecords).
 *
 * Reading: partitions are read in request order against one response budget (max_bytes); each
 * gets min(partition_max_bytes, what is left). The first non-empty partition may exceed both
 * limits with one whole batch (KIP-74, Fetch v3+); after it limits are strict. Fetch v0-v2 have
 * hard limits: a first batch larger than the limit is cut at the limit (the pre-KIP-74
 * behaviour old clients detect as a too-large message).
 *
 * Answering at once, else waiting (see delayed-fetch.ts): max_wait_ms <= 0, no partitions, at
 * least min_bytes read, any partition error, or a diverging epoch → now. Otherwise the fetch
 * waits and reads again when woken.
 *
 * Per-partition errors carry HW/LSO/log start -1 and no records (Kafka's LogReadResult for an
 * exception). Replica fetches (replica_id >= 0): this broker has no followers, so — as Kafka for
 * a replica it does not know — UNKNOWN_LEADER_EPOCH when the request names the current leader
 * epoch, else NOT_LEADER_OR_FOLLOWER.
 *
 * Old versions: Fetch v0-v1 read magic 0 and v2-v3 magic 1, so batches are down-converted
 * (zstd cannot be: UNSUPPORTED_COMPRESSION_TYPE). Kafka 3.x also refused zstd topics before
 * Fetch v10; Kafka 4.4 returns their batches as they are (checked), and so does this broker.
 */
import { ErrorCode } from '../protocol/error-codes';
import { toErrorCode } from '../protocol/kafka-errors';
import { downConvertRecords } from '../protocol/records/legacy-convert';
import { OffsetOutOfRangeError } from '../log/errors';
import { DelayedFetch, type WatchedPartition } from './delayed-fetch';
import { NotLeaderOrFollowerError, UnknownLeaderEpochError } from './errors';
import { endOffsetForEpoch, type EpochEndOffset } from './offset-lookup';
import { FetchIsolation, type AbortedTransaction, type FetchIsolationName, type PartitionReadResult, type PartitionState } from './partition';
import type { PartitionManager } from './partition-manager';

export interface FetchParams {
  apiVersion: number;
  /** >= 0 for a follower replica. */
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolation: FetchIsolationName;
}

export interface FetchPartitionInput {
  topic: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  /** -1 to skip the check. */
  currentLeaderEpoch: number;
  /** -1 when not sent. */
  lastFetchedEpoch: number;
}

export interface FetchPartitionResult {
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer;
  abortedTransactions: AbortedTransaction[] | null;
  divergingEpoch: EpochEndOffset | null;
  /**
   * Gives the memory behind `records` back to the log's read pool; call it once the records
   * have been written out (RequestContext.onResponseDone). Absent when there is nothing to give.
   */
  release?: () => void;
}

interface ReadOutcome {
  result: FetchPartitionResult;
  watched: WatchedPartition;
}

/** Reads now or after waiting; results are in input order. */
export async function fetchMessages(manager: PartitionManager, params: FetchParams, inputs: readonly FetchPartitionInput[]): Promise<FetchPartitionResult[]> {
  const first = await readFromLog(manager, params, inputs);
  let bytes = 0;
  let mustAnswer = params.maxWaitMs <= 0 || inputs.length === 0;
  for (const o of first) {
    bytes += o.result.records.length;
    if (o.result.errorCode !== ErrorCode.NONE || o.result.divergingEpoch) mustAnswer = true;
  }
  if (mustAnswer || bytes >= params.minBytes) return first.map((o) => o.result);
  // Waiting: these reads are dropped (the fetch reads again when woken); nothing refers to them.
  for (const o of first) o.result.release?.();
  const op = new DelayedFetch(
    first.map((o) => o.watched),
    params.minBytes,
    (w) => mustCompleteNow(manager, params.isolation, w),
  );
  await manager.purgatory.watch(op, params.maxWaitMs);
  return (await readFromLog(manager, params, inputs)).map((o) => o.result);
}

/** DelayedFetch cases A-F: the partition is gone, replaced, fenced, or the offset left the readable range. */
function mustCompleteNow(manager: PartitionManager, isolation: FetchIsolationName, w: WatchedPartition): boolean {
  const s = w.state;
  if (!s || manager.currentState(w.key) !== s || !s.log.isOpen) return true;
  if (w.currentLeaderEpoch !== -1 && w.currentLeaderEpoch !== s.leaderEpoch) return true;
  const end = s.fetchableOffset(isolation);
  if (w.fetchOffset > end || w.fetchOffset < s.logStartOffset) return true;
  // Falling behind the active segment: data is there to read at once.
  return w.fetchOffset < end && w.fetchOffset < s.log.activeSegment.baseOffset;
}

async function readFromLog(manager: PartitionManager, params: FetchParams, inputs: readonly FetchPartitionInput[]): Promise<ReadOutcome[]> {
  const hardLimit = params.apiVersion <= 2;
  let limit = params.maxBytes;
  let minOneMessage = !hardLimit;
  const out: ReadOutcome[] = [];
  for (const input of inputs) {
    const pending = readOne(manager, params, input, limit, minOneMessage, hardLimit);
    const o = pending instanceof Promise ? await pending : pending;
    const size = o.result.records.length;
    // Once a partition returned data, request and partition limits are no longer ignored.
    if (size > 0) minOneMessage = false;
    limit = Math.max(0, limit - size);
    out.push(o);
  }
  return out;
}

/**
 * One partition's read. A partition with nothing new for the reader (most partitions of a
 * tailing consumer's fetch, and all of them before it waits) is answered synchronously: no
 * promise, no trip through the log's read path.
 */
function readOne(
  manager: PartitionManager,
  params: FetchParams,
  input: FetchPartitionInput,
  limit: number,
  minOneMessage: boolean,
  hardLimit: boolean,
): ReadOutcome | Promise<ReadOutcome> {
  const watched: WatchedPartition = {
    key: `${input.topic}-${input.partition}`,
    state: null,
    fetchOffset: input.fetchOffset,
    partitionMaxBytes: input.partitionMaxBytes,
    currentLeaderEpoch: input.currentLeaderEpoch,
    initialBytes: 0,
    readableAtStart: 0,
  };
  try {
    const state = manager.leaderPartition(input.topic, input.partition);
    watched.state = state;
    watched.readableAtStart = state.readableBytes;
    if (params.isolation === FetchIsolation.TXN_COMMITTED) watched.lsoAtStart = state.lastStableOffset;
    state.checkLeaderEpoch(input.currentLeaderEpoch);
    if (params.replicaId >= 0) rejectUnknownReplica(state, params.replicaId, input.currentLeaderEpoch);
    if (input.lastFetchedEpoch >= 0) {
      const diverging = checkDivergence(state, input);
      if (diverging) return { result: { ...okFields(state), records: EMPTY, abortedTransactions: null, divergingEpoch: diverging }, watched };
    }
    const maxBytes = Math.min(input.partitionMaxBytes, limit);
    const empty = state.emptyReadAt(input.fetchOffset, params.isolation);
    if (empty) return outcome(empty, empty.records, empty.release, watched);
    return readRecords(state, params, input, maxBytes, minOneMessage || (hardLimit && maxBytes > 0), hardLimit, watched);
  } catch (e) {
    return { result: errorResult(toErrorCode(e)), watched };
  }
}

async function readRecords(
  state: PartitionState,
  params: FetchParams,
  input: FetchPartitionInput,
  maxBytes: number,
  minOneMessage: boolean,
  hardLimit: boolean,
  watched: WatchedPartition,
): Promise<ReadOutcome> {
  try {
    const read = await state.read(input.fetchOffset, maxBytes, params.isolation, minOneMessage);
    let records = read.records;
    let release: (() => void) | undefined = read.release;
    watched.initialBytes = records.length;
    if (params.apiVersion <= 3 && records.length > 0) {
      try {
        records = downConvertRecords(records, params.apiVersion <= 1 ? 0 : 1, { firstOffset: BigInt(input.fetchOffset) });
      } finally {
        read.release(); // the converted copy is what goes out
        release = undefined;
      }
      if (hardLimit && records.length > maxBytes) records = records.subarray(0, maxBytes);
    }
    return outcome(read, records, release, watched);
  } catch (e) {
    return { result: errorResult(toErrorCode(e)), watched };
  }
}

function outcome(read: PartitionReadResult, records: Buffer, release: (() => void) | undefined, watched: WatchedPartition): ReadOutcome {
  return {
    result: {
      errorCode: ErrorCode.NONE,
      highWatermark: read.highWatermark,
      lastStableOffset: read.lastStableOffset,
      logStartOffset: read.logStartOffset,
      records,
      abortedTransactions: read.abortedTransactions,
      divergingEpoch: null,
      release,
    },
    watched,
  };
}

/** Partition.followerReplicaOrThrow for a replica the partition does not have. */
function rejectUnknownReplica(state: PartitionState, replicaId: number, currentLeaderEpoch: number): void {
  if (state.remoteReplicas.includes(replicaId)) {
    // Followers exist only in cluster mode, which replica fetching will implement.
    throw new NotLeaderOrFollowerError(`Replica fetching from ${replicaId} is not supported on ${state.key}`);
  }
  const message = `Replica ${replicaId} is not recognized as a valid replica of ${state.key} in leader epoch ${state.leaderEpoch}`;
  throw currentLeaderEpoch !== -1 ? new UnknownLeaderEpochError(message) : new NotLeaderOrFollowerError(message);
}

/** Partition.readRecords with a last fetched epoch: where the fetcher's log diverges from ours. */
function checkDivergence(state: PartitionState, input: FetchPartitionInput): EpochEndOffset | null {
  const end = endOffsetForEpoch(state.log.epochCache.all, input.lastFetchedEpoch, state.logEndOffset);
  if (end.endOffset === -1 || end.epoch === -1) {
    throw new OffsetOutOfRangeError(`Could not determine the end offset of the last fetched epoch ${input.lastFetchedEpoch} from the request`);
  }
  if (input.fetchOffset < state.logStartOffset) {
    throw new OffsetOutOfRangeError(`Received request for offset ${input.fetchOffset} for partition ${state.key}, but we only have log segments starting from offset: ${state.logStartOffset}.`);
  }
  if (end.epoch < input.lastFetchedEpoch || end.endOffset < input.fetchOffset) return end;
  return null;
}

function okFields(state: PartitionState): Pick<FetchPartitionResult, 'errorCode' | 'highWatermark' | 'lastStableOffset' | 'logStartOffset'> {
  const s = state.snapshot();
  return { errorCode: ErrorCode.NONE, highWatermark: s.highWatermark, lastStableOffset: s.lastStableOffset, logStartOffset: s.logStartOffset };
}

export function errorResult(errorCode: number): FetchPartitionResult {
  return { errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: EMPTY, abortedTransactions: null, divergingEpoch: null };
}

/** Kafka's FetchIsolation.of: followers read to the LEO, consumers to the HW or (read_committed) the LSO. */
export function isolationOf(replicaId: number, isolationLevel: number): FetchIsolationName {
  if (replicaId >= 0) return FetchIsolation.LOG_END;
  return isolationLevel === 1 ? FetchIsolation.TXN_COMMITTED : FetchIsolation.HIGH_WATERMARK;
}

const EMPTY = Buffer.alloc(0);
