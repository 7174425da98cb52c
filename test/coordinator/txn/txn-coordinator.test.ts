import { TRANSACTION_STATE_TOPIC } from '../../../src/coordinator/txn/config';
import { txnRecordSerde } from '../../../src/coordinator/txn/records';
import { MARKER_RETRY_BACKOFF_MS } from '../../../src/coordinator/txn/marker-sender';
import { ErrorCode } from '../../../src/protocol/error-codes';
import { iterateBatches, iterateRecords } from '../../../src/protocol/records';
import { ManualClock } from '../../../src/util/clock';
import type { MemoryLog } from '../support/memory-log';
import { TxnHarness } from './txn-harness';

const TX = 'tx-1';
const T0 = { topic: 't', partition: 0 };
const T1 = { topic: 't', partition: 1 };

/** The states of `id` in a __transaction_state log, in order. */
function loggedStates(log: MemoryLog, id: string): Array<string | null> {
  const out: Array<string | null> = [];
  for (const b of log.batches) {
    for (const s of iterateBatches(b)) {
      for (const r of iterateRecords(b, s.offset)) {
        const rec = txnRecordSerde.deserialize(r.key!, r.value);
        if (rec?.transactionalId === id) out.push(rec.metadata?.state ?? null);
      }
    }
  }
  return out;
}

let h: TxnHarness;
afterEach(async () => h && (await h.stop()));

describe('producer ids', () => {
  it('an idempotent producer gets a fresh id with epoch 0 each time', async () => {
    h = await TxnHarness.start();
    const a = await h.service.initProducerId(null, 0, null);
    const b = await h.service.initProducerId(null, 0, { producerId: a.producerId, producerEpoch: 0 });
    expect(a).toEqual({ errorCode: 0, producerId: 0n, producerEpoch: 0 });
    expect(b).toEqual({ errorCode: 0, producerId: 1n, producerEpoch: 0 });
  });

  it('ids are never reused after a restart', async () => {
    h = await TxnHarness.start();
    const first = await h.service.initProducerId(null, 0, null);
    await h.stop();
    h = await TxnHarness.start({ blocks: h.blocks });
    const second = await h.service.initProducerId(null, 0, null);
    expect(second.producerId).toBeGreaterThan(first.producerId);
  });
});

describe('InitProducerId with a transactional id', () => {
  it('answers NOT_COORDINATOR until FindCoordinator created __transaction_state (compacted, uncompressed)', async () => {
    h = await TxnHarness.start();
    expect((await h.service.initProducerId(TX, 60_000, null)).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(await h.find(TX)).toBe(ErrorCode.NONE);
    expect(h.created).toEqual([
      {
        name: TRANSACTION_STATE_TOPIC,
        numPartitions: 2,
        replicationFactor: 1,
        configs: { 'cleanup.policy': 'compact', 'compression.type': 'uncompressed', 'min.insync.replicas': '1', 'segment.bytes': '104857600', 'unclean.leader.election.enable': 'false' },
        internal: true,
      },
    ]);
    expect(await h.service.initProducerId(TX, 60_000, null)).toEqual({ errorCode: 0, producerId: 0n, producerEpoch: 0 });
    expect(await h.service.initProducerId(TX, 60_000, null)).toEqual({ errorCode: 0, producerId: 0n, producerEpoch: 1 });
  });

  it('checks the transaction timeout against transaction.max.timeout.ms and the id', async () => {
    h = await TxnHarness.start({ overrides: ['transaction.max.timeout.ms=5000'] });
    await h.find(TX);
    expect((await h.service.initProducerId(TX, 5001, null)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await h.service.initProducerId(TX, 0, null)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await h.service.initProducerId('', 1000, null)).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await h.service.initProducerId(TX, 5000, null)).errorCode).toBe(ErrorCode.NONE);
  });

  it('fences the producer with an open transaction: its transaction is aborted with a bumped epoch', async () => {
    h = await TxnHarness.start();
    await h.find(TX);
    const a = await h.service.initProducerId(TX, 60_000, null);
    expect(await h.service.addPartitions(TX, a.producerId, a.producerEpoch, [T0, T1], 0)).toBe(0);
    // A new producer with the same id: CONCURRENT_TRANSACTIONS while the old transaction aborts.
    expect((await h.service.initProducerId(TX, 60_000, null)).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    await h.settle();
    expect(h.markers.written().sort()).toEqual(['t-0:ABORT', 't-1:ABORT']);
    // The coordinator's abort (transactions v2) bumps the epoch once; the markers carry it.
    expect(h.markers.calls[0]).toMatchObject({ producerId: a.producerId, producerEpoch: 1, transactionVersion: 2, committed: false, coordinatorEpoch: 0 });
    expect(await h.state(TX)).toBe('CompleteAbort');
    const b = await h.service.initProducerId(TX, 60_000, null);
    expect(b).toEqual({ errorCode: 0, producerId: a.producerId, producerEpoch: 2 });
    // The old producer is fenced.
    expect((await h.service.endTransaction(TX, { producerId: a.producerId, producerEpoch: 0, commit: true, clientTransactionVersion: 0 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await h.service.addPartitions(TX, a.producerId, 0, [T0], 0)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(loggedStates(h.logFor(h.service.partitionFor(TX)), TX)).toEqual(['Empty', 'Ongoing', 'PrepareAbort', 'CompleteAbort', 'Empty']);
  });
});

describe('two-phase commit', () => {
  it('logs PrepareCommit, writes the markers, then logs CompleteCommit (transactions v0/v1)', async () => {
    h = await TxnHarness.start();
    await h.find(TX);
    const p = await h.service.initProducerId(TX, 60_000, null);
    await h.service.addPartitions(TX, p.producerId, p.producerEpoch, [T1], 0);
    await h.service.addPartitions(TX, p.producerId, p.producerEpoch, [T0, T1], 0);
    const end = await h.service.endTransaction(TX, { producerId: p.producerId, producerEpoch: p.producerEpoch, commit: true, clientTransactionVersion: 0 });
    expect(end.errorCode).toBe(0);
    expect(await h.state(TX)).toBe('PrepareCommit');
    await h.settle();
    expect(h.markers.calls).toEqual([
      { producerId: p.producerId, producerEpoch: 0, coordinatorEpoch: 0, committed: true, transactionVersion: 0, partitions: [T0, T1] },
    ]);
    expect(await h.state(TX)).toBe('CompleteCommit');
    expect(loggedStates(h.logFor(h.service.partitionFor(TX)), TX)).toEqual(['Empty', 'Ongoing', 'Ongoing', 'PrepareCommit', 'CompleteCommit']);
    // A retried EndTxn for the same outcome succeeds; another outcome is INVALID_TXN_STATE.
    expect((await h.service.endTransaction(TX, { producerId: p.producerId, producerEpoch: 0, commit: true, clientTransactionVersion: 0 })).errorCode).toBe(0);
    expect((await h.service.endTransaction(TX, { producerId: p.producerId, producerEpoch: 0, commit: false, clientTransactionVersion: 0 })).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('transactions v2 bump the epoch at each end and answer with the new one', async () => {
    h = await TxnHarness.start();
    await h.find(TX);
    const p = await h.service.initProducerId(TX, 60_000, null);
    expect(await h.service.addPartitions(TX, p.producerId, 0, [T0], 2)).toBe(0);
    let open!: () => void;
    h.markers.gate = new Promise((r) => (open = r));
    const end = await h.service.endTransaction(TX, { producerId: p.producerId, producerEpoch: 0, commit: true, clientTransactionVersion: 2 });
    expect(end).toEqual({ errorCode: 0, producerId: p.producerId, producerEpoch: 1 });
    // Until the markers are written, the next transaction waits.
    expect(await h.service.addPartitions(TX, p.producerId, 1, [T0], 2)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(await h.service.initProducerId(TX, 60_000, null)).toMatchObject({ errorCode: ErrorCode.CONCURRENT_TRANSACTIONS });
    h.markers.gate = null;
    open();
    await h.settle();
    expect(h.markers.calls[0]).toMatchObject({ producerEpoch: 1, transactionVersion: 2, committed: true });
    // The client retrying the EndTxn with its old epoch is answered NONE with the current epoch.
    expect(await h.service.endTransaction(TX, { producerId: p.producerId, producerEpoch: 0, commit: true, clientTransactionVersion: 2 })).toEqual({ errorCode: 0, producerId: p.producerId, producerEpoch: 1 });
    // An abort with nothing open is accepted and bumps again, with no marker to write.
    const abort = await h.service.endTransaction(TX, { producerId: p.producerId, producerEpoch: 1, commit: false, clientTransactionVersion: 2 });
    expect(abort).toEqual({ errorCode: 0, producerId: p.producerId, producerEpoch: 2 });
    await h.settle();
    expect(await h.state(TX)).toBe('CompleteAbort');
    expect(h.markers.written()).toEqual(['t-0:COMMIT']);
  });

  it('retries markers refused with a retriable error, and skips partitions of deleted topics', async () => {
    h = await TxnHarness.start();
    await h.find(TX);
    h.metadata.addTopic('gone', 1);
    let failures = 2;
    h.markers.respond = (_m, tp) => (tp.topic === 't' && failures-- > 0 ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.NONE);
    const p = await h.service.initProducerId(TX, 60_000, null);
    await h.service.addPartitions(TX, p.producerId, 0, [T0, { topic: 'gone', partition: 0 }], 0);
    h.metadata.topicsByName.delete('gone');
    await h.service.endTransaction(TX, { producerId: p.producerId, producerEpoch: 0, commit: false, clientTransactionVersion: 0 });
    await h.settle();
    expect(await h.state(TX)).toBe('PrepareAbort');
    await h.advance(MARKER_RETRY_BACKOFF_MS);
    await h.advance(MARKER_RETRY_BACKOFF_MS);
    expect(await h.state(TX)).toBe('CompleteAbort');
    expect(h.markers.written()).toEqual(['t-0:ABORT', 't-0:ABORT', 't-0:ABORT']);
  });

  it('stops when a marker is fenced, and a restarted coordinator finishes the transaction', async () => {
    const clock = new ManualClock();
    h = await TxnHarness.start({ clock });
    await h.find(TX);
    h.markers.respond = () => ErrorCode.INVALID_PRODUCER_EPOCH;
    const p = await h.service.initProducerId(TX, 60_000, null);
    await h.service.addPartitions(TX, p.producerId, 0, [T0], 0);
    await h.service.endTransaction(TX, { producerId: p.producerId, producerEpoch: 0, commit: true, clientTransactionVersion: 0 });
    await h.advance(1000);
    expect(await h.state(TX)).toBe('PrepareCommit');
    expect(h.markers.calls).toHaveLength(1);
    await h.stop();
    const logs = h.logs;
    h = await TxnHarness.start({ clock, logs, blocks: h.blocks, topicExists: true });
    await h.settle();
    expect(await h.state(TX)).toBe('CompleteCommit');
    expect(h.markers.written()).toEqual(['t-0:COMMIT']);
  });
});

describe('timeouts and expiration', () => {
  it('aborts a transaction open longer than its timeout and fences its producer', async () => {
    h = await TxnHarness.start({ overrides: ['transaction.abort.timed.out.transaction.cleanup.interval.ms=1000'] });
    await h.find(TX);
    const p = await h.service.initProducerId(TX, 5000, null);
    await h.service.addPartitions(TX, p.producerId, 0, [T0], 0);
    await h.advance(5000);
    expect(await h.state(TX)).toBe('Ongoing');
    await h.advance(1000);
    await h.advance(1000);
    expect(await h.state(TX)).toBe('CompleteAbort');
    expect(h.markers.calls).toEqual([{ producerId: p.producerId, producerEpoch: 1, coordinatorEpoch: 0, committed: false, transactionVersion: 2, partitions: [T0] }]);
    // The abandoned producer: fenced with transactions v0/v1; with v2 its epoch looks like a retry
    // of an EndTxn and the commit meets a completed abort (INVALID_TXN_STATE, as Kafka 4.4 answers).
    expect((await h.service.endTransaction(TX, { producerId: p.producerId, producerEpoch: 0, commit: true, clientTransactionVersion: 0 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await h.service.endTransaction(TX, { producerId: p.producerId, producerEpoch: 0, commit: true, clientTransactionVersion: 2 })).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    // KIP-360: its old epoch is the one before the abort's bump, so the producer gets the current one.
    expect(await h.service.initProducerId(TX, 5000, { producerId: p.producerId, producerEpoch: 0 })).toEqual({ errorCode: 0, producerId: p.producerId, producerEpoch: 1 });
    // Another producer of the id bumps it.
    expect(await h.service.initProducerId(TX, 5000, null)).toEqual({ errorCode: 0, producerId: p.producerId, producerEpoch: 2 });
  });

  it('expires transactional ids idle for transactional.id.expiration.ms with a tombstone', async () => {
    h = await TxnHarness.start({ overrides: ['transactional.id.expiration.ms=60000', 'transaction.remove.expired.transaction.cleanup.interval.ms=10000'] });
    await h.find(TX);
    await h.find('busy');
    await h.transaction(TX, true);
    const busy = await h.service.initProducerId('busy', 600_000, null);
    await h.service.addPartitions('busy', busy.producerId, 0, [T0], 0);
    await h.advance(70_000);
    expect((await h.service.describeTransaction(TX)).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect((await h.service.describeTransaction('busy')).state).toBe('Ongoing');
    expect(loggedStates(h.logFor(h.service.partitionFor(TX)), TX).at(-1)).toBeNull();
  });
});

describe('operators', () => {
  it('DescribeTransactions and ListTransactions with filters', async () => {
    h = await TxnHarness.start();
    for (const id of ['t-a', 't-b', 'my-special-1']) await h.find(id);
    const a = await h.service.initProducerId('t-a', 60_000, null);
    await h.service.addPartitions('t-a', a.producerId, 0, [T1, T0], 0);
    await h.advance(1000);
    await h.transaction('t-b', true);
    await h.service.initProducerId('my-special-1', 60_000, null);
    expect(await h.service.describeTransaction('t-a')).toEqual({
      errorCode: 0, transactionalId: 't-a', state: 'Ongoing', timeoutMs: 60_000, startTimeMs: h.clock.now() - 1000,
      producerId: a.producerId, producerEpoch: 0, partitions: [T0, T1],
    });
    expect((await h.service.describeTransaction('nope')).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    const ids = async (f: Partial<Parameters<typeof h.service.listTransactions>[0]>): Promise<string[]> =>
      (await h.service.listTransactions({ stateFilters: [], producerIdFilters: [], durationFilterMs: -1, transactionalIdPattern: null, ...f })).transactions.map((t) => t.transactionalId).sort();
    expect(await ids({})).toEqual(['my-special-1', 't-a', 't-b']);
    expect(await ids({ stateFilters: ['Ongoing', 'Nonsense'] })).toEqual(['t-a']);
    expect(await ids({ stateFilters: ['Nonsense'] })).toEqual([]);
    expect((await h.service.listTransactions({ stateFilters: ['Nonsense'], producerIdFilters: [], durationFilterMs: -1, transactionalIdPattern: null })).unknownStateFilters).toEqual(['Nonsense']);
    expect(await ids({ producerIdFilters: [a.producerId] })).toEqual(['t-a']);
    expect(await ids({ durationFilterMs: 999 })).toEqual(['my-special-1', 't-a']); // Empty ids have no start time (-1)
    expect(await ids({ stateFilters: ['Ongoing'], durationFilterMs: 1000 })).toEqual([]);
    expect(await ids({ transactionalIdPattern: '.*special-.*' })).toEqual(['my-special-1']);
    expect(await ids({ transactionalIdPattern: 'special' })).toEqual([]); // the whole id must match
    await expect(h.service.listTransactions({ stateFilters: [], producerIdFilters: [], durationFilterMs: -1, transactionalIdPattern: '(ab(cd' })).rejects.toMatchObject({
      errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION,
    });
  });

  it('verifies partitions for partition leaders (KIP-890)', async () => {
    h = await TxnHarness.start();
    await h.find(TX);
    const p = await h.service.initProducerId(TX, 60_000, null);
    await h.service.addPartitions(TX, p.producerId, 0, [T0], 0);
    expect(await h.service.verifyPartitions(TX, p.producerId, 0, [T0, T1])).toEqual([ErrorCode.NONE, ErrorCode.TRANSACTION_ABORTABLE]);
    expect(await h.service.verifyPartitions(TX, p.producerId, 1, [T0])).toEqual([ErrorCode.PRODUCER_FENCED]);
    const v = h.service.asVerifier();
    expect(await v.verifyPartitions(TX, p.producerId, 0, [T1], true)).toEqual([ErrorCode.NONE]);
    expect((await h.service.describeTransaction(TX)).partitions).toEqual([T0, T1]);
  });
});
