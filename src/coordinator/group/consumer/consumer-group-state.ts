/**
 * States of a KIP-848 consumer group (Kafka's ConsumerGroup.ConsumerGroupState). Unlike a classic
 * group's, the state is not driven by transitions: it is derived from the group after every
 * change (ConsumerGroup.maybeUpdateGroupState), so every state may follow any other.
 *
 *   Empty        no members. Heartbeats with epoch 0 create members; offsets may be committed
 *                with generation -1 (admin, assign()); the group may be deleted; offsets expire
 *                `offsets.retention.minutes` after their commit.
 *   Assigning    the group epoch is ahead of the target assignment epoch: a new target
 *                assignment is due (computed by the next heartbeat, at most every
 *                group.consumer.assignment.interval.ms).
 *   Reconciling  the target assignment is current but some members have not reached it yet
 *                (revoking partitions, or waiting for partitions others still own).
 *   Stable       every member owns its target assignment at the assignment epoch.
 *   Dead         the group is gone (listed nowhere; DescribeGroups answers Dead).
 *
 * In every state but Empty, DeleteGroups answers NON_EMPTY_GROUP. OffsetCommit/OffsetFetch check
 * the member and its epoch (STALE_MEMBER_EPOCH); OffsetDelete is refused for subscribed topics.
 */
export const ConsumerGroupState = {
  EMPTY: 'Empty',
  ASSIGNING: 'Assigning',
  RECONCILING: 'Reconciling',
  STABLE: 'Stable',
  DEAD: 'Dead',
} as const;
export type ConsumerGroupState = (typeof ConsumerGroupState)[keyof typeof ConsumerGroupState];
