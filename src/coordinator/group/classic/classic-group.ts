/**
 * A classic group (Kafka's ClassicGroup): members, static-member index, the protocols they
 * support, the chosen protocol, the leader, the generation, and the bookkeeping of the join and
 * sync phases. Membership is soft state (the join/sync futures cannot be persisted); the
 * GroupMetadata record written at the end of each rebalance persists the rest.
 *
 * State changes go through transitionTo(), which asserts the table in classic-group-state.ts.
 */
import { ErrorCode } from '../../../protocol/error-codes';
import { KafkaError } from '../../../protocol/kafka-errors';
import { decodeConsumerProtocolSubscription } from '../../../protocol/generated/consumer-protocol-subscription';
import { Reader } from '../../../protocol/primitives/reader';
import type { Clock } from '../../../util/clock';
import { invariant } from '../../../util/invariant';
import { expirationAfter, GroupType, type Group, type ListedGroup, type OffsetExpirationCondition } from '../group';
import { ClassicGroupMember, EMPTY_ASSIGNMENT, type JoinProtocol, type JoinResult, type SyncResult } from './classic-group-member';
import { ClassicGroupState, isValidTransition } from './classic-group-state';

/** The protocol type of Kafka consumers; the only one whose metadata the broker reads. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface ClassicGroupInit {
  generationId?: number;
  protocolType?: string | null;
  protocolName?: string | null;
  leaderId?: string | null;
  /** null: unknown (old metadata record). Default: now. */
  currentStateTimestamp?: number | null;
}

const { EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE, DEAD } = ClassicGroupState;

export class ClassicGroup implements Group {
  readonly type = GroupType.CLASSIC;
  private _state: ClassicGroupState;
  private _previousState: ClassicGroupState = DEAD;
  private _currentStateTimestamp: number | null;
  private _protocolType: string | null;
  protocolName: string | null;
  private _generationId: number;
  private leaderId: string | null;
  private readonly members = new Map<string, ClassicGroupMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingJoinMembers = new Set<string>();
  private numAwaitingJoin = 0;
  private readonly supportedProtocols = new Map<string, number>();
  private readonly pendingSyncMembers = new Set<string>();
  /** Topics the members subscribe to; null when unknown (not a consumer group, or unparsable). */
  subscribedTopics: ReadonlySet<string> | null = null;
  /** A member joined during the delayed initial rebalance: extend the delay. */
  newMemberAdded = false;

  constructor(
    readonly groupId: string,
    initialState: ClassicGroupState,
    private readonly clock: Clock,
    init: ClassicGroupInit = {},
  ) {
    this._state = initialState;
    this._generationId = init.generationId ?? 0;
    this._protocolType = init.protocolType ?? null;
    this.protocolName = init.protocolName ?? null;
    this.leaderId = init.leaderId ?? null;
    this._currentStateTimestamp = init.currentStateTimestamp === undefined ? clock.now() : init.currentStateTimestamp;
  }

  // ---- state ---------------------------------------------------------------------------------

  get state(): ClassicGroupState {
    return this._state;
  }

  get previousState(): ClassicGroupState {
    return this._previousState;
  }

  get generationId(): number {
    return this._generationId;
  }

  get protocolType(): string | null {
    return this._protocolType;
  }

  get currentStateTimestamp(): number | null {
    return this._currentStateTimestamp;
  }

  is(state: ClassicGroupState): boolean {
    return this._state === state;
  }

  transitionTo(target: ClassicGroupState): void {
    invariant(
      isValidTransition(this._state, target),
      () => `group ${this.groupId} cannot move from ${this._state} to ${target}`,
    );
    this._previousState = this._state;
    this._state = target;
    this._currentStateTimestamp = this.clock.now();
  }

  /** A rebalance can start from Empty, Stable and CompletingRebalance. */
  canRebalance(): boolean {
    return isValidTransition(this._state, PREPARING_REBALANCE);
  }

  stateName(): string {
    return this._state;
  }

  isInStates(lowerCaseStates: ReadonlySet<string>): boolean {
    return lowerCaseStates.has(this._state.toLowerCase());
  }

  isEmpty(): boolean {
    return this.is(EMPTY);
  }

  asListedGroup(): ListedGroup {
    return { groupId: this.groupId, protocolType: this._protocolType ?? '', groupState: this._state, groupType: this.type };
  }

  // ---- members -------------------------------------------------------------------------------

  get size(): number {
    return this.members.size;
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): ClassicGroupMember | undefined {
    return this.members.get(memberId);
  }

  allMembers(): ClassicGroupMember[] {
    return [...this.members.values()];
  }

  get leader(): string | null {
    return this.leaderId;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  hasStaticMember(groupInstanceId: string): boolean {
    return this.staticMembers.has(groupInstanceId);
  }

  staticMemberCount(): number {
    return this.staticMembers.size;
  }

  add(member: ClassicGroupMember, awaitingJoin: ((r: JoinResult) => void) | null = null): void {
    if (member.groupInstanceId !== null) {
      invariant(!this.staticMembers.has(member.groupInstanceId), () => `static member ${member.groupInstanceId} is already in group ${this.groupId}`);
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this._protocolType = member.protocolType;
    invariant(this._protocolType === member.protocolType, () => `member protocol type ${member.protocolType} differs from group ${this.groupId}'s ${this._protocolType}`);
    invariant(this.supportsProtocols(member.protocolType, member.protocolNames()), () => `group ${this.groupId} supports none of member ${member.memberId}'s protocols`);
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.countProtocols(member, 1);
    member.awaitingJoin = awaitingJoin;
    if (member.isAwaitingJoin) this.numAwaitingJoin++;
    this.pendingJoinMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const removed = this.members.get(memberId);
    if (removed) {
      this.members.delete(memberId);
      this.countProtocols(removed, -1);
      if (removed.isAwaitingJoin) this.numAwaitingJoin--;
      if (removed.groupInstanceId !== null) this.staticMembers.delete(removed.groupInstanceId);
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /**
   * Static member restart: the new member id takes over the old one's place (same assignment,
   * timeouts, protocols); a request parked under the old id is answered FENCED_INSTANCE_ID.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicGroupMember {
    const old = this.members.get(oldMemberId);
    invariant(old, () => `cannot replace unknown member ${oldMemberId} of group ${this.groupId}`);
    this.members.delete(oldMemberId);
    this.completeJoin(old, fencedJoin(oldMemberId));
    this.completeSync(old, { errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT });
    const replacement = new ClassicGroupMember(
      newMemberId, old.groupInstanceId, old.clientId, old.clientHost, old.rebalanceTimeoutMs,
      old.sessionTimeoutMs, old.protocolType, old.protocols, old.assignment,
    );
    this.members.set(newMemberId, replacement);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return replacement;
  }

  updateMember(member: ClassicGroupMember, protocols: readonly JoinProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number, awaitingJoin: ((r: JoinResult) => void) | null): void {
    this.countProtocols(member, -1);
    member.protocols = protocols;
    this.countProtocols(member, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (awaitingJoin && !member.isAwaitingJoin) this.numAwaitingJoin++;
    else if (!awaitingJoin && member.isAwaitingJoin) this.numAwaitingJoin--;
    member.awaitingJoin = awaitingJoin;
  }

  /** If the leader has not rejoined, a member that has becomes leader; false if none has. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const current = this.members.get(this.leaderId);
    if (current && current.isAwaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  // ---- join / sync bookkeeping ---------------------------------------------------------------

  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId);
  }

  addPendingMember(memberId: string): void {
    invariant(!this.members.has(memberId), () => `pending member ${memberId} is already a member of ${this.groupId}`);
    this.pendingJoinMembers.add(memberId);
  }

  get pendingMemberCount(): number {
    return this.pendingJoinMembers.size;
  }

  get awaitingJoinCount(): number {
    return this.numAwaitingJoin;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numAwaitingJoin && this.pendingJoinMembers.size === 0;
  }

  notYetRejoinedMembers(): ClassicGroupMember[] {
    return this.allMembers().filter((m) => !m.isAwaitingJoin);
  }

  addPendingSyncMember(memberId: string): void {
    invariant(this.members.has(memberId), () => `pending sync member ${memberId} is not in group ${this.groupId}`);
    this.pendingSyncMembers.add(memberId);
  }

  removePendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.delete(memberId);
  }

  hasReceivedSyncFromAllMembers(): boolean {
    return this.pendingSyncMembers.size === 0;
  }

  pendingSyncMemberIds(): string[] {
    return [...this.pendingSyncMembers];
  }

  clearPendingSyncMembers(): void {
    this.pendingSyncMembers.clear();
  }

  completeJoin(member: ClassicGroupMember, r: JoinResult): boolean {
    const cb = member.awaitingJoin;
    if (!cb) return false;
    member.awaitingJoin = null;
    this.numAwaitingJoin--;
    cb(r);
    return true;
  }

  completeSync(member: ClassicGroupMember, r: SyncResult): boolean {
    const cb = member.awaitingSync;
    if (!cb) return false;
    member.awaitingSync = null;
    cb(r);
    return true;
  }

  /** The group's rebalance timeout: the largest of its members'. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  // ---- protocols -----------------------------------------------------------------------------

  /** A member's protocols are acceptable if one of them is supported by every member. */
  supportsProtocols(memberProtocolType: string, memberProtocols: ReadonlySet<string>): boolean {
    if (this.is(EMPTY)) return memberProtocolType !== '' && memberProtocols.size > 0;
    if (this._protocolType !== memberProtocolType) return false;
    for (const name of memberProtocols) if ((this.supportedProtocols.get(name) ?? 0) === this.members.size) return true;
    return false;
  }

  /** Kafka's selectProtocol: among protocols every member supports, the one most preferred. */
  selectProtocol(): string {
    invariant(this.members.size > 0, () => `cannot select a protocol for empty group ${this.groupId}`);
    const candidates = new Set<string>();
    for (const [name, count] of this.supportedProtocols) if (count === this.members.size) candidates.add(name);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    let best: string | undefined;
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best!;
  }

  /** Next generation: Empty when nobody is left, else CompletingRebalance with a protocol. */
  initNextGeneration(): void {
    this._generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo(COMPLETING_REBALANCE);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo(EMPTY);
    }
    this.pendingSyncMembers.clear();
  }

  /**
   * The union of the members' subscriptions when the group runs the consumer protocol (each
   * member's metadata read as ConsumerProtocolSubscription v0, the prefix of every version);
   * null when unknown.
   */
  computeSubscribedTopics(): ReadonlySet<string> | null {
    if (this._protocolType !== CONSUMER_PROTOCOL_TYPE) return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    try {
      const topics = new Set<string>();
      for (const m of this.members.values()) {
        const r = new Reader(m.metadata(this.protocolName));
        r.int16();
        for (const t of decodeConsumerProtocolSubscription(r, 0).topics) topics.add(t);
      }
      return topics;
    } catch {
      return null;
    }
  }

  usesConsumerProtocol(): boolean {
    return this._protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  // ---- Group ---------------------------------------------------------------------------------

  validateMember(memberId: string, groupInstanceId: string | null): void {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID);
      if (existing !== memberId) throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID);
    }
    if (!this.members.has(memberId)) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID);
  }

  isStaticMemberFenced(groupInstanceId: string, memberId: string): boolean {
    const existing = this.staticMembers.get(groupInstanceId);
    return existing !== undefined && existing !== memberId;
  }

  validateOffsetCommit(memberId: string, groupInstanceId: string | null, generationId: number, isTransactional: boolean): void {
    if (this.is(DEAD)) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    // Generation -1 comes from the admin client or a consumer outside group management:
    // accepted while the group has no members.
    if (generationId < 0 && this.is(EMPTY)) return;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      this.validateMember(memberId, groupInstanceId);
      if (generationId !== this._generationId) throw new KafkaError(ErrorCode.ILLEGAL_GENERATION);
    } else if (!isTransactional && !this.is(EMPTY)) {
      throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    // The member has the new generation from its JoinGroup response but no assignment yet.
    if (!isTransactional && this.is(COMPLETING_REBALANCE)) throw new KafkaError(ErrorCode.REBALANCE_IN_PROGRESS);
  }

  validateOffsetFetch(): void {
    if (this.is(DEAD)) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${this.groupId} is in dead state.`);
  }

  validateOffsetDelete(): void {
    if (this.is(DEAD)) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${this.groupId} is in dead state.`);
    if ((this.is(STABLE) || this.is(PREPARING_REBALANCE) || this.is(COMPLETING_REBALANCE)) && !this.usesConsumerProtocol()) {
      throw new KafkaError(ErrorCode.NON_EMPTY_GROUP);
    }
  }

  validateDeleteGroup(): void {
    if (this.is(DEAD)) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${this.groupId} is in dead state.`);
    if (this.is(STABLE) || this.is(PREPARING_REBALANCE) || this.is(COMPLETING_REBALANCE)) throw new KafkaError(ErrorCode.NON_EMPTY_GROUP);
  }

  /** Unknown subscriptions count as subscribed for consumer groups (nothing is deleted by mistake). */
  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics ? this.subscribedTopics.has(topic) : this.usesConsumerProtocol();
  }

  offsetExpirationCondition(): OffsetExpirationCondition | undefined {
    if (this._protocolType === null || this._protocolType === '') {
      // A standalone consumer's group: offsets expire `retention` after their last commit.
      return expirationAfter((o) => o.commitTimestampMs);
    }
    if (this.is(EMPTY)) {
      // No members: `retention` after the group became empty (after the commit for old records).
      const since = this._currentStateTimestamp;
      return expirationAfter((o) => since ?? o.commitTimestampMs);
    }
    if (this.usesConsumerProtocol() && this.subscribedTopics !== null && this.is(STABLE)) {
      // Offsets of topics the members no longer subscribe to expire `retention` after the commit.
      return expirationAfter((o) => o.commitTimestampMs);
    }
    return undefined;
  }

  // ---- persistence (records built in classic-group-records.ts) --------------------------------

  /** Current assignments by member id. */
  assignments(): Map<string, Buffer> {
    return new Map(this.allMembers().map((m) => [m.memberId, m.assignment]));
  }

  /** Join response members for the leader (only once the group is past PreparingRebalance). */
  joinResponseMembers(): JoinResult['members'] {
    invariant(!this.is(DEAD) && !this.is(PREPARING_REBALANCE), () => `group ${this.groupId} in ${this._state} has no member list to hand out`);
    return this.allMembers().map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: this.protocolName === null ? EMPTY_ASSIGNMENT : m.metadata(this.protocolName),
    }));
  }

  private countProtocols(member: ClassicGroupMember, delta: 1 | -1): void {
    for (const p of member.protocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + delta);
  }
}

function fencedJoin(memberId: string): JoinResult {
  return {
    errorCode: ErrorCode.FENCED_INSTANCE_ID,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}
