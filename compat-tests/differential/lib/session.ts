/**
 * What a scripted session is: data. A session builds a list of steps for the versions both
 * brokers advertise; the runner plays every step against Kafka and against Tributary, each side
 * with its own context (topic ids, member ids, generations saved from its own earlier answers).
 *
 *   {
 *     title: 'produce three records',
 *     api: ApiKey.Produce, version: 9,
 *     request: (ctx) => ({ acks: -1, timeoutMs: 5000, topicData: [...] }),   // other fields: spec defaults
 *     save: (body, ctx) => ctx.set('offset', body.responses[0]...),
 *   }
 */

export type Side = 'kafka' | 'tributary';

/** A step asked for a value an earlier step did not produce on this side (it failed or was unsupported). */
export class MissingValueError extends Error {
  override name = 'MissingValueError';
  constructor(readonly key: string) {
    super(`no value "${key}" from an earlier step`);
  }
}

export class SideContext {
  private readonly values = new Map<string, unknown>();
  constructor(readonly side: Side) {}

  get<T = any>(key: string): T {
    if (!this.values.has(key)) throw new MissingValueError(key);
    return this.values.get(key) as T;
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** Every saved value whose key starts with `prefix`, keyed by the rest of the key. */
  withPrefix(prefix: string): Array<[string, unknown]> {
    return [...this.values].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]);
  }

  set(key: string, value: unknown): void {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
}

export interface Step {
  /** What the step does, in a few words (shown in the report). */
  title: string;
  api: number;
  version: number;
  /** Named connection; 'main' by default. Parallel steps need distinct connections. */
  conn?: string;
  /** The request's fields; the others take the spec defaults (spec-model.ts). */
  request: (ctx: SideContext) => Record<string, unknown>;
  /**
   * Context keys this step's meaning depends on although its request does not use them (e.g. a
   * read-committed Fetch after a transactional produce): missing on a side, the step is skipped
   * there, so it counts as unsupported rather than as a difference.
   */
  needs?: string[];
  /** Keeps values from this side's response for later steps. */
  save?: (body: any, ctx: SideContext) => void;
  /** Step-specific normalisation of the decoded body, before the generic one (e.g. keep only this run's topics). */
  normalise?: (body: any, ctx: SideContext) => unknown;
  /** False for helper steps whose answers are not compared (waiting for a topic to be ready). */
  compare?: boolean;
  /** Resend (up to `attempts` times, 200 ms apart) until the response satisfies this. */
  until?: (body: any) => boolean;
  attempts?: number;
  timeoutMs?: number;
  /** Send even when the broker does not advertise this version (to compare how it refuses). */
  sendUnadvertised?: boolean;
  /** Decode the response at this version (an ApiVersions error answer is always v0). */
  responseVersion?: number;
  /** Also compare the response time, bucketed by this function (e.g. long-poll waits). */
  timing?: (elapsedMs: number) => string;
  /** Wait this long before sending (e.g. for a session timeout to expire). */
  delayMs?: number;
}

/**
 * Branches played at the same time, each on its own connection (e.g. a member whose JoinGroup
 * blocks while another rejoins). A branch is one step or a sequence of steps played in order.
 */
export interface ParallelSteps {
  parallel: Array<Step | Step[]>;
}

export type SessionItem = Step | ParallelSteps;

export const isParallel = (s: SessionItem): s is ParallelSteps => 'parallel' in s;

export interface VersionRange {
  min: number;
  max: number;
}

export interface SessionEnv {
  /** Short id of this run, part of every topic and group name so runs never collide. */
  readonly runId: string;
  /** `base-<runId>`. */
  name(base: string): string;
  /** What each broker advertises for an API (undefined: not at all). */
  advertised(side: Side, api: number): VersionRange | undefined;
  /**
   * Versions to test for an API: the lowest and highest each broker advertises (so a version
   * only one side has shows up as "unsupported on" the other).
   */
  versions(api: number): number[];
  /** The lowest/highest version both advertise; Kafka's when they share none. */
  common(api: number, end: 'min' | 'max'): number;
}

export interface Session {
  name: string;
  description: string;
  build(env: SessionEnv): SessionItem[];
  /** Identity values the session makes up itself (an unknown topic id…): compared verbatim under these names. */
  fixedValues?: Readonly<Record<string, string>>;
}

/** Versions to test from each side's advertised range and the spec's own range. */
export function versionsToTest(kafka: VersionRange | undefined, tributary: VersionRange | undefined, spec: VersionRange): number[] {
  const set = new Set<number>();
  for (const r of [kafka, tributary]) {
    if (!r) continue;
    set.add(r.min);
    set.add(r.max);
  }
  if (set.size === 0) {
    set.add(spec.min);
    set.add(spec.max);
  }
  return [...set].filter((v) => v >= spec.min && v <= spec.max).sort((a, b) => a - b);
}

export function commonVersion(kafka: VersionRange | undefined, tributary: VersionRange | undefined, spec: VersionRange, end: 'min' | 'max'): number {
  if (kafka && tributary) {
    const lo = Math.max(kafka.min, tributary.min);
    const hi = Math.min(kafka.max, tributary.max);
    if (lo <= hi) return end === 'min' ? lo : hi;
  }
  const r = kafka ?? tributary ?? spec;
  return end === 'min' ? r.min : r.max;
}
