/**
 * Plays sessions against both brokers and turns each step into a compared pair. Each side has
 * its own connections, context and alias table; the two sides of a step run at the same time
 * (the brokers are independent), and the steps of a session run in order.
 */
import { API_SPECS } from '../../../src/protocol/generated';
import { encodeRequest } from '../../../src/protocol/frame';
import { Difference, diffResponses } from './diff';
import { Aliases, normaliseBody } from './normalise';
import { isParallel, MissingValueError, Session, SessionEnv, Side, SideContext, Step, VersionRange } from './session';
import { completeRequest, pruneResponse } from './spec-model';
import { Outcome, WireClient } from './wire-client';

export type PairStatus = 'same' | 'differs' | 'unsupported-tributary' | 'unsupported-kafka' | 'unsupported-both';

/** What one side did with a step. */
export type SideResult =
  | Outcome
  | { kind: 'unsupported'; reason: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'bad-step'; reason: string };

export interface PairResult {
  session: string;
  step: string;
  apiKey: number;
  api: string;
  version: number;
  status: PairStatus;
  differences: Difference[];
  kafka: { outcome: string; body?: unknown };
  tributary: { outcome: string; body?: unknown };
}

export interface BrokerSide {
  side: Side;
  bootstrap: string;
  /** Advertised versions by API key, from the broker's ApiVersions answer. */
  advertised: Map<number, VersionRange>;
}

/** The reference broker stopped answering mid-run: nothing after this point can be compared. */
export class ReferenceLostError extends Error {
  override name = 'ReferenceLostError';
}

const RETRY_DELAY_MS = 200;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class SideSession {
  readonly ctx: SideContext;
  readonly aliases: Aliases;
  private readonly clients = new Map<string, WireClient>();

  constructor(
    readonly broker: BrokerSide,
    fixed: Readonly<Record<string, string>>,
  ) {
    this.ctx = new SideContext(broker.side);
    this.aliases = new Aliases(fixed);
  }

  client(conn: string): WireClient {
    let c = this.clients.get(conn);
    if (!c) {
      c = WireClient.fromBootstrap(this.broker.bootstrap, 'tributary-differential');
      this.clients.set(conn, c);
    }
    return c;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
  }
}

interface SideRun {
  result: SideResult;
  normalised?: unknown;
}

function describe(r: SideResult): string {
  switch (r.kind) {
    case 'response':
      return `response in ${r.elapsedMs} ms`;
    case 'closed':
      return `connection closed without an answer (after ${r.elapsedMs} ms)`;
    case 'timeout':
      return `no answer within ${r.elapsedMs} ms`;
    case 'undecodable':
      return `undecodable answer: ${r.error}`;
    case 'unreachable':
      return `broker unreachable: ${r.error}`;
    default:
      return `${r.kind}: ${r.reason}`;
  }
}

async function runStepOnSide(step: Step, s: SideSession): Promise<SideRun> {
  const adv = s.broker.advertised.get(step.api);
  const advertised = adv !== undefined && step.version >= adv.min && step.version <= adv.max;
  if (!advertised && !step.sendUnadvertised) {
    return { result: { kind: 'unsupported', reason: adv ? `advertises v${adv.min}-v${adv.max}` : 'API not advertised' } };
  }
  let body: Record<string, unknown>;
  try {
    for (const k of step.needs ?? []) s.ctx.get(k);
    body = completeRequest(step.api, step.request(s.ctx));
    encodeRequest(step.api, step.version, 0, null, body); // encodable at this version?
  } catch (e) {
    if (e instanceof MissingValueError) return { result: { kind: 'skipped', reason: e.message } };
    return { result: { kind: 'bad-step', reason: (e as Error).message } };
  }
  if (step.delayMs) await sleep(step.delayMs);
  const client = s.client(step.conn ?? 'main');
  const attempts = step.until ? (step.attempts ?? 50) : 1;
  let outcome: Outcome = { kind: 'timeout', elapsedMs: 0 };
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(RETRY_DELAY_MS);
    outcome = await sendAt(client, step, body);
    if (!step.until || (outcome.kind === 'response' && step.until(outcome.body))) break;
  }
  if (outcome.kind === 'unreachable' && s.broker.side === 'kafka') {
    throw new ReferenceLostError(`the reference Kafka at ${s.broker.bootstrap} stopped answering (${outcome.error}) during "${step.title}"`);
  }
  if (outcome.kind !== 'response') return { result: outcome };
  try {
    step.save?.(outcome.body, s.ctx);
  } catch (e) {
    // A save that cannot find what it looks for leaves the value unset; later steps report it.
    void e;
  }
  // Helper steps are not compared, and must not hand out aliases the compared steps would see.
  if (step.compare === false) return { result: outcome };
  // Topic ids this side learnt (sessions save them as `topicId:<name>`) are aliased by name,
  // so answers that carry only the id (Produce/Fetch v13+) read the same on both sides.
  for (const [name, topicId] of s.ctx.withPrefix('topicId:')) s.aliases.alias('topic-id', topicId, name);
  const onWire = pruneResponse(step.api, step.responseVersion ?? step.version, outcome.body);
  let custom: unknown = onWire;
  if (step.normalise) {
    try {
      custom = step.normalise(onWire, s.ctx);
    } catch (e) {
      // An answer of an unexpected shape (e.g. a whole-request error): compare it as it is.
      custom = { ...(onWire as object), $stepNormaliseFailed: (e as Error).message };
    }
  }
  let normalised = normaliseBody(custom, s.aliases);
  if (step.timing && normalised !== null && typeof normalised === 'object') {
    normalised = { ...(normalised as object), $responseTime: step.timing(outcome.elapsedMs) };
  }
  return { result: outcome, normalised };
}

async function sendAt(client: WireClient, step: Step, body: Record<string, unknown>): Promise<Outcome> {
  if (step.responseVersion === undefined) return client.send(step.api, step.version, body, step.timeoutMs);
  // Encode at the request version, decode at another: send the frame by hand.
  const frame = encodeRequest(step.api, step.version, client.peekCorrelationId, 'tributary-differential', body);
  return client.sendFrame(step.api, step.responseVersion, frame, step.timeoutMs);
}

/** Classifies the two sides' results of one step. */
export function comparePair(k: SideRun, t: SideRun): { status: PairStatus; differences: Difference[] } {
  const kU = k.result.kind === 'unsupported' || k.result.kind === 'skipped';
  const tU = t.result.kind === 'unsupported' || t.result.kind === 'skipped';
  if (kU && tU) return { status: 'unsupported-both', differences: [] };
  if (tU) return { status: 'unsupported-tributary', differences: [] };
  if (kU) return { status: 'unsupported-kafka', differences: [] };
  if (k.result.kind === 'response' && t.result.kind === 'response') {
    const differences = diffResponses(k.normalised, t.normalised);
    return { status: differences.length ? 'differs' : 'same', differences };
  }
  if (k.result.kind === t.result.kind && k.result.kind !== 'bad-step' && k.result.kind !== 'undecodable') {
    return { status: 'same', differences: [] };
  }
  return { status: 'differs', differences: [{ path: '', kafka: describe(k.result), tributary: describe(t.result) }] };
}

function toPair(session: string, step: Step, k: SideRun, t: SideRun): PairResult {
  const { status, differences } = comparePair(k, t);
  return {
    session,
    step: step.title,
    apiKey: step.api,
    api: API_SPECS.get(step.api)?.name ?? `api ${step.api}`,
    version: step.version,
    status,
    differences,
    kafka: { outcome: describe(k.result), body: k.normalised },
    tributary: { outcome: describe(t.result), body: t.normalised },
  };
}

export interface RunSessionOptions {
  onPair?: (p: PairResult) => void;
}

/** Plays one session on both sides; returns one pair per compared step. */
export async function runSession(session: Session, env: SessionEnv, kafka: BrokerSide, tributary: BrokerSide, options: RunSessionOptions = {}): Promise<PairResult[]> {
  const ks = new SideSession(kafka, session.fixedValues ?? {});
  const ts = new SideSession(tributary, session.fixedValues ?? {});
  const pairs: PairResult[] = [];
  const record = (step: Step, k: SideRun, t: SideRun): void => {
    if (step.compare === false) return;
    const p = toPair(session.name, step, k, t);
    pairs.push(p);
    options.onPair?.(p);
  };
  try {
    for (const item of session.build(env)) {
      if (isParallel(item)) {
        const branches = item.parallel.map((b) => (Array.isArray(b) ? b : [b]));
        const playBranches = (s: SideSession): Promise<SideRun[][]> =>
          Promise.all(
            branches.map(async (steps) => {
              const out: SideRun[] = [];
              for (const st of steps) out.push(await runStepOnSide(st, s));
              return out;
            }),
          );
        const [kr, tr] = await Promise.all([playBranches(ks), playBranches(ts)]);
        branches.forEach((steps, b) => steps.forEach((st, i) => record(st, kr[b][i], tr[b][i])));
      } else {
        const [kr, tr] = await Promise.all([runStepOnSide(item, ks), runStepOnSide(item, ts)]);
        record(item, kr, tr);
      }
    }
  } finally {
    await Promise.all([ks.close(), ts.close()]);
  }
  return pairs;
}
