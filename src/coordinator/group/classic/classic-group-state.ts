/**
 * The classic group state machine, declared in one place (Kafka's ClassicGroupState): the
 * states, what each API does in each, and the transitions allowed into each state.
 * ClassicGroup.transitionTo() asserts against this table.
 *
 *   Empty ──join──▶ PreparingRebalance ──all joined / timeout──▶ CompletingRebalance
 *     ▲                 │        ▲                                   │        │
 *     └─ all left ──────┘        └──── join / leave / failure ───────┘        │ leader's SyncGroup
 *                                ▲                                            ▼ appended
 *                                └─────────── join / leave / failure ──── Stable
 *   Any state ──▶ Dead (group deleted, expired or unloaded; final)
 */

export const ClassicGroupState = {
  EMPTY: 'Empty',
  PREPARING_REBALANCE: 'PreparingRebalance',
  COMPLETING_REBALANCE: 'CompletingRebalance',
  STABLE: 'Stable',
  DEAD: 'Dead',
} as const;
export type ClassicGroupState = (typeof ClassicGroupState)[keyof typeof ClassicGroupState];

interface StateSpec {
  /** States a group may be in just before entering this one. */
  readonly validPrevious: readonly ClassicGroupState[];
  /** What each API does in this state (documentation of the behaviour implemented elsewhere). */
  readonly behaviour: {
    readonly joinGroup: string;
    readonly syncGroup: string;
    readonly heartbeat: string;
    readonly leaveGroup: string;
    readonly offsetCommit: string;
    readonly offsetFetch: string;
  };
}

const { EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE, DEAD } = ClassicGroupState;

export const CLASSIC_GROUP_STATES: Readonly<Record<ClassicGroupState, StateSpec>> = {
  [EMPTY]: {
    validPrevious: [PREPARING_REBALANCE],
    behaviour: {
      joinGroup: 'a new member starts the first rebalance (delayed by group.initial.rebalance.delay.ms)',
      syncGroup: 'UNKNOWN_MEMBER_ID',
      heartbeat: 'UNKNOWN_MEMBER_ID',
      leaveGroup: 'UNKNOWN_MEMBER_ID',
      offsetCommit: 'accepted from outside the group (generation -1); members get UNKNOWN_MEMBER_ID',
      offsetFetch: 'allowed',
    },
  },
  [PREPARING_REBALANCE]: {
    validPrevious: [STABLE, COMPLETING_REBALANCE, EMPTY],
    behaviour: {
      joinGroup: 'parked until every known member rejoined or the rebalance timeout expired',
      syncGroup: 'REBALANCE_IN_PROGRESS',
      heartbeat: 'REBALANCE_IN_PROGRESS (the session is kept alive)',
      leaveGroup: 'the member is removed; the join phase may complete',
      offsetCommit: 'allowed for members of the previous generation',
      offsetFetch: 'allowed',
    },
  },
  [COMPLETING_REBALANCE]: {
    validPrevious: [PREPARING_REBALANCE],
    behaviour: {
      joinGroup: 'same metadata: the current generation is returned; changed metadata: new rebalance',
      syncGroup: "parked until the leader's assignment is appended; the leader's triggers the append",
      heartbeat: 'accepted',
      leaveGroup: 'the member is removed and a new rebalance starts',
      offsetCommit: 'REBALANCE_IN_PROGRESS',
      offsetFetch: 'allowed',
    },
  },
  [STABLE]: {
    validPrevious: [COMPLETING_REBALANCE],
    behaviour: {
      joinGroup: 'the leader, or a follower with new metadata, starts a rebalance; others get the current generation',
      syncGroup: "the member's current assignment",
      heartbeat: 'accepted',
      leaveGroup: 'the member is removed and a new rebalance starts',
      offsetCommit: 'allowed for members of the current generation',
      offsetFetch: 'allowed',
    },
  },
  [DEAD]: {
    validPrevious: [STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD],
    behaviour: {
      joinGroup: 'COORDINATOR_NOT_AVAILABLE (the member looks the coordinator up again)',
      syncGroup: 'COORDINATOR_NOT_AVAILABLE',
      heartbeat: 'COORDINATOR_NOT_AVAILABLE',
      leaveGroup: 'COORDINATOR_NOT_AVAILABLE',
      offsetCommit: 'COORDINATOR_NOT_AVAILABLE',
      offsetFetch: 'GROUP_ID_NOT_FOUND',
    },
  },
};

export function isValidTransition(from: ClassicGroupState, to: ClassicGroupState): boolean {
  return CLASSIC_GROUP_STATES[to].validPrevious.includes(from);
}
