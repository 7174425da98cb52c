/**
 * Incremental fetch sessions (KIP-227, Fetch v7+), following Kafka's FetchSession.scala.
 *
 * A request names (session_id, session_epoch):
 *  - epoch 0 (INITIAL): a full fetch; any session it names is closed; a new session is created
 *    when the cache has room (or can evict), and its id returned (0 if not);
 *  - epoch -1 (FINAL): a full fetch without a session (what Fetch v0-v6 always are);
 *  - any other epoch: an incremental fetch of session `session_id` at that epoch. Unknown id →
 *    FETCH_SESSION_ID_NOT_FOUND; another epoch than expected → INVALID_FETCH_SESSION_EPOCH;
 *    topic ids used (v13+) differently from the session's creation → FETCH_SESSION_TOPIC_ID_ERROR.
 *    Listed partitions are added or updated, forgotten ones removed; the fetch covers every
 *    partition of the session, and the response lists only partitions with records, a changed
 *    high watermark or log start offset, an error, a diverging epoch or a preferred replica.
 *    A partition that returned records moves to the end of the session (fair rotation).
 *    A session left empty is closed and the request answered sessionless.
 *
 * The cache holds max.incremental.fetch.session.cache.slots sessions. A new session may evict one
 * unused for 2 minutes, else the least valuable one: follower sessions beat consumer sessions,
 * then larger beats smaller, and sessions younger than 2 minutes are safe from consumers.
 */
import { randomInt } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes';
import type { Clock } from '../util/clock';

export const INVALID_SESSION_ID = 0;
export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;
/** Kafka's KafkaServer.MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS. */
export const SESSION_EVICTION_MS = 120_000;
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export const nextEpoch = (epoch: number): number => (epoch < 0 ? FINAL_EPOCH : epoch === 0x7fffffff ? 1 : epoch + 1);

export interface TopicIdPartition {
  /** null while a topic id (v13+) is not known to this broker. */
  topic: string | null;
  topicId: string;
  partition: number;
}

export interface PartitionFetchData {
  fetchOffset: number;
  logStartOffset: number;
  maxBytes: number;
  currentLeaderEpoch: number;
  lastFetchedEpoch: number;
}

export interface FetchEntry {
  tp: TopicIdPartition;
  data: PartitionFetchData;
}

/** The parts of a partition's response that decide whether an incremental response includes it. */
export interface ResponseView {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  recordsSize: number;
  diverging: boolean;
  preferredReadReplica: number;
}

/** Sessions compare partitions by topic id when ids are used, else by name. */
export function partitionKey(tp: TopicIdPartition): string {
  return tp.topicId !== ZERO_UUID ? `id:${tp.topicId}:${tp.partition}` : `name:${tp.topic}:${tp.partition}`;
}

class CachedPartition {
  highWatermark = -1;
  localLogStartOffset = -1;
  constructor(
    public tp: TopicIdPartition,
    public data: PartitionFetchData,
  ) {}

  /** CachedPartition.maybeUpdateResponseData with updateResponseData = true. */
  mustRespond(r: ResponseView): boolean {
    let must = r.recordsSize > 0;
    if (this.highWatermark !== r.highWatermark) {
      must = true;
      this.highWatermark = r.highWatermark;
    }
    if (this.localLogStartOffset !== r.logStartOffset) {
      must = true;
      this.localLogStartOffset = r.logStartOffset;
    }
    if (r.preferredReadReplica !== -1) must = true;
    if (r.errorCode !== ErrorCode.NONE) {
      // Resent once the error goes away.
      this.highWatermark = -1;
      must = true;
    }
    return must || r.diverging;
  }
}

export class FetchSession {
  epoch: number;
  lastUsedMs: number;
  /** Size when last touched (the eviction key). */
  cachedSize = 0;
  evictableByPrivileged = false;
  evictableByAll = false;

  constructor(
    readonly id: number,
    readonly privileged: boolean,
    readonly partitions: Map<string, CachedPartition>,
    readonly usesTopicIds: boolean,
    readonly creationMs: number,
  ) {
    this.epoch = nextEpoch(INITIAL_EPOCH);
    this.lastUsedMs = creationMs;
  }
}

export type FetchContext =
  | { kind: 'error'; errorCode: number }
  | { kind: 'sessionless'; entries: FetchEntry[] }
  | { kind: 'full'; entries: FetchEntry[]; usesTopicIds: boolean; privileged: boolean }
  | { kind: 'incremental'; session: FetchSession; requestEpoch: number };

export interface SessionResponse<T> {
  errorCode: number;
  sessionId: number;
  /** The partitions to answer with, in order. */
  entries: Array<{ tp: TopicIdPartition; result: T }>;
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();

  constructor(
    /** max.incremental.fetch.session.cache.slots, read on every creation (dynamic). */
    private readonly maxEntries: () => number,
    private readonly clock: Clock,
    private readonly evictionMs = SESSION_EVICTION_MS,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get(id: number): FetchSession | undefined {
    return this.sessions.get(id);
  }

  /** FetchManager.newContext. `resolve` names topics by id for partitions cached unresolved. */
  newContext(
    version: number,
    sessionId: number,
    epoch: number,
    isFollower: boolean,
    entries: FetchEntry[],
    toForget: TopicIdPartition[],
    resolve: (topicId: string) => string | undefined,
  ): FetchContext {
    if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
      if (sessionId !== INVALID_SESSION_ID) this.sessions.delete(sessionId);
      if (epoch === FINAL_EPOCH) return { kind: 'sessionless', entries };
      return { kind: 'full', entries, usesTopicIds: version >= 13, privileged: isFollower };
    }
    const session = this.sessions.get(sessionId);
    if (!session) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND };
    if (session.epoch !== epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH };
    if (session.usesTopicIds !== version >= 13) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR };
    for (const e of entries) {
      const key = partitionKey(e.tp);
      const cached = session.partitions.get(key);
      if (cached) cached.data = e.data;
      else session.partitions.set(key, new CachedPartition(e.tp, e.data));
    }
    for (const tp of toForget) session.partitions.delete(partitionKey(tp));
    if (session.partitions.size === 0) {
      this.sessions.delete(session.id);
      return { kind: 'sessionless', entries };
    }
    this.touch(session, this.clock.now());
    session.epoch = nextEpoch(session.epoch);
    for (const c of session.partitions.values()) {
      if (c.tp.topic === null && session.usesTopicIds) c.tp = { ...c.tp, topic: resolve(c.tp.topicId) ?? null };
    }
    return { kind: 'incremental', session, requestEpoch: epoch };
  }

  /** The partitions the fetch reads, in order (the session's for an incremental fetch). */
  partitionsOf(ctx: FetchContext): FetchEntry[] {
    switch (ctx.kind) {
      case 'error':
        return [];
      case 'incremental':
        return [...ctx.session.partitions.values()].map((c) => ({ tp: c.tp, data: c.data }));
      default:
        return ctx.entries;
    }
  }

  /** updateAndGenerateResponseData: creates the session of a full fetch, filters an incremental one. */
  finish<T>(ctx: FetchContext, results: Array<{ tp: TopicIdPartition; result: T }>, view: (r: T) => ResponseView): SessionResponse<T> {
    switch (ctx.kind) {
      case 'error':
        return { errorCode: ctx.errorCode, sessionId: INVALID_SESSION_ID, entries: [] };
      case 'sessionless':
        return { errorCode: ErrorCode.NONE, sessionId: INVALID_SESSION_ID, entries: results };
      case 'full': {
        const data = new Map(ctx.entries.map((e) => [partitionKey(e.tp), e.data]));
        const id = this.maybeCreateSession(ctx.privileged, results.length, ctx.usesTopicIds, () => {
          const map = new Map<string, CachedPartition>();
          for (const r of results) {
            const key = partitionKey(r.tp);
            const c = new CachedPartition(r.tp, data.get(key)!);
            const v = view(r.result);
            c.highWatermark = v.highWatermark;
            c.localLogStartOffset = v.logStartOffset;
            map.set(key, c);
          }
          return map;
        });
        return { errorCode: ErrorCode.NONE, sessionId: id, entries: results };
      }
      case 'incremental': {
        const { session } = ctx;
        if (session.epoch !== nextEpoch(ctx.requestEpoch)) {
          // Another request of the session ran in between (a duplicate).
          return { errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: session.id, entries: [] };
        }
        const included: Array<{ tp: TopicIdPartition; result: T }> = [];
        for (const r of results) {
          const key = partitionKey(r.tp);
          const cached = session.partitions.get(key);
          if (!cached) continue;
          const v = view(r.result);
          if (!cached.mustRespond(v)) continue;
          included.push(r);
          if (v.recordsSize > 0) {
            session.partitions.delete(key);
            session.partitions.set(key, cached);
          }
        }
        return { errorCode: ErrorCode.NONE, sessionId: session.id, entries: included };
      }
    }
  }

  private maybeCreateSession(privileged: boolean, size: number, usesTopicIds: boolean, partitions: () => Map<string, CachedPartition>): number {
    const now = this.clock.now();
    if (this.sessions.size >= this.maxEntries() && !this.tryEvict(privileged, size, now)) return INVALID_SESSION_ID;
    if (this.maxEntries() <= 0) return INVALID_SESSION_ID;
    let id: number;
    do id = randomInt(1, 0x7fffffff);
    while (this.sessions.has(id));
    const session = new FetchSession(id, privileged, partitions(), usesTopicIds, now);
    this.sessions.set(id, session);
    this.touch(session, now);
    return id;
  }

  private touch(session: FetchSession, now: number): void {
    session.lastUsedMs = now;
    session.cachedSize = session.partitions.size;
    const old = now - session.creationMs > this.evictionMs;
    session.evictableByPrivileged = !session.privileged || old;
    session.evictableByAll = old;
  }

  /** FetchSessionCacheShard.tryEvict. */
  private tryEvict(privileged: boolean, size: number, now: number): boolean {
    let lru: FetchSession | undefined;
    for (const s of this.sessions.values()) {
      if (!lru || s.lastUsedMs < lru.lastUsedMs || (s.lastUsedMs === lru.lastUsedMs && s.id < lru.id)) lru = s;
    }
    if (!lru) return false;
    if (now - lru.lastUsedMs > this.evictionMs) {
      this.sessions.delete(lru.id);
      return true;
    }
    let victim: FetchSession | undefined;
    for (const s of this.sessions.values()) {
      if (!(privileged ? s.evictableByPrivileged : s.evictableByAll)) continue;
      if (!victim || compareEvictable(s, victim) < 0) victim = s;
    }
    // The newcomer (id 0) must rank above the victim: privileged over not, then larger.
    if (!victim || compareKeys(privileged, size, 0, victim.privileged, victim.cachedSize, victim.id) < 0) return false;
    this.sessions.delete(victim.id);
    return true;
  }
}

function compareEvictable(a: FetchSession, b: FetchSession): number {
  return compareKeys(a.privileged, a.cachedSize, a.id, b.privileged, b.cachedSize, b.id);
}

function compareKeys(ap: boolean, as: number, aid: number, bp: boolean, bs: number, bid: number): number {
  if (ap !== bp) return ap ? 1 : -1;
  if (as !== bs) return as - bs;
  return aid - bid;
}
