import {
  newTxnMetadata,
  prepareComplete,
  prepareFenceProducerEpoch,
  transitionTo,
  type TxnMetadata,
} from '../../../src/coordinator/txn/transaction-metadata';
import { TxnState } from '../../../src/coordinator/txn/transaction-state';
import {
  decideAddPartitions,
  decideEndTxn,
  decideFenceAbort,
  decideInitProducerId,
  decideVerifyPartitions,
  isTimedOut,
  type Decision,
} from '../../../src/coordinator/txn/txn-decisions';
import { ErrorCode } from '../../../src/protocol/error-codes';
import { InvariantError } from '../../../src/util/invariant';

const NOW = 1_000_000;
const TP0 = { topic: 't', partition: 0 };
const TP1 = { topic: 't', partition: 1 };
let nextPid = 100n;
const gen = (): bigint => nextPid++;

function written(d: Decision | 'fence'): TxnMetadata {
  if (d === 'fence' || d.kind !== 'write') throw new Error(`expected a write, got ${JSON.stringify(d)}`);
  return d.next;
}
function errorOf(d: Decision | 'fence'): number | string {
  if (d === 'fence') return 'fence';
  return d.kind === 'error' ? d.errorCode : d.kind;
}

/** Metadata at epoch `epoch` in `state`, reached through allowed transitions. */
function at(state: string, epoch = 3, extra: Partial<TxnMetadata> = {}): TxnMetadata {
  const base: TxnMetadata = { ...newTxnMetadata('tx', 7n, 60_000, NOW), producerEpoch: epoch, ...extra };
  switch (state) {
    case TxnState.EMPTY:
      return base;
    case TxnState.ONGOING:
      return transitionTo(base, TxnState.ONGOING, { partitions: [TP0], txnStartTimestamp: NOW });
    case TxnState.PREPARE_COMMIT:
    case TxnState.PREPARE_ABORT:
      return transitionTo(at(TxnState.ONGOING, epoch, extra), state);
    case TxnState.COMPLETE_COMMIT:
      return transitionTo(at(TxnState.PREPARE_COMMIT, epoch, extra), state, { partitions: [] });
    case TxnState.COMPLETE_ABORT:
      return transitionTo(at(TxnState.PREPARE_ABORT, epoch, extra), state, { partitions: [] });
    default:
      throw new Error(state);
  }
}

describe('InitProducerId decisions', () => {
  it('a new transactional id gets epoch 0', () => {
    const m = written(decideInitProducerId(newTxnMetadata('tx', 5n, 60_000, NOW), 30_000, null, NOW + 1, gen));
    expect(m).toMatchObject({ producerId: 5n, producerEpoch: 0, lastProducerEpoch: -1, state: 'Empty', txnTimeoutMs: 30_000, txnLastUpdateTimestamp: NOW + 1 });
  });

  it('bumps the epoch of a known id and forgets the last epoch without an expected epoch', () => {
    for (const s of [TxnState.EMPTY, TxnState.COMPLETE_COMMIT, TxnState.COMPLETE_ABORT]) {
      expect(written(decideInitProducerId(at(s), 60_000, null, NOW, gen))).toMatchObject({ producerEpoch: 4, lastProducerEpoch: -1, state: 'Empty', partitions: [] });
    }
  });

  it('KIP-360: the current epoch bumps, the previous one is a retry, others are fenced', () => {
    const m = written(decideInitProducerId(at(TxnState.EMPTY), 60_000, { producerId: 7n, producerEpoch: 3 }, NOW, gen));
    expect(m).toMatchObject({ producerEpoch: 4, lastProducerEpoch: 3 });
    expect(written(decideInitProducerId(m, 60_000, { producerId: 7n, producerEpoch: 3 }, NOW, gen))).toMatchObject({ producerEpoch: 4, lastProducerEpoch: 3 });
    expect(errorOf(decideInitProducerId(m, 60_000, { producerId: 7n, producerEpoch: 2 }, NOW, gen))).toBe(ErrorCode.PRODUCER_FENCED);
    expect(errorOf(decideInitProducerId(m, 60_000, { producerId: 8n, producerEpoch: 4 }, NOW, gen))).toBe(ErrorCode.PRODUCER_FENCED);
    // A brand-new id accepts any expected producer (a producer recovering from UNKNOWN_PRODUCER_ID).
    const fresh = newTxnMetadata('tx', 9n, 60_000, NOW);
    expect(written(decideInitProducerId(fresh, 60_000, { producerId: 1234n, producerEpoch: 17 }, NOW, gen))).toMatchObject({ producerId: 9n, producerEpoch: 0 });
  });

  it('answers CONCURRENT_TRANSACTIONS while markers are pending and fences an open transaction', () => {
    expect(errorOf(decideInitProducerId(at(TxnState.PREPARE_COMMIT), 60_000, null, NOW, gen))).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(errorOf(decideInitProducerId(at(TxnState.PREPARE_ABORT), 60_000, null, NOW, gen))).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(decideInitProducerId(at(TxnState.ONGOING), 60_000, null, NOW, gen)).toBe('fence');
  });

  it('moves to a new producer id when the epoch is exhausted', () => {
    expect(written(decideInitProducerId(at(TxnState.EMPTY, 32766), 60_000, null, NOW, () => 999n))).toMatchObject({
      producerId: 999n, prevProducerId: 7n, producerEpoch: 0, lastProducerEpoch: -1,
    });
    const m = written(decideInitProducerId(at(TxnState.EMPTY, 32766), 60_000, { producerId: 7n, producerEpoch: 32766 }, NOW, () => 998n));
    expect(m).toMatchObject({ producerId: 998n, prevProducerId: 7n, producerEpoch: 0, lastProducerEpoch: 32766 });
    // A retry of that request (the old id, its exhausted epoch) gets the same id and epoch.
    expect(written(decideInitProducerId(m, 60_000, { producerId: 7n, producerEpoch: 32766 }, NOW, gen))).toMatchObject({ producerId: 998n, producerEpoch: 0 });
  });
});

describe('AddPartitions and verification', () => {
  it('checks producer id, epoch and state', () => {
    expect(errorOf(decideAddPartitions(undefined, 7n, 3, [TP0], NOW, 0))).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(errorOf(decideAddPartitions(at(TxnState.EMPTY), 8n, 3, [TP0], NOW, 0))).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(errorOf(decideAddPartitions(at(TxnState.EMPTY), 7n, 2, [TP0], NOW, 0))).toBe(ErrorCode.PRODUCER_FENCED);
    expect(errorOf(decideAddPartitions(at(TxnState.PREPARE_ABORT), 7n, 3, [TP0], NOW, 0))).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(errorOf(decideAddPartitions(at(TxnState.ONGOING), 7n, 3, [TP0], NOW, 0))).toBe('done');
  });

  it('starts the transaction at the first add and keeps partitions sorted and unique', () => {
    const m1 = written(decideAddPartitions(at(TxnState.COMPLETE_COMMIT), 7n, 3, [TP1, { topic: 'a', partition: 2 }], NOW + 5, 2));
    expect(m1).toMatchObject({ state: 'Ongoing', txnStartTimestamp: NOW + 5, clientTransactionVersion: 2 });
    const m2 = written(decideAddPartitions(m1, 7n, 3, [TP0, TP1], NOW + 9, 2));
    expect(m2.partitions).toEqual([{ topic: 'a', partition: 2 }, TP0, TP1]);
    expect(m2.txnStartTimestamp).toBe(NOW + 5);
  });

  it('verify-only answers per partition', () => {
    expect(decideVerifyPartitions(at(TxnState.ONGOING), 7n, 3, [TP0, TP1])).toEqual({ perPartition: [ErrorCode.NONE, ErrorCode.TRANSACTION_ABORTABLE] });
    expect(decideVerifyPartitions(at(TxnState.ONGOING), 7n, 2, [TP0])).toEqual({ errorCode: ErrorCode.PRODUCER_FENCED });
    expect(decideVerifyPartitions(at(TxnState.PREPARE_COMMIT), 7n, 3, [TP0])).toEqual({ errorCode: ErrorCode.CONCURRENT_TRANSACTIONS });
    expect(decideVerifyPartitions(undefined, 7n, 3, [TP0])).toEqual({ errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING });
  });
});

describe('EndTxn decisions, transactions v0/v1', () => {
  const end = (m: TxnMetadata | undefined, commit: boolean, epoch = 3, pid = 7n): Decision => decideEndTxn(m, { producerId: pid, producerEpoch: epoch, commit, clientTransactionVersion: 0 }, NOW, gen);

  it('prepares a commit or abort of an open transaction without bumping the epoch', () => {
    expect(written(end(at(TxnState.ONGOING), true))).toMatchObject({ state: 'PrepareCommit', producerEpoch: 3 });
    expect(written(end(at(TxnState.ONGOING), false))).toMatchObject({ state: 'PrepareAbort', producerEpoch: 3 });
  });

  it('answers retries, conflicting outcomes and stale epochs as Kafka', () => {
    expect(errorOf(end(at(TxnState.COMPLETE_COMMIT), true))).toBe('done');
    expect(errorOf(end(at(TxnState.COMPLETE_COMMIT), false))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(errorOf(end(at(TxnState.COMPLETE_ABORT), false))).toBe('done');
    expect(errorOf(end(at(TxnState.COMPLETE_ABORT), true))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(errorOf(end(at(TxnState.PREPARE_COMMIT), true))).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(errorOf(end(at(TxnState.PREPARE_COMMIT), false))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(errorOf(end(at(TxnState.EMPTY), true))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(errorOf(end(at(TxnState.EMPTY), false))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(errorOf(end(at(TxnState.ONGOING), true, 2))).toBe(ErrorCode.PRODUCER_FENCED);
    expect(errorOf(end(at(TxnState.ONGOING), true, 4))).toBe(ErrorCode.PRODUCER_FENCED);
    expect(errorOf(end(at(TxnState.ONGOING), true, 3, 8n))).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(errorOf(end(undefined, true))).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  });
});

describe('EndTxn decisions, transactions v2 (KIP-890)', () => {
  const end = (m: TxnMetadata, commit: boolean, epoch: number): Decision => decideEndTxn(m, { producerId: 7n, producerEpoch: epoch, commit, clientTransactionVersion: 2 }, NOW, gen);

  it('bumps the epoch at every end and remembers the one before', () => {
    const m = written(end(at(TxnState.ONGOING), true, 3));
    expect(m).toMatchObject({ state: 'PrepareCommit', producerEpoch: 4, lastProducerEpoch: 3, clientTransactionVersion: 2 });
    const done = prepareComplete(m, NOW);
    expect(done).toMatchObject({ state: 'CompleteCommit', producerEpoch: 4, partitions: [] });
  });

  it('follows Kafka\'s table for the ended states (retry = epoch before the bump)', () => {
    // Empty: abort current bumps; commit current INVALID_TXN_STATE; retries fenced.
    expect(written(end(at(TxnState.EMPTY, 3), false, 3))).toMatchObject({ state: 'PrepareAbort', producerEpoch: 4, txnStartTimestamp: NOW });
    expect(errorOf(end(at(TxnState.EMPTY, 3), true, 3))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(errorOf(end(at(TxnState.EMPTY, 3), false, 2))).toBe(ErrorCode.PRODUCER_FENCED);
    expect(errorOf(end(at(TxnState.EMPTY, 3), true, 2))).toBe(ErrorCode.PRODUCER_FENCED);
    // CompleteAbort: abort retry NONE, abort current bumps, commit INVALID_TXN_STATE.
    expect(errorOf(end(at(TxnState.COMPLETE_ABORT, 3), false, 2))).toBe('done');
    expect(written(end(at(TxnState.COMPLETE_ABORT, 3), false, 3))).toMatchObject({ state: 'PrepareAbort', producerEpoch: 4 });
    expect(errorOf(end(at(TxnState.COMPLETE_ABORT, 3), true, 2))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(errorOf(end(at(TxnState.COMPLETE_ABORT, 3), true, 3))).toBe(ErrorCode.INVALID_TXN_STATE);
    // CompleteCommit: commit retry NONE, abort retry INVALID, abort current bumps, commit current INVALID.
    expect(errorOf(end(at(TxnState.COMPLETE_COMMIT, 3), true, 2))).toBe('done');
    expect(errorOf(end(at(TxnState.COMPLETE_COMMIT, 3), false, 2))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(written(end(at(TxnState.COMPLETE_COMMIT, 3), false, 3))).toMatchObject({ state: 'PrepareAbort', producerEpoch: 4 });
    expect(errorOf(end(at(TxnState.COMPLETE_COMMIT, 3), true, 3))).toBe(ErrorCode.INVALID_TXN_STATE);
    // While preparing: only a retry of the same outcome is CONCURRENT_TRANSACTIONS.
    expect(errorOf(end(at(TxnState.PREPARE_COMMIT, 3), true, 2))).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(errorOf(end(at(TxnState.PREPARE_COMMIT, 3), true, 3))).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('ends with a new producer id when the epoch overflows', () => {
    const m = written(decideEndTxn(at(TxnState.ONGOING, 32766), { producerId: 7n, producerEpoch: 32766, commit: true, clientTransactionVersion: 2 }, NOW, () => 555n));
    expect(m).toMatchObject({ producerEpoch: 32767, nextProducerId: 555n });
    const done = prepareComplete(m, NOW);
    expect(done).toMatchObject({ producerId: 555n, prevProducerId: 7n, producerEpoch: 0, nextProducerId: -1n });
    // The client retrying with the old id and its last epoch is recognised.
    expect(errorOf(decideEndTxn(done, { producerId: 7n, producerEpoch: 32766, commit: true, clientTransactionVersion: 2 }, NOW, gen))).toBe('done');
  });
});

describe('fencing and timeouts', () => {
  it('a fence and the abort that follows bump the epoch once (transactions v2: the abort bumps)', () => {
    expect(prepareFenceProducerEpoch(at(TxnState.ONGOING, 3), false)).toMatchObject({ state: 'PrepareEpochFence', producerEpoch: 4, lastProducerEpoch: -1 });
    expect(decideFenceAbort(at(TxnState.ONGOING, 3), 2, false, NOW, gen)).toMatchObject({ state: 'PrepareAbort', producerEpoch: 4, nextProducerId: -1n });
    expect(decideFenceAbort(at(TxnState.ONGOING, 3), 0, false, NOW, gen)).toMatchObject({ state: 'PrepareAbort', producerEpoch: 4, lastProducerEpoch: -1 });
    // After a fence that could not be written, the same epoch is used again (v0/v1).
    expect(decideFenceAbort(at(TxnState.ONGOING, 3), 0, true, NOW, gen).producerEpoch).toBe(3);
    // v2 with an exhausted epoch: the abort ends with a new producer id.
    const last = decideFenceAbort(at(TxnState.ONGOING, 32766), 2, false, NOW, () => 777n);
    expect(last).toMatchObject({ producerEpoch: 32767, nextProducerId: 777n });
    expect(prepareComplete(last, NOW)).toMatchObject({ producerId: 777n, producerEpoch: 0 });
  });

  it('only open transactions past their timeout time out', () => {
    const m = at(TxnState.ONGOING, 3, { txnTimeoutMs: 1000 });
    expect(isTimedOut(m, NOW + 1000)).toBe(false);
    expect(isTimedOut(m, NOW + 1001)).toBe(true);
    expect(isTimedOut(at(TxnState.PREPARE_COMMIT, 3, { txnTimeoutMs: 1000 }), NOW + 5000)).toBe(false);
  });

  it('transitions outside the state table are bugs', () => {
    expect(() => transitionTo(at(TxnState.EMPTY), TxnState.COMPLETE_COMMIT)).toThrow(InvariantError);
    expect(() => prepareComplete(at(TxnState.ONGOING), NOW)).toThrow(InvariantError);
    expect(() => transitionTo(at(TxnState.ONGOING), TxnState.EMPTY)).toThrow(InvariantError);
  });
});
