/**
 * A KIP-848 consumer group (Kafka's ConsumerGroup and ModernGroup): members, static members,
 * group epoch and metadata hash, target assignment (per member, and inverted per partition),
 * the epoch of each partition's current owner, subscription counts (by name and through
 * regexes), resolved regexes and the server assignors members ask for. Every field is backed by
 * records in __consumer_offsets and changes only when they are replayed
 * (consumer-group-replay.ts); the `compute*` methods give what a change would produce without
 * applying it, as the heartbeat needs before its records exist.
 *
 * The state (consumer-group-state.ts) is recomputed after each change.
 */
import { ErrorCode } from '../../../protocol/error-codes';
import { KafkaError } from '../../../protocol/kafka-errors';
import { invariant } from '../../../util/invariant';
import { expirationAfter, GroupType, type CommitPartitionValidator, type Group, type ListedGroup, type OffsetExpirationCondition } from '../group';
import { EMPTY_ASSIGNMENT, type Assignment, type AssignmentWithEpochs } from './assignment';
import { SubscriptionType } from './assignors/partition-assignor';
import {
  assignmentEpoch,
  isReconciledTo,
  pendingRevocationEpoch,
  subscribedTopicRegexOrNull,
  useClassicProtocol,
  type ConsumerGroupMember,
} from './consumer-group-member';
import { ConsumerGroupState } from './consumer-group-state';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface SubscriptionCount {
  readonly byName: number;
  readonly byRegex: number;
}

export interface ResolvedRegularExpression {
  readonly topics: ReadonlySet<string>;
  /** Topics image version it was resolved against. */
  readonly version: bigint;
  /** When it was resolved (ms). */
  readonly timestamp: number;
}

export class ConsumerGroup implements Group {
  readonly type = GroupType.CONSUMER;
  private _state: ConsumerGroupState = ConsumerGroupState.EMPTY;
  /** Kafka 4.4 starts a new group at epoch 1 with assignment epoch 1 (TargetAssignmentMetadata.INITIAL). */
  groupEpoch = 1;
  metadataHash = 0n;
  private _assignmentEpoch = 1;
  assignmentTimestamp = 0;
  readonly members = new Map<string, ConsumerGroupMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly serverAssignors = new Map<string, number>();
  private readonly subscribedTopicNames = new Map<string, SubscriptionCount>();
  private readonly subscribedRegexes = new Map<string, number>();
  readonly resolvedRegularExpressions = new Map<string, ResolvedRegularExpression>();
  private readonly _targetAssignment = new Map<string, Assignment>();
  private readonly invertedTargetAssignment = new Map<string, Map<number, string>>();
  private readonly currentPartitionEpochs = new Map<string, Map<number, number>>();
  private _subscriptionType: SubscriptionType = SubscriptionType.HOMOGENEOUS;
  /** A ConsumerGroupPartitionMetadata record (pre-4.1 log) exists and must get a tombstone. */
  hasSubscriptionMetadataRecord = false;
  /**
   * Soft state: when the subscribed topics' metadata must be looked at again, and the group
   * epoch it was computed at (Kafka's metadataRefreshDeadline). Reset by topic changes.
   */
  private refreshDeadline = { deadlineMs: 0, epoch: 0 };

  constructor(readonly groupId: string) {}

  // ---- state ---------------------------------------------------------------------------------

  get state(): ConsumerGroupState {
    return this._state;
  }

  stateName(): string {
    return this._state;
  }

  isInStates(lowerCaseStates: ReadonlySet<string>): boolean {
    return lowerCaseStates.has(this._state.toLowerCase());
  }

  isEmpty(): boolean {
    return this._state === ConsumerGroupState.EMPTY;
  }

  asListedGroup(): ListedGroup {
    return { groupId: this.groupId, protocolType: CONSUMER_PROTOCOL_TYPE, groupState: this._state, groupType: this.type };
  }

  get assignmentEpoch(): number {
    return this._assignmentEpoch;
  }

  get subscriptionType(): SubscriptionType {
    return this._subscriptionType;
  }

  setGroupEpoch(epoch: number): void {
    this.groupEpoch = epoch;
    this.updateState();
  }

  setTargetAssignmentEpoch(epoch: number): void {
    this._assignmentEpoch = epoch;
    this.updateState();
  }

  /** Kafka's maybeUpdateGroupState. */
  private updateState(): void {
    if (this.members.size === 0) this._state = ConsumerGroupState.EMPTY;
    else if (this.groupEpoch > this._assignmentEpoch) this._state = ConsumerGroupState.ASSIGNING;
    else if ([...this.members.values()].some((m) => !isReconciledTo(m, this._assignmentEpoch))) this._state = ConsumerGroupState.RECONCILING;
    else this._state = ConsumerGroupState.STABLE;
  }

  // ---- metadata refresh ----------------------------------------------------------------------

  setMetadataRefreshDeadline(deadlineMs: number, epoch: number): void {
    this.refreshDeadline = { deadlineMs, epoch };
  }

  requestMetadataRefresh(): void {
    this.refreshDeadline = { deadlineMs: 0, epoch: 0 };
  }

  hasMetadataExpired(nowMs: number): boolean {
    return nowMs >= this.refreshDeadline.deadlineMs || this.groupEpoch < this.refreshDeadline.epoch;
  }

  // ---- members -------------------------------------------------------------------------------

  get numMembers(): number {
    return this.members.size;
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): ConsumerGroupMember | undefined {
    return this.members.get(memberId);
  }

  /** UNKNOWN_MEMBER_ID when absent (Kafka's getOrMaybeCreateMember(id, false)). */
  memberOrThrow(memberId: string): ConsumerGroupMember {
    const m = this.members.get(memberId);
    if (!m) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${this.groupId}.`);
    return m;
  }

  staticMemberId(instanceId: string | null): string | undefined {
    return instanceId === null ? undefined : this.staticMembers.get(instanceId);
  }

  staticMember(instanceId: string): ConsumerGroupMember | undefined {
    const id = this.staticMembers.get(instanceId);
    return id === undefined ? undefined : this.memberOrThrow(id);
  }

  hasStaticMember(instanceId: string | null): boolean {
    return instanceId !== null && this.staticMembers.has(instanceId);
  }

  /** Adds or replaces a member (replay). */
  updateMember(next: ConsumerGroupMember): void {
    const old = this.members.get(next.memberId);
    this.members.set(next.memberId, next);
    this.updateSubscribedTopicNames(this.subscribedTopicNames, old, next);
    this.updateCounts(this.serverAssignors, old?.serverAssignorName ?? null, next.serverAssignorName);
    this.updateCounts(this.subscribedRegexes, subscribedTopicRegexOrNull(old), subscribedTopicRegexOrNull(next));
    if (old) this.removePartitionEpochs(old);
    this.addPartitionEpochs(next.assignedPartitions, next.memberEpoch);
    this.addPartitionEpochs(next.partitionsPendingRevocation, next.memberEpoch);
    if (next.instanceId !== null) this.staticMembers.set(next.instanceId, next.memberId);
    this.updateState();
    this.updateSubscriptionType();
  }

  removeMember(memberId: string): void {
    const old = this.members.get(memberId);
    if (!old) return;
    this.members.delete(memberId);
    this.updateSubscribedTopicNames(this.subscribedTopicNames, old, undefined);
    this.updateCounts(this.serverAssignors, old.serverAssignorName, null);
    this.updateCounts(this.subscribedRegexes, subscribedTopicRegexOrNull(old), null);
    this.removePartitionEpochs(old);
    if (old.instanceId !== null && this.staticMembers.get(old.instanceId) === memberId) this.staticMembers.delete(old.instanceId);
    this.updateState();
    this.updateSubscriptionType();
  }

  // ---- subscriptions -------------------------------------------------------------------------

  /** Topic names subscribed to (by name or through a resolved regex), with their counts. */
  subscribedTopics(): ReadonlyMap<string, SubscriptionCount> {
    return this.subscribedTopicNames;
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopicNames.has(topic);
  }

  subscribedRegularExpressions(): ReadonlyMap<string, number> {
    return this.subscribedRegexes;
  }

  numSubscribedMembers(regex: string): number {
    return this.subscribedRegexes.get(regex) ?? 0;
  }

  /** The subscribed topic names if `oldMember` became `newMember` (Kafka's computeSubscribedTopicNames). */
  computeSubscribedTopicNames(oldMember: ConsumerGroupMember | undefined, newMember: ConsumerGroupMember | undefined): Map<string, SubscriptionCount> {
    const out = new Map(this.subscribedTopicNames);
    this.updateSubscribedTopicNames(out, oldMember, newMember);
    const oldRegex = subscribedTopicRegexOrNull(oldMember);
    // The old member was the last one on its regex: the regex's topics drop out.
    if (oldRegex !== null && oldRegex !== subscribedTopicRegexOrNull(newMember) && this.numSubscribedMembers(oldRegex) === 1) {
      for (const t of this.resolvedRegularExpressions.get(oldRegex)?.topics ?? []) decrement(out, t, 'byRegex');
    }
    return out;
  }

  computeSubscribedRegularExpressions(oldMember: ConsumerGroupMember | undefined, newMember: ConsumerGroupMember | undefined): Map<string, number> {
    const out = new Map(this.subscribedRegexes);
    this.updateCounts(out, subscribedTopicRegexOrNull(oldMember), subscribedTopicRegexOrNull(newMember));
    return out;
  }

  /** Subscribed topic names without `removed` members and without the topics of `removedRegexes`. */
  computeSubscribedTopicNamesWithout(removed: Iterable<ConsumerGroupMember>, removedRegexes: Iterable<string>): Map<string, SubscriptionCount> {
    const out = new Map(this.subscribedTopicNames);
    for (const m of removed) for (const t of m.subscribedTopicNames) decrement(out, t, 'byName');
    for (const regex of removedRegexes) for (const t of this.resolvedRegularExpressions.get(regex)?.topics ?? []) decrement(out, t, 'byRegex');
    return out;
  }

  /** Kafka's ConsumerGroup.subscriptionType. */
  static subscriptionType(regexes: ReadonlyMap<string, number>, topicNames: ReadonlyMap<string, SubscriptionCount>, numMembers: number): SubscriptionType {
    const { HOMOGENEOUS, HETEROGENEOUS } = SubscriptionType;
    if (regexes.size === 0) {
      for (const c of topicNames.values()) if (c.byName !== numMembers) return HETEROGENEOUS;
      return HOMOGENEOUS;
    }
    // Homogeneous only if every member uses the same single regex and no names.
    if (regexes.values().next().value !== numMembers) return HETEROGENEOUS;
    for (const c of topicNames.values()) if (c.byRegex !== 1 || c.byName > 0) return HETEROGENEOUS;
    return HOMOGENEOUS;
  }

  private updateSubscriptionType(): void {
    this._subscriptionType = ConsumerGroup.subscriptionType(this.subscribedRegexes, this.subscribedTopicNames, this.members.size);
  }

  updateResolvedRegularExpression(regex: string, resolved: ResolvedRegularExpression | null): void {
    const old = this.resolvedRegularExpressions.get(regex);
    if (old) {
      this.resolvedRegularExpressions.delete(regex);
      for (const t of old.topics) decrement(this.subscribedTopicNames, t, 'byRegex');
    }
    if (resolved) {
      this.resolvedRegularExpressions.set(regex, resolved);
      for (const t of resolved.topics) increment(this.subscribedTopicNames, t, 'byRegex');
    }
    this.updateSubscriptionType();
  }

  /** Time of the last resolution (all are resolved together); -Infinity when none. */
  lastResolvedRegularExpressionRefreshTimeMs(): number {
    const first = this.resolvedRegularExpressions.values().next();
    return first.done ? -Infinity : first.value.timestamp;
  }

  lastResolvedRegularExpressionVersion(): bigint {
    const first = this.resolvedRegularExpressions.values().next();
    return first.done ? 0n : first.value.version;
  }

  /** The server assignor most members ask for, with `oldMember` replaced by `newMember`. */
  computePreferredServerAssignor(oldMember: ConsumerGroupMember | undefined, newMember: ConsumerGroupMember | undefined): string | null {
    const counts = new Map(this.serverAssignors);
    this.updateCounts(counts, oldMember?.serverAssignorName ?? null, newMember?.serverAssignorName ?? null);
    return maxCount(counts);
  }

  preferredServerAssignor(): string | null {
    return maxCount(this.serverAssignors);
  }

  // ---- target assignment ---------------------------------------------------------------------

  targetAssignment(memberId: string): Assignment {
    return this._targetAssignment.get(memberId) ?? EMPTY_ASSIGNMENT;
  }

  /** The target of `memberId`, or of the member a static `instanceId` belongs to. */
  targetAssignmentOf(memberId: string, instanceId: string | null): Assignment {
    if (instanceId === null) return this.targetAssignment(memberId);
    const previous = this.staticMembers.get(instanceId);
    return previous !== undefined ? this.targetAssignment(previous) : EMPTY_ASSIGNMENT;
  }

  allTargetAssignments(): ReadonlyMap<string, Assignment> {
    return this._targetAssignment;
  }

  /** Whether the current target assignment gives the partition to some member. */
  isPartitionAssigned(topicId: string, partition: number): boolean {
    return this.invertedTargetAssignment.get(topicId)?.has(partition) ?? false;
  }

  updateTargetAssignment(memberId: string, next: Assignment): void {
    const old = this._targetAssignment.get(memberId) ?? EMPTY_ASSIGNMENT;
    this.updateInverted(memberId, old, next);
    this._targetAssignment.set(memberId, next);
  }

  removeTargetAssignment(memberId: string): void {
    this.updateInverted(memberId, this._targetAssignment.get(memberId) ?? EMPTY_ASSIGNMENT, EMPTY_ASSIGNMENT);
    this._targetAssignment.delete(memberId);
  }

  private updateInverted(memberId: string, oldA: Assignment, newA: Assignment): void {
    for (const topicId of new Set([...oldA.keys(), ...newA.keys()])) {
      const oldPs = oldA.get(topicId) ?? new Set<number>();
      const newPs = newA.get(topicId) ?? new Set<number>();
      let owners = this.invertedTargetAssignment.get(topicId);
      if (!owners) this.invertedTargetAssignment.set(topicId, (owners = new Map()));
      // A partition moved to another member first keeps that member as its owner.
      for (const p of oldPs) if (!newPs.has(p) && owners.get(p) === memberId) owners.delete(p);
      for (const p of newPs) if (!oldPs.has(p)) owners.set(p, memberId);
      if (owners.size === 0) this.invertedTargetAssignment.delete(topicId);
    }
  }

  // ---- partition epochs ----------------------------------------------------------------------

  /** The epoch of the member owning (or revoking) the partition, -1 when it is free. */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.currentPartitionEpochs.get(topicId)?.get(partition) ?? -1;
  }

  private addPartitionEpochs(a: AssignmentWithEpochs, epoch: number): void {
    for (const [topicId, partitions] of a) {
      let m = this.currentPartitionEpochs.get(topicId);
      if (!m) this.currentPartitionEpochs.set(topicId, (m = new Map()));
      for (const p of partitions.keys()) {
        invariant(!m.has(p), () => `group ${this.groupId}: cannot set the epoch of ${topicId}-${p} to ${epoch}, it is still owned at epoch ${m!.get(p)}`);
        m.set(p, epoch);
      }
    }
  }

  private removePartitionEpochs(member: ConsumerGroupMember): void {
    for (const a of [member.assignedPartitions, member.partitionsPendingRevocation]) {
      for (const [topicId, partitions] of a) {
        const m = this.currentPartitionEpochs.get(topicId);
        invariant(m, () => `group ${this.groupId}: cannot remove epoch ${member.memberEpoch} of topic ${topicId}, it has none`);
        for (const p of partitions.keys()) {
          const prev = m.get(p);
          invariant(prev === member.memberEpoch, () => `group ${this.groupId}: cannot remove epoch ${member.memberEpoch} of ${topicId}-${p}, it is owned at epoch ${prev}`);
          m.delete(p);
        }
        if (m.size === 0) this.currentPartitionEpochs.delete(topicId);
      }
    }
  }

  // ---- Group: offsets and deletion -----------------------------------------------------------

  /**
   * Kafka 4.4's ConsumerGroup.validateOffsetCommit: generation < 0 commits from outside group
   * management while the group has no members; otherwise the member must exist, use OffsetCommit
   * v9+, and not be ahead of its epoch. An older epoch is checked per partition (KIP-1251): the
   * member must own (or be revoking) the partition since an epoch not above the request's.
   */
  validateOffsetCommit(memberId: string, groupInstanceId: string | null, memberEpoch: number, isTransactional: boolean, apiVersion: number): CommitPartitionValidator | void {
    if (memberEpoch < 0 && this.members.size === 0) return;
    if (isTransactional && memberEpoch === -1 && memberId === '' && groupInstanceId === null) return;
    const member = this.memberOrThrow(memberId);
    const classic = useClassicProtocol(member);
    if (!isTransactional && !classic && apiVersion < 9) {
      throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, 'OffsetCommit version 9 or above must be used by members using the consumer group protocol');
    }
    if (memberEpoch === member.memberEpoch) return;
    const staleCode = classic ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH;
    if (memberEpoch > member.memberEpoch) {
      throw new KafkaError(staleCode, classic
        ? `Received generation id ${memberEpoch} is newer than current member epoch ${member.memberEpoch}.`
        : `Received member epoch ${memberEpoch} is newer than current member epoch ${member.memberEpoch}.`);
    }
    return (topic, topicId, partition) => {
      const epoch = assignmentEpoch(member, topicId, partition) ?? pendingRevocationEpoch(member, topicId, partition);
      if (epoch === undefined) throw new KafkaError(staleCode, `Partition ${topic}-${partition} is not assigned or pending revocation for member.`);
      if (memberEpoch < epoch) {
        throw new KafkaError(staleCode, classic
          ? `Received generation id ${memberEpoch} is older than assignment epoch ${epoch} for partition ${topic}-${partition}.`
          : `Received member epoch ${memberEpoch} is older than assignment epoch ${epoch} for partition ${topic}-${partition}.`);
      }
    };
  }

  /** Kafka's validateOffsetFetch: no member id and epoch < 0 is the admin client; else exact epoch. */
  validateOffsetFetch(memberId: string | null, memberEpoch: number): void {
    if (memberId === null && memberEpoch < 0) return;
    const member = this.members.get(memberId ?? '');
    if (!member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${this.groupId}.`);
    if (memberEpoch !== member.memberEpoch) {
      throw useClassicProtocol(member)
        ? new KafkaError(ErrorCode.ILLEGAL_GENERATION, `The received generation id ${memberEpoch} does not match the expected member epoch ${member.memberEpoch}.`)
        : new KafkaError(ErrorCode.STALE_MEMBER_EPOCH, `The received member epoch ${memberEpoch} does not match the expected member epoch ${member.memberEpoch}.`);
    }
  }

  validateOffsetDelete(): void {
    // Nothing: subscribed topics are refused per topic.
  }

  validateDeleteGroup(): void {
    if (this._state !== ConsumerGroupState.EMPTY) throw new KafkaError(ErrorCode.NON_EMPTY_GROUP);
  }

  /** Offsets expire `retention` after their commit, whatever the group does (topics subscribed to excepted). */
  offsetExpirationCondition(): OffsetExpirationCondition {
    return expirationAfter((o) => o.commitTimestampMs);
  }

  /** Member ids and resolved regexes, for the tombstones of the group. */
  regexesResolved(): string[] {
    return [...this.resolvedRegularExpressions.keys()];
  }

  // ---- helpers -------------------------------------------------------------------------------

  private updateSubscribedTopicNames(counts: Map<string, SubscriptionCount>, oldMember: ConsumerGroupMember | undefined, newMember: ConsumerGroupMember | undefined): void {
    if (oldMember) for (const t of oldMember.subscribedTopicNames) decrement(counts, t, 'byName');
    if (newMember) for (const t of newMember.subscribedTopicNames) increment(counts, t, 'byName');
  }

  private updateCounts(counts: Map<string, number>, oldKey: string | null, newKey: string | null): void {
    if (oldKey !== null) {
      const n = (counts.get(oldKey) ?? 0) - 1;
      if (n > 0) counts.set(oldKey, n);
      else counts.delete(oldKey);
    }
    if (newKey !== null) counts.set(newKey, (counts.get(newKey) ?? 0) + 1);
  }
}

function increment(counts: Map<string, SubscriptionCount>, topic: string, kind: keyof SubscriptionCount): void {
  const c = counts.get(topic) ?? { byName: 0, byRegex: 0 };
  counts.set(topic, { ...c, [kind]: c[kind] + 1 });
}

function decrement(counts: Map<string, SubscriptionCount>, topic: string, kind: keyof SubscriptionCount): void {
  const c = counts.get(topic);
  if (!c) return;
  const next = { ...c, [kind]: c[kind] - 1 };
  if (next.byName <= 0 && next.byRegex <= 0) counts.delete(topic);
  else counts.set(topic, next);
}

/** The key with the highest count; ties go to the first such key seen. */
function maxCount(counts: ReadonlyMap<string, number>): string | null {
  let best: string | null = null;
  let bestCount = -1;
  for (const [k, n] of counts) {
    if (n > bestCount) {
      best = k;
      bestCount = n;
    }
  }
  return best;
}
