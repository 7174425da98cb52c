/**
 * Helpers for the transaction handler tests: a broker with small internal topics, raw requests
 * for the transaction APIs, and producer batches.
 */
import { buildRecordBatch } from '../../../src/protocol/records';
import { RawClient } from '../../support/raw-client';
import { startBroker, type TestBroker } from './helpers';

export const PRODUCE = 0;
export const FETCH = 1;
export const LIST_OFFSETS = 2;
export const API_VERSIONS = 18;
export const INIT_PRODUCER_ID = 22;
export const ADD_PARTITIONS_TO_TXN = 24;
export const ADD_OFFSETS_TO_TXN = 25;
export const END_TXN = 26;
export const WRITE_TXN_MARKERS = 27;
export const TXN_OFFSET_COMMIT = 28;
export const DESCRIBE_PRODUCERS = 61;
export const DESCRIBE_TRANSACTIONS = 65;
export const LIST_TRANSACTIONS = 66;
export const FIND_COORDINATOR = 10;
export const OFFSET_FETCH = 9;

export const ZERO = 'AAAAAAAAAAAAAAAAAAAAAA';

/** A broker with 3 partitions of __transaction_state and __consumer_offsets, and a topic `t` of 2. */
export async function txnBroker(overrides: string[] = []): Promise<TestBroker> {
  const b = await startBroker(['transaction.state.log.num.partitions=3', 'offsets.topic.num.partitions=3', ...overrides]);
  await b.broker.services.topics.createTopic({ name: 't', numPartitions: 2, replicationFactor: 1, configs: {} });
  return b;
}

export function connect(b: TestBroker, clientId = 'txn-tester'): Promise<RawClient> {
  return RawClient.connect(b.host, b.port, clientId);
}

/** FindCoordinator for a transactional id (creates __transaction_state); returns the error code. */
export async function findTxnCoordinator(c: RawClient, transactionalId: string): Promise<number> {
  const r = await c.request(FIND_COORDINATOR, 3, { key: transactionalId, keyType: 1, coordinatorKeys: [] });
  return r.errorCode;
}

export async function findGroupCoordinator(c: RawClient, groupId: string): Promise<number> {
  const r = await c.request(FIND_COORDINATOR, 3, { key: groupId, keyType: 0, coordinatorKeys: [] });
  return r.errorCode;
}

export async function initProducerId(c: RawClient, transactionalId: string | null, v = 4, extra: Record<string, unknown> = {}): Promise<{ errorCode: number; producerId: bigint; producerEpoch: number }> {
  return c.request(INIT_PRODUCER_ID, v, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1, ...extra });
}

export function addPartitionsV3(transactionalId: string, producerId: bigint, producerEpoch: number, topics: Array<{ name: string; partitions: number[] }>): Record<string, unknown> {
  return { transactions: [], v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: topics };
}

export async function addPartitions(c: RawClient, transactionalId: string, producerId: bigint, producerEpoch: number, topics: Array<{ name: string; partitions: number[] }>, v = 3): Promise<number[]> {
  const r = await c.request(ADD_PARTITIONS_TO_TXN, v, addPartitionsV3(transactionalId, producerId, producerEpoch, topics));
  return r.resultsByTopicV3AndBelow.flatMap((t: any) => t.resultsByPartition.map((p: any) => p.partitionErrorCode));
}

export async function endTxn(c: RawClient, transactionalId: string, producerId: bigint, producerEpoch: number, committed: boolean, v = 3): Promise<{ errorCode: number; producerId: bigint; producerEpoch: number }> {
  return c.request(END_TXN, v, { transactionalId, producerId, producerEpoch, committed });
}

export function producerBatch(o: { pid: bigint; epoch?: number; seq: number; n?: number; txn?: boolean; value?: string }): Buffer {
  return buildRecordBatch({
    producerId: o.pid,
    producerEpoch: o.epoch ?? 0,
    baseSequence: o.seq,
    transactional: o.txn ?? false,
    records: Array.from({ length: o.n ?? 1 }, (_, i) => ({ key: null, value: Buffer.from(o.value ?? `v${o.seq + i}`), timestamp: Date.now() })),
  });
}

/** Produce v9 of one batch to `topic`-`partition`; returns the partition response. */
export async function produce(c: RawClient, partition: number, records: Buffer, transactionalId: string | null = null, topic = 't', v = 9): Promise<any> {
  const r = await c.request(PRODUCE, v, {
    transactionalId,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, topicId: ZERO, partitionData: [{ index: partition, records }] }],
  });
  return r.responses[0].partitionResponses[0];
}

/** Waits until `check` holds (markers are written after EndTxn answers). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
