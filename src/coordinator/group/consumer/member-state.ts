/**
 * Where a consumer group member stands in its reconciliation towards the target assignment
 * (Kafka's MemberState; the byte values are what ConsumerGroupCurrentMemberAssignment stores).
 *
 *   STABLE                 the member owns its whole target assignment at its epoch
 *   UNREVOKED_PARTITIONS   the member must first give up partitions (epoch not bumped yet)
 *   UNRELEASED_PARTITIONS  the member is at the new epoch but waits for partitions that other
 *                          members have not revoked yet
 *   UNKNOWN                a state written by a newer coordinator: the member is fenced
 */
export const MemberState = {
  STABLE: 0,
  UNREVOKED_PARTITIONS: 1,
  UNRELEASED_PARTITIONS: 2,
  UNKNOWN: 127,
} as const;
export type MemberState = (typeof MemberState)[keyof typeof MemberState];

export function memberStateFromValue(v: number): MemberState {
  return v === 0 || v === 1 || v === 2 ? v : MemberState.UNKNOWN;
}

export function memberStateName(s: MemberState): string {
  switch (s) {
    case MemberState.STABLE:
      return 'STABLE';
    case MemberState.UNREVOKED_PARTITIONS:
      return 'UNREVOKED_PARTITIONS';
    case MemberState.UNRELEASED_PARTITIONS:
      return 'UNRELEASED_PARTITIONS';
    default:
      return 'UNKNOWN';
  }
}
