/**
 * Field-by-field comparison of two normalised responses. Arrays of structs are matched by their
 * identity fields (topic name, partition index, API key…) rather than by position, so one
 * missing topic reads as one difference, not as every later element shifted. Pure.
 */
import { errorName } from '../../../src/protocol/error-codes';
import { ALIASED_KEYS, identityOf, STABLE_KEYS } from './normalise';

export interface Difference {
  /** e.g. `topics[name=t1].partitions[partitionIndex=0].errorCode`; '' for the whole body. */
  path: string;
  kafka: string;
  tributary: string;
}

export const ABSENT = '(absent)';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Compact text for a value; error codes get their Kafka name; long values are cut. */
export function show(value: unknown, path = '', limit = 240): string {
  if (value === ABSENT) return ABSENT;
  if (typeof value === 'number' && /errorCode$|ErrorCode$/.test(path)) return `${value} ${errorName(value)}`;
  if (typeof value === 'bigint') return `${value}`;
  if (typeof value === 'string') return JSON.stringify(value);
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}` : v)) ?? String(value);
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Identity keys to match array elements by: the stable ones, else the aliased ones. */
function matchKeys(a: unknown[], b: unknown[]): readonly string[] | undefined {
  const all = [...a, ...b];
  if (all.length === 0) return undefined;
  for (const keys of [STABLE_KEYS, ALIASED_KEYS]) {
    const ids = all.map((x) => identityOf(x, keys));
    if (ids.every((id) => id !== undefined) && new Set(ids.slice(0, a.length)).size === a.length && new Set(ids.slice(a.length)).size === b.length) {
      return keys;
    }
  }
  return undefined;
}

function diffArrays(k: unknown[], t: unknown[], path: string, out: Difference[]): void {
  const keys = matchKeys(k, t);
  if (keys) {
    const tById = new Map(t.map((x) => [identityOf(x, keys) as string, x]));
    const kIds = new Set<string>();
    for (const x of k) {
      const id = identityOf(x, keys) as string;
      kIds.add(id);
      const p = `${path}[${id}]`;
      if (tById.has(id)) diffValues(x, tById.get(id), p, out);
      else out.push({ path: p, kafka: show(x, p), tributary: ABSENT });
    }
    for (const x of t) {
      const id = identityOf(x, keys) as string;
      if (!kIds.has(id)) out.push({ path: `${path}[${id}]`, kafka: ABSENT, tributary: show(x, path) });
    }
    return;
  }
  const n = Math.max(k.length, t.length);
  for (let i = 0; i < n; i++) {
    const p = `${path}[${i}]`;
    if (i >= k.length) out.push({ path: p, kafka: ABSENT, tributary: show(t[i], p) });
    else if (i >= t.length) out.push({ path: p, kafka: show(k[i], p), tributary: ABSENT });
    else diffValues(k[i], t[i], p, out);
  }
}

function diffValues(k: unknown, t: unknown, path: string, out: Difference[]): void {
  if (Array.isArray(k) && Array.isArray(t)) return diffArrays(k, t, path, out);
  if (isObject(k) && isObject(t)) {
    const keys = new Set([...Object.keys(k), ...Object.keys(t)]);
    for (const key of keys) {
      const p = path ? `${path}.${key}` : key;
      if (!(key in t)) out.push({ path: p, kafka: show(k[key], p), tributary: ABSENT });
      else if (!(key in k)) out.push({ path: p, kafka: ABSENT, tributary: show(t[key], p) });
      else diffValues(k[key], t[key], p, out);
    }
    return;
  }
  if (typeof k === 'bigint' || typeof t === 'bigint') {
    if (typeof k === typeof t && k === t) return;
  } else if (Object.is(k, t)) {
    return;
  }
  out.push({ path, kafka: show(k, path), tributary: show(t, path) });
}

/** Every difference between the normalised Kafka and Tributary responses; [] when they match. */
export function diffResponses(kafka: unknown, tributary: unknown): Difference[] {
  const out: Difference[] = [];
  diffValues(kafka, tributary, '', out);
  return out;
}
