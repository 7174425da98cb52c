/**
 * The rebalance machinery of classic groups, after Kafka's GroupMetadataManager: preparing a
 * rebalance, completing the join phase (new generation, protocol choice, join responses),
 * waiting for SyncGroup, and the three timers that drive it:
 *
 *  - heartbeat-<group>-<member>: the session timeout; a member that neither heartbeats nor is
 *    parked in a rebalance is removed. New members parked in JoinGroup use the 5-minute
 *    new-member join timeout instead.
 *  - join-<group>: the rebalance timeout; dynamic members that have not rejoined by then are
 *    removed and the join phase completes. For a new group's first rebalance it is the
 *    initial-rebalance delay, extended (by that delay, within the rebalance timeout) each time a
 *    member joins meanwhile (Kafka's InitialDelayedJoin).
 *  - sync-<group>: the rebalance timeout again; members that have not sent SyncGroup by then are
 *    removed and a new rebalance starts.
 *
 * Timer operations run through the shard's queue like requests.
 */
import { ErrorCode } from '../../../protocol/error-codes';
import { groupMetadataRecordOf } from './classic-group-records';
import { ClassicGroup } from './classic-group';
import { EMPTY_ASSIGNMENT, type ClassicGroupMember, type JoinResult } from './classic-group-member';
import { ClassicGroupState } from './classic-group-state';
import { heartbeatKey, joinError, joinKey, NO_RECORDS, syncKey, type ClassicContext, type GroupResult } from './classic-context';

const { EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE, DEAD } = ClassicGroupState;

export class ClassicRebalance {
  constructor(private readonly ctx: ClassicContext) {}

  /** The classic group `groupId`, if there is one. */
  classicGroup(groupId: string): ClassicGroup | undefined {
    const g = this.ctx.groups.get(groupId);
    return g instanceof ClassicGroup ? g : undefined;
  }

  // ---- join phase ----------------------------------------------------------------------------

  maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): GroupResult {
    return group.canRebalance() ? this.prepareRebalance(group, reason) : this.maybeCompleteJoinPhase(group);
  }

  /** Completes the join phase if every member rejoined (never during the delayed first rebalance). */
  maybeCompleteJoinPhase(group: ClassicGroup): GroupResult {
    if (!group.is(PREPARING_REBALANCE)) return NO_RECORDS;
    if (group.previousState === EMPTY) return NO_RECORDS;
    if (!group.hasAllMembersJoined()) return NO_RECORDS;
    return this.completeJoin(group);
  }

  prepareRebalance(group: ClassicGroup, reason: string): GroupResult {
    // Members waiting for their assignment must rejoin instead.
    if (group.is(COMPLETING_REBALANCE)) this.resetAndPropagateAssignmentWithError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.removeSyncExpiration(group);
    const isInitialRebalance = group.is(EMPTY);
    if (isInitialRebalance) {
      const delayMs = this.ctx.config().initialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      const groupId = group.groupId;
      this.ctx.timer.schedule(joinKey(groupId), delayMs, () => this.tryCompleteInitialRebalanceElseSchedule(groupId, delayMs, remainingMs));
    }
    group.transitionTo(PREPARING_REBALANCE);
    this.ctx.log.info({ groupId: group.groupId, generation: group.generationId, reason }, `preparing to rebalance group ${group.groupId}`);
    return isInitialRebalance ? NO_RECORDS : this.maybeCompleteJoinElseSchedule(group);
  }

  private maybeCompleteJoinElseSchedule(group: ClassicGroup): GroupResult {
    if (group.hasAllMembersJoined()) return this.completeJoin(group);
    const groupId = group.groupId;
    this.ctx.timer.schedule(joinKey(groupId), group.rebalanceTimeoutMs(), () => this.completeJoinById(groupId));
    return NO_RECORDS;
  }

  private tryCompleteInitialRebalanceElseSchedule(groupId: string, delayMs: number, remainingMs: number): GroupResult {
    const group = this.classicGroup(groupId);
    if (!group) return NO_RECORDS;
    if (group.newMemberAdded && remainingMs !== 0) {
      // A member joined during the delay: wait another delay, within the rebalance timeout.
      group.newMemberAdded = false;
      const initialDelay = this.ctx.config().initialRebalanceDelayMs;
      const newDelayMs = Math.min(initialDelay, remainingMs);
      const newRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.ctx.timer.schedule(joinKey(groupId), newDelayMs, () => this.tryCompleteInitialRebalanceElseSchedule(groupId, newDelayMs, newRemainingMs));
      return NO_RECORDS;
    }
    return this.completeJoin(group);
  }

  private completeJoinById(groupId: string): GroupResult {
    const group = this.classicGroup(groupId);
    return group ? this.completeJoin(group) : NO_RECORDS;
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are removed, the generation moves
   * on, and every parked JoinGroup is answered (the leader gets the member list). An empty
   * result is persisted at once; otherwise the group waits for SyncGroup.
   */
  completeJoin(group: ClassicGroup): GroupResult {
    const groupId = group.groupId;
    this.ctx.timer.cancel(joinKey(groupId));
    const notRejoined = group.notYetRejoinedMembers().filter((m) => !m.isStatic);
    for (const m of notRejoined) {
      group.remove(m.memberId);
      this.ctx.timer.cancel(heartbeatKey(groupId, m.memberId));
    }
    if (notRejoined.length > 0) {
      this.ctx.log.info({ groupId, members: notRejoined.map((m) => m.memberId) }, 'removed dynamic members that did not rejoin');
    }
    if (group.is(DEAD)) return NO_RECORDS;
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Nobody rejoined: wait another rebalance timeout for the session timeouts to clear them.
      this.ctx.log.warn({ groupId }, `group ${groupId} could not complete its rebalance: no member rejoined`);
      this.ctx.timer.schedule(joinKey(groupId), group.rebalanceTimeoutMs(), () => this.completeJoinById(groupId));
      return NO_RECORDS;
    }
    group.initNextGeneration();
    if (group.is(EMPTY)) {
      this.ctx.log.info({ groupId, generation: group.generationId }, `group ${groupId} is now empty`);
      return {
        records: [groupMetadataRecordOf(group, new Map())],
        response: undefined,
        replay: false,
        onAppended: (e) => {
          // The previous generation stays in the log; it has no live members, so this is safe.
          if (e !== undefined) this.ctx.log.warn({ err: e, groupId }, 'failed to write the empty group metadata');
        },
      };
    }
    this.ctx.log.info({ groupId, generation: group.generationId, members: group.size }, `group ${groupId} stabilizing generation ${group.generationId}`);
    for (const member of group.allMembers()) {
      const response: JoinResult = {
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leader ?? '',
        skipAssignment: false,
        memberId: member.memberId,
        members: group.isLeader(member.memberId) ? group.joinResponseMembers() : [],
      };
      group.completeJoin(member, response);
      this.rescheduleHeartbeat(group, member);
      member.isNew = false;
      group.addPendingSyncMember(member.memberId);
    }
    this.schedulePendingSync(group);
    return NO_RECORDS;
  }

  // ---- sync phase ----------------------------------------------------------------------------

  private schedulePendingSync(group: ClassicGroup): void {
    const { groupId, generationId } = group;
    this.ctx.timer.schedule(syncKey(groupId), group.rebalanceTimeoutMs(), () => this.expirePendingSync(groupId, generationId));
  }

  removeSyncExpiration(group: ClassicGroup): void {
    group.clearPendingSyncMembers();
    this.ctx.timer.cancel(syncKey(group.groupId));
  }

  /** A SyncGroup arrived from `memberId`: once everyone has synced, the sync timer stops. */
  removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.removePendingSyncMember(memberId);
    if (!(group.is(COMPLETING_REBALANCE) || group.is(STABLE)) || group.hasReceivedSyncFromAllMembers()) {
      this.ctx.timer.cancel(syncKey(group.groupId));
    }
  }

  private expirePendingSync(groupId: string, generationId: number): GroupResult {
    const group = this.classicGroup(groupId);
    if (!group || generationId !== group.generationId) return NO_RECORDS;
    if (!(group.is(COMPLETING_REBALANCE) || group.is(STABLE)) || group.hasReceivedSyncFromAllMembers()) return NO_RECORDS;
    const pending = group.pendingSyncMemberIds();
    for (const memberId of pending) {
      group.remove(memberId);
      this.ctx.timer.cancel(heartbeatKey(groupId, memberId));
    }
    return this.prepareRebalance(group, `removing ${pending.join(', ')} on pending sync request expiration`);
  }

  resetAndPropagateAssignmentWithError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.allMembers()) m.assignment = EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, errorCode);
  }

  setAndPropagateAssignment(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): void {
    for (const m of group.allMembers()) m.assignment = assignment.get(m.memberId) ?? EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, ErrorCode.NONE);
  }

  private propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const member of group.allMembers()) {
      const delivered = group.completeSync(member, {
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: member.assignment,
      });
      // Sessions restart once the assignment is out: an expiry during the sync wait was ignored.
      if (delivered) this.rescheduleHeartbeat(group, member);
    }
  }

  // ---- members -------------------------------------------------------------------------------

  rescheduleHeartbeat(group: ClassicGroup, member: ClassicGroupMember, timeoutMs = member.sessionTimeoutMs): void {
    const { groupId } = group;
    const { memberId } = member;
    this.ctx.timer.schedule(heartbeatKey(groupId, memberId), timeoutMs, () => this.expireHeartbeat(groupId, memberId));
  }

  /** Schedules the expiry of a pending (MEMBER_ID_REQUIRED) member. */
  schedulePendingMemberExpiry(group: ClassicGroup, memberId: string, timeoutMs: number): void {
    const { groupId } = group;
    this.ctx.timer.schedule(heartbeatKey(groupId, memberId), timeoutMs, () => this.expireHeartbeat(groupId, memberId));
  }

  private expireHeartbeat(groupId: string, memberId: string): GroupResult {
    const group = this.classicGroup(groupId);
    if (!group || group.is(DEAD)) return NO_RECORDS;
    if (group.isPendingMember(memberId)) {
      this.ctx.log.info({ groupId, memberId }, 'pending member removed after its session timeout');
      group.remove(memberId);
      return group.is(PREPARING_REBALANCE) && group.hasAllMembersJoined() ? this.completeJoin(group) : NO_RECORDS;
    }
    const member = group.member(memberId);
    if (!member || member.hasSatisfiedHeartbeat()) return NO_RECORDS;
    this.ctx.log.info({ groupId, memberId }, 'member failed its session timeout; removing it');
    return this.removeMemberAndUpdateGroup(group, member, `removing member ${memberId} on heartbeat expiration`);
  }

  /** Removes a member (answering its parked JoinGroup with UNKNOWN_MEMBER_ID) and rebalances. */
  removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicGroupMember, reason: string): GroupResult {
    group.completeJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    if (group.is(STABLE) || group.is(COMPLETING_REBALANCE)) return this.maybePrepareRebalanceOrCompleteJoin(group, reason);
    if (group.is(PREPARING_REBALANCE) && group.hasAllMembersJoined()) return this.completeJoin(group);
    return NO_RECORDS;
  }
}
