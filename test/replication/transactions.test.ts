/**
 * The data path with idempotent and transactional producers: duplicates, sequence and epoch
 * errors, the last stable offset, read_committed reads and waits, and KIP-890 verification of
 * transactional produces.
 */
import { AppendOrigin } from '../../src/log/append-batches';
import type { TopicPartition } from '../../src/log/topic-partition';
import { ErrorCode } from '../../src/protocol/error-codes';
import { buildEndTxnMarkerBatch, buildRecordBatch, ControlRecordType } from '../../src/protocol/records';
import { fetchMessages, type FetchParams } from '../../src/replication/fetch-messages';
import { FetchIsolation } from '../../src/replication/partition';
import { appendRecords } from '../../src/replication/produce-append';
import type { TransactionVerifier } from '../../src/replication/txn-verification';
import { openHarness, settle, type Harness } from './support/harness';

function producerBatch(o: { pid: bigint; epoch?: number; seq: number; n?: number; txn?: boolean; tag?: string }): Buffer {
  return buildRecordBatch({
    producerId: o.pid,
    producerEpoch: o.epoch ?? 0,
    baseSequence: o.seq,
    transactional: o.txn ?? false,
    records: Array.from({ length: o.n ?? 1 }, (_, i) => ({ key: null, value: Buffer.from(`${o.tag ?? 'v'}-${o.seq + i}`), timestamp: Date.now() })),
  });
}

function produce(h: Harness, records: Buffer, o: { v?: number; transactionalId?: string | null; verifier?: TransactionVerifier; partition?: number } = {}) {
  return appendRecords(h.partitions, [{ topic: 't', partition: o.partition ?? 0, records }], {
    acks: -1,
    timeoutMs: 1000,
    apiVersion: o.v ?? 9,
    internalTopicsAllowed: false,
    transactionalId: o.transactionalId ?? null,
    verifier: o.verifier,
  }).then((r) => r[0]!);
}

async function marker(h: Harness, pid: bigint, epoch: number, commit: boolean, partition = 0): Promise<void> {
  const state = h.partitions.leaderPartition('t', partition);
  const batch = buildEndTxnMarkerBatch({ producerId: pid, producerEpoch: epoch, coordinatorEpoch: 0, type: commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, timestamp: Date.now() });
  await state.appendAsLeader(batch, -1, undefined, { origin: AppendOrigin.COORDINATOR });
}

const fetchParams = (o: Partial<FetchParams> = {}): FetchParams => ({
  apiVersion: 12,
  replicaId: -1,
  maxWaitMs: 0,
  minBytes: 1,
  maxBytes: 1 << 20,
  isolation: FetchIsolation.TXN_COMMITTED,
  ...o,
});
const fetchInput = (fetchOffset = 0) => ({ topic: 't', partition: 0, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });

describe('idempotent produce', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
    await h.createTopic('t', 1);
  });
  afterEach(() => h.close());

  it('answers a retried batch with its original offsets and stores it once', async () => {
    expect((await produce(h, producerBatch({ pid: 5n, seq: 0, n: 3 }))).baseOffset).toBe(0);
    const second = producerBatch({ pid: 5n, seq: 3, n: 2 });
    expect((await produce(h, second)).baseOffset).toBe(3);
    const retry = await produce(h, producerBatch({ pid: 5n, seq: 3, n: 2 }));
    expect(retry).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3 });
    expect((await produce(h, producerBatch({ pid: 5n, seq: 0, n: 3 }))).baseOffset).toBe(0);
    expect(h.partitions.leaderPartition('t', 0).logEndOffset).toBe(5);
  });

  it('refuses sequence gaps and old epochs', async () => {
    await produce(h, producerBatch({ pid: 5n, epoch: 1, seq: 0 }));
    expect((await produce(h, producerBatch({ pid: 5n, epoch: 1, seq: 2 }))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await produce(h, producerBatch({ pid: 5n, epoch: 0, seq: 1 }))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // A new epoch starts over at sequence 0.
    expect((await produce(h, producerBatch({ pid: 5n, epoch: 2, seq: 0 }))).errorCode).toBe(ErrorCode.NONE);
    expect((await produce(h, producerBatch({ pid: 5n, epoch: 3, seq: 7 }))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });
});

describe('last stable offset and read_committed', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
    await h.createTopic('t', 1);
  });
  afterEach(() => h.close());

  it('an open transaction holds the LSO back; an ABORT releases it and is listed for read_committed', async () => {
    await produce(h, producerBatch({ pid: 1n, seq: 0 }));
    await produce(h, producerBatch({ pid: 2n, seq: 0, n: 2, txn: true }));
    await produce(h, producerBatch({ pid: 3n, seq: 0 }));
    const p = h.partitions.leaderPartition('t', 0);
    expect(p.snapshot()).toMatchObject({ lastStableOffset: 1, highWatermark: 4, logEndOffset: 4 });
    const [committed] = await fetchMessages(h.partitions, fetchParams(), [fetchInput()]);
    expect(committed).toMatchObject({ lastStableOffset: 1, highWatermark: 4, abortedTransactions: [] });
    // A read_committed reader at the LSO gets nothing (and no aborted list entries) without a read.
    const { release: _r1, ...fast } = p.emptyReadAt(1, FetchIsolation.TXN_COMMITTED)!;
    const { release: _r2, ...read } = await p.read(1, 1 << 20, FetchIsolation.TXN_COMMITTED, true);
    expect(fast).toEqual(read);
    expect(p.emptyReadAt(1, FetchIsolation.HIGH_WATERMARK)).toBeNull();
    const [atLso] = await fetchMessages(h.partitions, fetchParams({ maxWaitMs: 0 }), [fetchInput(1)]);
    expect(atLso).toMatchObject({ errorCode: 0, lastStableOffset: 1, highWatermark: 4, abortedTransactions: [] });
    expect(atLso!.records.length).toBe(0);
    const [uncommitted] = await fetchMessages(h.partitions, fetchParams({ isolation: FetchIsolation.HIGH_WATERMARK }), [fetchInput()]);
    expect(uncommitted!.abortedTransactions).toBeNull();
    expect(uncommitted!.records.length).toBeGreaterThan(committed!.records.length);

    await marker(h, 2n, 0, false);
    expect(p.snapshot()).toMatchObject({ lastStableOffset: 5, highWatermark: 5 });
    const [after] = await fetchMessages(h.partitions, fetchParams(), [fetchInput()]);
    expect(after!.abortedTransactions).toEqual([{ producerId: 2n, firstOffset: 1n }]);
    // A read that only overlaps the transaction's marker still lists it (Kafka: lastOffset >= fetch offset).
    const [overlap] = await fetchMessages(h.partitions, fetchParams(), [fetchInput(3)]);
    expect(overlap!.abortedTransactions).toEqual([{ producerId: 2n, firstOffset: 1n }]);
    await produce(h, producerBatch({ pid: 3n, seq: 1 }));
    const [later] = await fetchMessages(h.partitions, fetchParams(), [fetchInput(5)]);
    expect(later!.abortedTransactions).toEqual([]);
  });

  it('a read_committed fetch waiting behind an open transaction is woken by its COMMIT', async () => {
    await produce(h, producerBatch({ pid: 2n, seq: 0, txn: true }));
    const waiting = fetchMessages(h.partitions, fetchParams({ maxWaitMs: 10_000 }), [fetchInput()]);
    let done = false;
    void waiting.then(() => (done = true));
    await settle();
    // More data behind the open transaction does not answer the fetch.
    await produce(h, producerBatch({ pid: 3n, seq: 0 }));
    await settle();
    expect(done).toBe(false);
    await marker(h, 2n, 0, true);
    const [r] = await waiting;
    expect(r).toMatchObject({ errorCode: 0, lastStableOffset: 3, abortedTransactions: [] });
    expect(r!.records.length).toBeGreaterThan(0);
  });
});

describe('transaction verification (KIP-890)', () => {
  let h: Harness;
  let calls: Array<{ partitions: TopicPartition[]; add: boolean }>;
  let answer: number;
  let enabled: boolean;
  const verifier: TransactionVerifier = {
    enabled: () => enabled,
    verifyPartitions: async (_id, _pid, _epoch, partitions, add) => {
      calls.push({ partitions: [...partitions], add });
      return partitions.map(() => answer);
    },
  };
  beforeEach(async () => {
    h = await openHarness([], undefined, { producerState: { transactionVerificationEnabled: true } });
    await h.createTopic('t', 2);
    calls = [];
    answer = ErrorCode.NONE;
    enabled = true;
  });
  afterEach(() => h.close());

  it('verifies the first transactional batch of a transaction, then appends with the guard', async () => {
    expect((await produce(h, producerBatch({ pid: 4n, seq: 0, txn: true }), { transactionalId: 'tx', verifier })).errorCode).toBe(0);
    expect(calls).toEqual([{ partitions: [{ topic: 't', partition: 0 }], add: false }]);
    // The transaction is open on the partition: no more verification.
    expect((await produce(h, producerBatch({ pid: 4n, seq: 1, txn: true }), { transactionalId: 'tx', verifier })).errorCode).toBe(0);
    expect(calls).toHaveLength(1);
  });

  it('refuses an unverified transactional batch when verification is on', async () => {
    const r = await produce(h, producerBatch({ pid: 4n, seq: 0, txn: true }), { transactionalId: 'tx' });
    expect(r.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('maps coordinator answers by Produce version', async () => {
    answer = ErrorCode.TRANSACTION_ABORTABLE;
    expect(await produce(h, producerBatch({ pid: 4n, seq: 0, txn: true }), { transactionalId: 'tx', verifier, v: 10 })).toMatchObject({
      errorCode: ErrorCode.INVALID_TXN_STATE, errorMessage: 'Partition was not added to the transaction', baseOffset: -1, logStartOffset: -1,
    });
    expect((await produce(h, producerBatch({ pid: 4n, seq: 0, txn: true }), { transactionalId: 'tx', verifier, v: 11 })).errorCode).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    answer = ErrorCode.CONCURRENT_TRANSACTIONS;
    expect(await produce(h, producerBatch({ pid: 4n, seq: 0, txn: true }), { transactionalId: 'tx', verifier })).toMatchObject({
      errorCode: ErrorCode.NOT_ENOUGH_REPLICAS,
      errorMessage: 'Unable to verify the partition has been added to the transaction. Underlying error: CONCURRENT_TRANSACTIONS',
    });
    answer = ErrorCode.PRODUCER_FENCED;
    expect((await produce(h, producerBatch({ pid: 4n, seq: 0, txn: true }), { transactionalId: 'tx', verifier })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(h.partitions.leaderPartition('t', 0).logEndOffset).toBe(0);
  });

  it('Produce v12 (transactions v2) adds the partition, even with verification off', async () => {
    enabled = false;
    expect((await produce(h, producerBatch({ pid: 4n, seq: 0, txn: true }), { transactionalId: 'tx', verifier, v: 12 })).errorCode).toBe(0);
    expect(calls).toEqual([{ partitions: [{ topic: 't', partition: 0 }], add: true }]);
    // Below v12 with verification off nothing is asked (the log refuses it without a guard).
    expect((await produce(h, producerBatch({ pid: 9n, seq: 0, txn: true }), { transactionalId: 'tx', verifier, v: 11, partition: 1 })).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(calls).toHaveLength(1);
  });

  it('transactional batches of two producers fail the request', async () => {
    const r = await appendRecords(
      h.partitions,
      [
        { topic: 't', partition: 0, records: producerBatch({ pid: 4n, seq: 0, txn: true }) },
        { topic: 't', partition: 1, records: producerBatch({ pid: 5n, seq: 0, txn: true }) },
      ],
      { acks: 1, timeoutMs: 1000, apiVersion: 9, internalTopicsAllowed: false, transactionalId: 'tx', verifier },
    );
    expect(r.map((x) => x.errorCode)).toEqual([ErrorCode.INVALID_PRODUCER_ID_MAPPING, ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
    expect(calls).toEqual([]);
  });
});
