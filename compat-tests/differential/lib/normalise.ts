/**
 * Normalisation of decoded responses before they are compared: what legitimately differs
 * between two brokers is replaced by placeholders or by per-session aliases, and unordered
 * collections are put in a canonical order. Pure functions (the alias table is explicit state
 * passed in, one per side per session).
 *
 * What is normalised, and why:
 *  - identities each broker invents: cluster id, topic ids, member ids, producer ids, fetch
 *    session ids, broker (node) ids. Each distinct value becomes `<kind#n>`, numbered in order of
 *    first appearance in the session, so relations survive (the JoinGroup `leader` is the
 *    caller's own `memberId` on both sides) while the values themselves are not compared.
 *  - where a broker is: host, port, log directory paths, disk sizes.
 *  - the broker's clock: throttle times, LogAppendTime timestamps, the feature-epoch counter.
 *  - error messages: Kafka clients act on codes; the wording is free (compare codes, not text).
 *  - order: arrays of structs are sorted by their identity fields (topic name, partition index,
 *    API key, group id…), since Kafka builds many responses from hash maps. Arrays whose order
 *    means something (config synonyms are in precedence order, join protocols in preference
 *    order, records and aborted transactions in offset order) keep theirs.
 *  - record data: `records` blobs become batch/record views (records-view.ts).
 * Everything else is compared as decoded.
 */
import { BROKER_TIME, showBytes, viewRecords } from './records-view';

export const IGNORED = '<ignored>';

/** Per-session, per-side table of aliases for values each broker invents. */
export class Aliases {
  private readonly byKind = new Map<string, Map<string, string>>();

  /**
   * @param fixed values the sessions themselves put in requests (e.g. a made-up unknown topic
   * id), which brokers echo and which are compared verbatim, under the name given here.
   */
  constructor(private readonly fixed: Readonly<Record<string, string>> = {}) {}

  /**
   * The alias of `value`: `<kind:label>` when a label is given the first time the value is seen
   * (a topic id is labelled with its topic's name, so its alias does not depend on the order in
   * which ids show up), else `<kind#n>`.
   */
  alias(kind: string, value: unknown, label?: string): string {
    let m = this.byKind.get(kind);
    if (!m) {
      m = new Map();
      this.byKind.set(kind, m);
    }
    const key = typeof value === 'bigint' ? `${value}n` : String(value);
    if (Object.prototype.hasOwnProperty.call(this.fixed, key)) return this.fixed[key];
    let a = m.get(key);
    if (a === undefined) {
      a = label ? `<${kind}:${label}>` : `<${kind}#${m.size + 1}>`;
      m.set(key, a);
    }
    return a;
  }

  /** The alias already given to `value`, if any (used to express expectations in sessions). */
  peek(kind: string, value: unknown): string | undefined {
    const key = typeof value === 'bigint' ? `${value}n` : String(value);
    return this.byKind.get(kind)?.get(key);
  }
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/**
 * Free text and throttling: ignored whatever the value, null included (Kafka sets a message on
 * some errors and not on others; clients act on the code).
 */
const TEXT_FIELDS: Readonly<Record<string, true>> = {
  throttleTimeMs: true,
  errorMessage: true,
  batchIndexErrorMessage: true,
  acknowledgeErrorMessage: true,
};

/** Fields replaced by a fixed placeholder unless null. */
const PLACEHOLDER_FIELDS: Readonly<Record<string, string>> = {
  host: '<host>',
  port: '<port>',
  clientHost: '<host>',
  logDir: '<log-dir>',
  finalizedFeaturesEpoch: '<epoch>',
};

/** Numeric fields replaced by a placeholder unless they hold their "none" value (-1). */
const NON_SENTINEL_FIELDS: Readonly<Record<string, string>> = {
  logAppendTimeMs: BROKER_TIME,
  transactionStartTimeMs: BROKER_TIME,
  currentStateTimestamp: BROKER_TIME,
  lastFetchTimestamp: BROKER_TIME,
  lastCaughtUpTimestamp: BROKER_TIME,
  totalBytes: '<bytes>',
  usableBytes: '<bytes>',
};

/** Identity fields aliased per session: field name → alias kind. */
const ALIAS_FIELDS: Readonly<Record<string, string>> = {
  clusterId: 'cluster',
  topicId: 'topic-id',
  nodeId: 'broker',
  brokerId: 'broker',
  leaderId: 'broker',
  controllerId: 'broker',
  memberId: 'member',
  leader: 'member',
  producerId: 'producer',
  sessionId: 'fetch-session',
};

/** Arrays of broker ids. */
const BROKER_ID_ARRAYS = new Set(['replicaNodes', 'isrNodes', 'offlineReplicas', 'eligibleLeaderReplicas', 'lastKnownElr']);

/** Arrays whose order carries meaning; never sorted. */
const ORDERED_ARRAYS = new Set(['synonyms', 'protocols', 'abortedTransactions', 'records', 'headers', 'recordErrors']);

/** Identity fields of array elements, most significant first. Stable ones are not aliased. */
export const STABLE_KEYS = [
  'name', 'topic', 'topicName', 'resourceType', 'resourceName', 'partitionIndex', 'partition', 'partitionId',
  'index', 'apiKey', 'groupId', 'transactionalId', 'configName', 'key', 'batchIndex',
] as const;
export const ALIASED_KEYS = ['nodeId', 'brokerId', 'memberId', 'topicId', 'producerId'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);

/**
 * Is `v` an "unset" identity (Kafka's -1, an empty member id, the zero UUID, null; for fetch
 * sessions 0)? Those mean "none" and are compared as they are. Node id 0 and producer id 0 are
 * real identities.
 */
export function isUnsetIdentity(kind: string, v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === -1 || v === -1n || v === ZERO_UUID) return true;
  return kind === 'fetch-session' && v === 0;
}

/** Sort key of an element from the identity fields it has, or undefined when it has none. */
export function identityOf(el: unknown, keys: readonly string[]): string | undefined {
  if (!isObject(el)) return undefined;
  const parts: string[] = [];
  for (const k of keys) if (k in el && el[k] !== undefined) parts.push(`${k}=${String(el[k])}`);
  return parts.length ? parts.join(',') : undefined;
}

const compareKeys = (a: string, b: string): number => {
  // Numeric-aware so partition 10 sorts after partition 9.
  return a.localeCompare(b, 'en', { numeric: true });
};

function sortByIdentity(items: unknown[], keys: readonly string[]): unknown[] {
  const ids = items.map((x) => identityOf(x, keys));
  if (ids.some((id) => id === undefined)) return items;
  return items
    .map((x, i) => [x, ids[i] as string] as const)
    .sort((a, b) => compareKeys(a[1], b[1]))
    .map(([x]) => x);
}

function normaliseValue(v: unknown, field: string | undefined, aliases: Aliases): unknown {
  if (field !== undefined) {
    if (field in TEXT_FIELDS) return IGNORED;
    if (field in PLACEHOLDER_FIELDS) return v === null || v === undefined ? v : PLACEHOLDER_FIELDS[field];
    if (field in NON_SENTINEL_FIELDS) return v === -1 || v === -1n ? v : NON_SENTINEL_FIELDS[field];
    if (field in ALIAS_FIELDS && !isObject(v) && !Array.isArray(v)) {
      const kind = ALIAS_FIELDS[field];
      return isUnsetIdentity(kind, v) ? v : aliases.alias(kind, v);
    }
    if (BROKER_ID_ARRAYS.has(field) && Array.isArray(v)) return v.map((x) => (isUnsetIdentity('broker', x) ? x : aliases.alias('broker', x)));
    if (field === 'records' && (Buffer.isBuffer(v) || v === null)) {
      const view = viewRecords(v as Buffer | null);
      return Array.isArray(view) ? view.map((x) => normaliseValue(x, undefined, aliases)) : view;
    }
  }
  if (Buffer.isBuffer(v)) return showBytes(v);
  if (Array.isArray(v)) {
    if (field !== undefined && ORDERED_ARRAYS.has(field)) return v.map((x) => normaliseValue(x, undefined, aliases));
    // Stable keys first, so aliases inside are handed out in a canonical order; then, for
    // elements identified only by an aliased field, by the alias.
    const ordered = sortByIdentity(v, STABLE_KEYS);
    const mapped = ordered.map((x) => normaliseValue(x, undefined, aliases));
    return identityOf(mapped[0], STABLE_KEYS) === undefined ? sortByIdentity(mapped, ALIASED_KEYS) : mapped;
  }
  if (isObject(v)) {
    const label = v.name ?? v.topic ?? v.topicName;
    if (typeof v.topicId === 'string' && !isUnsetIdentity('topic-id', v.topicId) && typeof label === 'string' && label) {
      aliases.alias('topic-id', v.topicId, label);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normaliseValue(x, k, aliases);
    return out;
  }
  return v;
}

/** The normalised form of a decoded response body. */
export function normaliseBody(body: unknown, aliases: Aliases): unknown {
  return normaliseValue(body, undefined, aliases);
}
