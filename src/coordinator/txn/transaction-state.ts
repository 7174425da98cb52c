/**
 * The states of a transaction at its coordinator (Kafka's TransactionState), declared in one
 * place with the transitions allowed between them; `checkTransition` is the one assertion every
 * state change goes through (transaction-metadata.ts `transitionTo`).
 *
 *   state              id  what the coordinator does with requests in it
 *   Empty               0  no transaction open. AddPartitions/AddOffsets → Ongoing; EndTxn abort with
 *                          transactions v2 → PrepareAbort (the client may not know the state);
 *                          InitProducerId bumps the epoch (stays Empty). May expire.
 *   Ongoing             1  partitions were added. AddPartitions → Ongoing; EndTxn → PrepareCommit /
 *                          PrepareAbort; InitProducerId or the timeout → PrepareEpochFence → PrepareAbort.
 *   PrepareCommit       2  the commit is decided and logged; markers are being written. Requests get
 *                          CONCURRENT_TRANSACTIONS; all markers written → CompleteCommit.
 *   PrepareAbort        3  the same for an abort → CompleteAbort.
 *   CompleteCommit      4  done. Like Empty for the next transaction. May expire.
 *   CompleteAbort       5  done. Like Empty for the next transaction. May expire.
 *   Dead                6  the transactional id expired and its tombstone is being written; never
 *                          stored with a value (the tombstone removes the id).
 *   PrepareEpochFence   7  transient: an open transaction is being aborted because a new producer
 *                          (InitProducerId) or the timeout fenced it; never stored, it is followed
 *                          at once by PrepareAbort with the bumped epoch.
 */
import { invariant } from '../../util/invariant';

export const TxnState = {
  EMPTY: 'Empty',
  ONGOING: 'Ongoing',
  PREPARE_COMMIT: 'PrepareCommit',
  PREPARE_ABORT: 'PrepareAbort',
  COMPLETE_COMMIT: 'CompleteCommit',
  COMPLETE_ABORT: 'CompleteAbort',
  DEAD: 'Dead',
  PREPARE_EPOCH_FENCE: 'PrepareEpochFence',
} as const;
export type TxnStateName = (typeof TxnState)[keyof typeof TxnState];

interface StateInfo {
  /** The TransactionStatus byte of the __transaction_state record. */
  readonly id: number;
  /** States a transaction may come from. */
  readonly from: readonly TxnStateName[];
  /** Whether an idle transactional id in this state may be expired. */
  readonly expirationAllowed: boolean;
}

const S = TxnState;

/** The state table (Kafka's validPreviousStates). */
export const TXN_STATES: Readonly<Record<TxnStateName, StateInfo>> = Object.freeze({
  [S.EMPTY]: { id: 0, from: [S.EMPTY, S.COMPLETE_COMMIT, S.COMPLETE_ABORT], expirationAllowed: true },
  [S.ONGOING]: { id: 1, from: [S.ONGOING, S.EMPTY, S.COMPLETE_COMMIT, S.COMPLETE_ABORT], expirationAllowed: false },
  [S.PREPARE_COMMIT]: { id: 2, from: [S.ONGOING], expirationAllowed: false },
  [S.PREPARE_ABORT]: {
    id: 3,
    from: [S.ONGOING, S.PREPARE_EPOCH_FENCE, S.EMPTY, S.COMPLETE_COMMIT, S.COMPLETE_ABORT],
    expirationAllowed: false,
  },
  [S.COMPLETE_COMMIT]: { id: 4, from: [S.PREPARE_COMMIT], expirationAllowed: true },
  [S.COMPLETE_ABORT]: { id: 5, from: [S.PREPARE_ABORT], expirationAllowed: true },
  [S.DEAD]: { id: 6, from: [S.EMPTY, S.COMPLETE_ABORT, S.COMPLETE_COMMIT], expirationAllowed: false },
  [S.PREPARE_EPOCH_FENCE]: { id: 7, from: [S.ONGOING], expirationAllowed: false },
});

const BY_ID: readonly TxnStateName[] = (Object.keys(TXN_STATES) as TxnStateName[]).sort((a, b) => TXN_STATES[a].id - TXN_STATES[b].id);

export const ALL_TXN_STATES: readonly TxnStateName[] = BY_ID;

export function stateId(s: TxnStateName): number {
  return TXN_STATES[s].id;
}

/** The state of a TransactionStatus byte; undefined for an id this broker does not know. */
export function stateFromId(id: number): TxnStateName | undefined {
  return BY_ID[id];
}

/** The state called `name` (ListTransactions filters); undefined if none. */
export function stateFromName(name: string): TxnStateName | undefined {
  return (Object.values(TxnState) as string[]).includes(name) ? (name as TxnStateName) : undefined;
}

export function isValidTransition(from: TxnStateName, to: TxnStateName): boolean {
  return TXN_STATES[to].from.includes(from);
}

/** Asserts that `from` → `to` is allowed; a violation is a coordinator bug. */
export function checkTransition(transactionalId: string, from: TxnStateName, to: TxnStateName): void {
  invariant(
    isValidTransition(from, to),
    () => `transactional id ${transactionalId}: transition ${from} → ${to} is not allowed (valid sources of ${to}: ${TXN_STATES[to].from.join(', ')})`,
  );
}

export function isExpirationAllowed(s: TxnStateName): boolean {
  return TXN_STATES[s].expirationAllowed;
}

/** A transaction is open or being completed: its markers may still be missing somewhere. */
export function hasPendingTransaction(s: TxnStateName): boolean {
  return s === S.ONGOING || s === S.PREPARE_ABORT || s === S.PREPARE_COMMIT;
}
