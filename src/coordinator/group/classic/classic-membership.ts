/**
 * SyncGroup, Heartbeat and LeaveGroup for classic groups, after Kafka's GroupMetadataManager.
 *
 *  - SyncGroup: followers park in CompletingRebalance; the leader's assignment is written as a
 *    GroupMetadata record and, once appended, every parked member gets its share and the group
 *    becomes Stable. In Stable a member gets its current assignment.
 *  - Heartbeat: keeps the session alive; REBALANCE_IN_PROGRESS tells a member to rejoin.
 *  - LeaveGroup: members leave by member id, or (admin removal) by group instance id with an
 *    empty member id; each gets its own error.
 */
import { ErrorCode } from '../../../protocol/error-codes';
import { KafkaError } from '../../../protocol/kafka-errors';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../../protocol/generated/leave-group';
import type { SyncGroupRequest } from '../../../protocol/generated/sync-group';
import { groupMetadataRecordOf } from './classic-group-records';
import { ClassicGroup } from './classic-group';
import { EMPTY_ASSIGNMENT, type SyncResult } from './classic-group-member';
import { ClassicGroupState } from './classic-group-state';
import { appendErrorCode, heartbeatKey, joinError, NO_RECORDS, syncError, type ClassicContext, type GroupResult } from './classic-context';
import type { ClassicRebalance } from './classic-rebalance';

const { EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE, DEAD } = ClassicGroupState;

export type SyncResponder = (r: SyncResult) => void;

export interface HeartbeatInput {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export type LeaveResult = Pick<LeaveGroupResponse, 'errorCode' | 'members'>;

export class ClassicMembership {
  constructor(
    private readonly ctx: ClassicContext,
    private readonly rebalance: ClassicRebalance,
  ) {}

  sync(req: SyncGroupRequest, respond: SyncResponder): GroupResult {
    const group = this.ctx.groups.get(req.groupId);
    if (!group || group.isEmpty() || !(group instanceof ClassicGroup)) {
      respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      return NO_RECORDS;
    }
    const error = this.validateSync(group, req);
    if (error !== ErrorCode.NONE) {
      respond(syncError(error));
      return NO_RECORDS;
    }
    const { memberId } = req;
    switch (group.state) {
      case PREPARING_REBALANCE:
        respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        return NO_RECORDS;
      case STABLE: {
        this.rebalance.removePendingSyncMember(group, memberId);
        respond({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: group.member(memberId)!.assignment });
        return NO_RECORDS;
      }
      case COMPLETING_REBALANCE:
        break;
      default:
        throw new Error(`SyncGroup reached group ${group.groupId} in state ${group.state}`);
    }
    group.member(memberId)!.awaitingSync = respond;
    this.rebalance.removePendingSyncMember(group, memberId);
    if (!group.isLeader(memberId)) return NO_RECORDS;

    // The leader's assignment: members it left out get an empty one.
    const assignment = new Map<string, Buffer>();
    for (const a of req.assignments) assignment.set(a.memberId, a.assignment);
    const missing = group.allMembers().filter((m) => !assignment.has(m.memberId)).map((m) => m.memberId);
    for (const id of missing) assignment.set(id, EMPTY_ASSIGNMENT);
    if (missing.length > 0) this.ctx.log.warn({ groupId: group.groupId, members: missing, generation: group.generationId }, 'leader gave no assignment to some members');
    this.ctx.log.info({ groupId: group.groupId, leader: memberId, generation: group.generationId, members: group.size, staticMembers: group.staticMemberCount() }, 'assignment received from the leader');
    const generationId = req.generationId;
    return {
      records: [groupMetadataRecordOf(group, assignment)],
      response: undefined,
      replay: false,
      onAppended: (e) => {
        // A join or leave while appending moved the group on: nothing to do then.
        if (!group.is(COMPLETING_REBALANCE) || generationId !== group.generationId) return;
        if (e !== undefined) {
          const code = appendErrorCode(e);
          this.rebalance.resetAndPropagateAssignmentWithError(group, code);
          this.rebalance.maybePrepareRebalanceOrCompleteJoin(group, `error ${code} storing the assignment of generation ${generationId}`);
          return;
        }
        this.rebalance.setAndPropagateAssignment(group, assignment);
        group.transitionTo(STABLE);
      },
    };
  }

  private validateSync(group: ClassicGroup, req: SyncGroupRequest): number {
    if (group.is(DEAD)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    try {
      group.validateMember(req.memberId, req.groupInstanceId);
    } catch (e) {
      return (e as KafkaError).errorCode;
    }
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (inconsistent(req.protocolType, group.protocolType) || inconsistent(req.protocolName, group.protocolName)) return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
    return ErrorCode.NONE;
  }

  /** Returns the heartbeat's error code (NONE when the member is fine). Throws for unknown groups. */
  heartbeat(req: HeartbeatInput): number {
    const group = this.ctx.groups.get(req.groupId);
    if (!(group instanceof ClassicGroup)) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Group ${req.groupId} not found.`);
    if (group.is(DEAD)) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    group.validateMember(req.memberId, req.groupInstanceId);
    if (req.generationId !== group.generationId) throw new KafkaError(ErrorCode.ILLEGAL_GENERATION);
    switch (group.state) {
      case EMPTY:
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case PREPARING_REBALANCE:
        this.rebalance.rescheduleHeartbeat(group, group.member(req.memberId)!);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      default:
        // CompletingRebalance: members may heartbeat between their JoinGroup and SyncGroup.
        this.rebalance.rescheduleHeartbeat(group, group.member(req.memberId)!);
        return ErrorCode.NONE;
    }
  }

  /** Throws UNKNOWN_MEMBER_ID when the group does not exist (the service answers per member). */
  leave(req: Pick<LeaveGroupRequest, 'groupId' | 'members'>): GroupResult<LeaveResult> {
    const group = this.ctx.groups.get(req.groupId);
    if (!(group instanceof ClassicGroup)) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Group ${req.groupId} not found.`);
    if (group.is(DEAD)) return { records: [], response: { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] } };
    const responses: LeaveResult['members'] = [];
    for (const m of req.members) {
      const reason = m.reason ?? 'not provided';
      const entry = { memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.NONE as number };
      if (m.memberId === '') {
        // Admin removal by instance id.
        const staticId = m.groupInstanceId !== null ? group.staticMemberId(m.groupInstanceId) : undefined;
        if (staticId !== undefined) this.removeCurrentMember(group, staticId, reason);
        else entry.errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
      } else if (group.isPendingMember(m.memberId)) {
        group.remove(m.memberId);
        this.ctx.timer.cancel(heartbeatKey(group.groupId, m.memberId));
        this.ctx.log.info({ groupId: group.groupId, memberId: m.memberId, reason }, 'pending member left the group');
      } else {
        try {
          group.validateMember(m.memberId, m.groupInstanceId);
          this.removeCurrentMember(group, m.memberId, reason);
        } catch (e) {
          if (!(e instanceof KafkaError)) throw e;
          entry.errorCode = e.errorCode;
        }
      }
      responses.push(entry);
    }
    const left = responses.filter((r) => r.errorCode === ErrorCode.NONE).map((r) => r.memberId);
    let result: GroupResult = NO_RECORDS;
    if (left.length > 0) {
      const reason = `explicit LeaveGroup request for (${left.join(', ')}) members`;
      if (group.is(STABLE) || group.is(COMPLETING_REBALANCE)) result = this.rebalance.maybePrepareRebalanceOrCompleteJoin(group, reason);
      else if (group.is(PREPARING_REBALANCE)) result = this.rebalance.maybeCompleteJoinPhase(group);
    }
    return { ...result, response: { errorCode: ErrorCode.NONE, members: responses } };
  }

  private removeCurrentMember(group: ClassicGroup, memberId: string, reason: string): void {
    const member = group.member(memberId)!;
    this.ctx.timer.cancel(heartbeatKey(group.groupId, memberId));
    this.ctx.log.info({ groupId: group.groupId, memberId, reason }, 'member left the group');
    // A parked JoinGroup of the member is answered so its client retries if still alive.
    group.completeJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(memberId);
  }
}

/** A protocol type/name in SyncGroup (v5+) that differs from the group's. */
function inconsistent(requested: string | null, current: string | null): boolean {
  return requested !== null && current !== null && requested !== current;
}
