import {
  ALL_TXN_STATES,
  checkTransition,
  hasPendingTransaction,
  isExpirationAllowed,
  isValidTransition,
  stateFromId,
  stateFromName,
  stateId,
  TxnState,
} from '../../../src/coordinator/txn/transaction-state';
import { InvariantError } from '../../../src/util/invariant';

const S = TxnState;

describe('transaction states', () => {
  it('have Kafka TransactionStatus ids 0..7, in order', () => {
    expect(ALL_TXN_STATES).toEqual([
      'Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence',
    ]);
    ALL_TXN_STATES.forEach((s, i) => {
      expect(stateId(s)).toBe(i);
      expect(stateFromId(i)).toBe(s);
    });
    expect(stateFromId(8)).toBeUndefined();
  });

  it('look names up as DescribeTransactions/ListTransactions spell them', () => {
    expect(stateFromName('Ongoing')).toBe(S.ONGOING);
    expect(stateFromName('ongoing')).toBeUndefined();
    expect(stateFromName('UnknownState')).toBeUndefined();
  });

  it('allow exactly Kafka\'s transitions', () => {
    const allowed: Array<[string, string]> = [];
    for (const from of ALL_TXN_STATES) for (const to of ALL_TXN_STATES) if (isValidTransition(from, to)) allowed.push([from, to]);
    expect(allowed.sort()).toEqual(
      [
        ['Empty', 'Empty'], ['CompleteCommit', 'Empty'], ['CompleteAbort', 'Empty'],
        ['Ongoing', 'Ongoing'], ['Empty', 'Ongoing'], ['CompleteCommit', 'Ongoing'], ['CompleteAbort', 'Ongoing'],
        ['Ongoing', 'PrepareCommit'],
        ['Ongoing', 'PrepareAbort'], ['PrepareEpochFence', 'PrepareAbort'], ['Empty', 'PrepareAbort'],
        ['CompleteCommit', 'PrepareAbort'], ['CompleteAbort', 'PrepareAbort'],
        ['PrepareCommit', 'CompleteCommit'],
        ['PrepareAbort', 'CompleteAbort'],
        ['Empty', 'Dead'], ['CompleteAbort', 'Dead'], ['CompleteCommit', 'Dead'],
        ['Ongoing', 'PrepareEpochFence'],
      ].sort(),
    );
  });

  it('checkTransition names both states and the valid sources when it fails', () => {
    expect(() => checkTransition('tx', S.EMPTY, S.PREPARE_COMMIT)).toThrow(InvariantError);
    expect(() => checkTransition('tx', S.EMPTY, S.PREPARE_COMMIT)).toThrow('tx: transition Empty → PrepareCommit is not allowed (valid sources of PrepareCommit: Ongoing)');
    expect(() => checkTransition('tx', S.ONGOING, S.PREPARE_COMMIT)).not.toThrow();
  });

  it('expire only idle ids and know which states hold a pending transaction', () => {
    expect(ALL_TXN_STATES.filter(isExpirationAllowed)).toEqual([S.EMPTY, S.COMPLETE_COMMIT, S.COMPLETE_ABORT]);
    expect(ALL_TXN_STATES.filter(hasPendingTransaction)).toEqual([S.ONGOING, S.PREPARE_COMMIT, S.PREPARE_ABORT]);
  });
});
