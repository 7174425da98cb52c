/**
 * Calling data-path handlers as the dispatcher would, at a given version: the request goes
 * through the version's encoder and decoder (so fields the version lacks take their defaults),
 * and the response through the version's encoder and decoder (so tests see what the wire
 * carries at that version).
 */
import { API_SPECS } from '../../../src/protocol/generated';
import { Reader } from '../../../src/protocol/primitives/reader';
import { Writer } from '../../../src/protocol/primitives/writer';
import type { ConnectionContext } from '../../../src/network';
import type { ApiHandler, RequestContext } from '../../../src/server/handler';
import { logger } from '../../../src/util/logger';

export interface CallResult<T> {
  /** The decoded response, or null when the handler sent none. */
  body: T | null;
  closedAfterResponses: boolean;
}

export function roundTrip(apiKey: number, kind: 'request' | 'response', version: number, body: unknown): any {
  const spec = API_SPECS.get(apiKey)!;
  const w = new Writer();
  spec[kind].encode(w, body, version);
  const r = new Reader(w.toBuffer());
  const out = spec[kind].decode(r, version);
  if (r.remaining !== 0) throw new Error(`${r.remaining} bytes left after decoding ${spec.name} ${kind} v${version}`);
  return out;
}

export async function call<T = any>(handler: ApiHandler, version: number, body: unknown, clientId = 'test'): Promise<CallResult<T>> {
  let closed = false;
  const connection: ConnectionContext = {
    connectionId: '127.0.0.1:9092-127.0.0.1:50000-0',
    listenerName: 'PLAINTEXT',
    securityProtocol: 'PLAINTEXT',
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    localAddress: '127.0.0.1',
    localPort: 9092,
    isOpen: true,
    close() {
      closed = true;
    },
    closeAfterResponses() {
      closed = true;
    },
  };
  const ctx: RequestContext = {
    header: { requestApiKey: handler.apiKey, requestApiVersion: version, correlationId: 1, clientId },
    apiVersion: version,
    clientId,
    connection,
    log: logger('test'),
  };
  const req = roundTrip(handler.apiKey, 'request', version, body);
  const res = await handler.handle(req, ctx);
  return { body: res === null ? null : roundTrip(handler.apiKey, 'response', version, res), closedAfterResponses: closed };
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** A Fetch request body with consumer defaults; `partitions` as [topic, partition, offset, maxBytes?]. */
export function fetchRequest(partitions: Array<[string, number, number, number?]>, o: Record<string, unknown> = {}): any {
  const byTopic = new Map<string, any[]>();
  for (const [t, p, offset, max] of partitions) {
    if (!byTopic.has(t)) byTopic.set(t, []);
    byTopic.get(t)!.push({
      partition: p,
      currentLeaderEpoch: -1,
      fetchOffset: BigInt(offset),
      lastFetchedEpoch: -1,
      logStartOffset: -1n,
      partitionMaxBytes: max ?? 1 << 20,
      replicaDirectoryId: ZERO_UUID,
      highWatermark: 2n ** 63n - 1n,
    });
  }
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 24,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [...byTopic].map(([topic, ps]) => ({ topic, topicId: (o.topicIds as Record<string, string> | undefined)?.[topic] ?? ZERO_UUID, partitions: ps })),
    forgottenTopicsData: [],
    rackId: '',
    ...o,
  };
}

/** A Produce request body for one partition. */
export function produceRequest(topic: string, partition: number, records: Buffer | null, o: Record<string, unknown> = {}): any {
  return {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topicData: [{ name: topic, topicId: (o.topicId as string | undefined) ?? ZERO_UUID, partitionData: [{ index: partition, records }] }],
    ...o,
  };
}
