/**
 * JoinGroup for classic groups, after Kafka's GroupMetadataManager.classicGroupJoin*:
 *
 *  - A member with no id gets one (`<clientId>-<uuid>`, `<instanceId>-<uuid>` for static
 *    members). From JoinGroup v4 a dynamic member is then answered MEMBER_ID_REQUIRED with that
 *    id and kept pending until it rejoins with it (KIP-394).
 *  - A static member rejoining with no id replaces its old member id (KIP-345). In a Stable
 *    group whose selected protocol would not change, it gets its assignment back without a
 *    rebalance (same generation); from v9 the static leader is told to skip the assignment.
 *  - Known members park until the join phase completes; followers of a Stable group rejoining
 *    with unchanged metadata get the current generation back at once.
 *
 * The response reaches the member through `respond` (parked joins answer later); the returned
 * result carries the records to append, if any.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../protocol/error-codes';
import { KafkaError } from '../../../protocol/kafka-errors';
import type { JoinGroupRequest } from '../../../protocol/generated/join-group';
import { emptyGroupMetadataRecordOf, groupMetadataRecordOf } from './classic-group-records';
import { ClassicGroup } from './classic-group';
import { ClassicGroupMember, type JoinResult } from './classic-group-member';
import { ClassicGroupState } from './classic-group-state';
import { appendErrorCode, heartbeatKey, joinError, NO_RECORDS, type ClassicContext, type GroupRequestContext, type GroupResult } from './classic-context';
import type { ClassicRebalance } from './classic-rebalance';

const { EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE, DEAD } = ClassicGroupState;

export type JoinResponder = (r: JoinResult) => void;

export class ClassicJoin {
  constructor(
    private readonly ctx: ClassicContext,
    private readonly rebalance: ClassicRebalance,
  ) {}

  join(rctx: GroupRequestContext, req: JoinGroupRequest, respond: JoinResponder): GroupResult {
    const { groupId, memberId } = req;
    const existing = this.ctx.groups.get(groupId);
    if (existing && !(existing instanceof ClassicGroup)) {
      respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      return NO_RECORDS;
    }
    const isUnknownMember = memberId === '';
    if (!existing && !isUnknownMember) {
      // A member id for a group that does not exist: the member must start over.
      respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      return NO_RECORDS;
    }
    const isNewGroup = !existing;
    const group = existing ?? new ClassicGroup(groupId, EMPTY, this.ctx.clock);
    if (isNewGroup) this.ctx.groups.set(groupId, group);

    let result: GroupResult;
    if (!this.acceptJoiningMember(group, memberId)) {
      group.remove(memberId);
      respond(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED));
      result = NO_RECORDS;
    } else if (isUnknownMember) {
      result = this.joinNewMember(rctx, req, group, respond);
    } else {
      result = this.joinExistingMember(rctx, req, group, respond);
    }

    if (isNewGroup && result.records.length === 0) {
      // Persist the new (empty) group so that it exists after a restart.
      return {
        records: [emptyGroupMetadataRecordOf(group)],
        response: undefined,
        replay: false,
        onAppended: (e) => {
          if (e === undefined) return;
          this.ctx.log.warn({ err: e, groupId }, 'failed to write the metadata of a new group');
          respond(joinError(appendErrorCode(e)));
          if (this.ctx.groups.get(groupId) === group && group.size === 0) this.ctx.groups.delete(groupId);
        },
      };
    }
    return result;
  }

  /** group.max.size, counted as Kafka does per state. */
  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const max = this.ctx.config().maxGroupSize;
    switch (group.state) {
      case EMPTY:
      case DEAD:
        return true;
      case PREPARING_REBALANCE:
        // Counting parked members lets the last ones to rejoin be the ones turned away when the
        // limit was lowered.
        return (group.member(memberId)?.isAwaitingJoin ?? false) || group.awaitingJoinCount < max;
      case COMPLETING_REBALANCE:
      case STABLE:
        return group.hasMember(memberId) || group.size < max;
    }
  }

  private joinNewMember(rctx: GroupRequestContext, req: JoinGroupRequest, group: ClassicGroup, respond: JoinResponder): GroupResult {
    if (group.is(DEAD)) {
      respond(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      return NO_RECORDS;
    }
    if (!group.supportsProtocols(req.protocolType, new Set(req.protocols.map((p) => p.name)))) {
      respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      return NO_RECORDS;
    }
    const newMemberId = `${req.groupInstanceId ?? rctx.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      const existingMemberId = group.staticMemberId(req.groupInstanceId);
      if (existingMemberId !== undefined) {
        this.ctx.log.info({ groupId: group.groupId, groupInstanceId: req.groupInstanceId, existingMemberId, newMemberId }, 'static member rejoins with a new member id');
        return this.updateStaticMemberThenRebalanceOrCompleteJoin(rctx, req, group, existingMemberId, newMemberId, respond);
      }
      return this.addMemberThenRebalanceOrCompleteJoin(rctx, req, group, newMemberId, respond);
    }
    if (rctx.apiVersion >= 4) {
      // KIP-394: the member must come back with this id; it is pending until then.
      group.addPendingMember(newMemberId);
      this.rebalance.schedulePendingMemberExpiry(group, newMemberId, req.sessionTimeoutMs);
      respond(joinError(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
      return NO_RECORDS;
    }
    return this.addMemberThenRebalanceOrCompleteJoin(rctx, req, group, newMemberId, respond);
  }

  private joinExistingMember(rctx: GroupRequestContext, req: JoinGroupRequest, group: ClassicGroup, respond: JoinResponder): GroupResult {
    const { memberId, groupInstanceId } = req;
    if (group.is(DEAD)) {
      respond(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId));
      return NO_RECORDS;
    }
    if (!group.supportsProtocols(req.protocolType, new Set(req.protocols.map((p) => p.name)))) {
      respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
      return NO_RECORDS;
    }
    if (group.isPendingMember(memberId)) {
      // The second join of KIP-394. (Pending members are always dynamic.)
      if (groupInstanceId !== null) throw new Error(`pending member ${memberId} rejoined with instance id ${groupInstanceId}`);
      return this.addMemberThenRebalanceOrCompleteJoin(rctx, req, group, memberId, respond);
    }
    try {
      group.validateMember(memberId, groupInstanceId);
    } catch (e) {
      respond(joinError((e as KafkaError).errorCode, memberId));
      return NO_RECORDS;
    }
    const member = group.member(memberId)!;
    const reason = req.reason || 'not provided';
    switch (group.state) {
      case PREPARING_REBALANCE:
        return this.updateMemberThenRebalanceOrCompleteJoin(req, group, member, `member ${memberId} is joining during a rebalance; client reason: ${reason}`, respond);
      case COMPLETING_REBALANCE:
        if (member.matches(req.protocols)) {
          // Same metadata (probably a lost JoinGroup response): the current generation again.
          respond(this.currentGeneration(group, memberId, group.isLeader(memberId)));
          return NO_RECORDS;
        }
        return this.updateMemberThenRebalanceOrCompleteJoin(req, group, member, `member ${memberId} updated its metadata; client reason: ${reason}`, respond);
      case STABLE:
        // The leader's JoinGroup always rebalances: it may have seen metadata changes (new
        // partitions) that do not show in member metadata.
        if (group.isLeader(memberId)) {
          return this.updateMemberThenRebalanceOrCompleteJoin(req, group, member, `leader ${memberId} rejoined; client reason: ${reason}`, respond);
        }
        if (!member.matches(req.protocols)) {
          return this.updateMemberThenRebalanceOrCompleteJoin(req, group, member, `member ${memberId} updated its metadata; client reason: ${reason}`, respond);
        }
        respond(this.currentGeneration(group, memberId, false));
        return NO_RECORDS;
      default:
        // Empty (or Dead): the member's generation is gone; it must start over.
        this.ctx.log.warn({ groupId: group.groupId, memberId, state: group.state }, 'rejoining member found the group in an unexpected state');
        respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
        return NO_RECORDS;
    }
  }

  private currentGeneration(group: ClassicGroup, memberId: string, withMembers: boolean): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leader ?? '',
      skipAssignment: false,
      memberId,
      members: withMembers ? group.joinResponseMembers() : [],
    };
  }

  private updateMemberThenRebalanceOrCompleteJoin(req: JoinGroupRequest, group: ClassicGroup, member: ClassicGroupMember, reason: string, respond: JoinResponder): GroupResult {
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond);
    return this.rebalance.maybePrepareRebalanceOrCompleteJoin(group, reason);
  }

  private addMemberThenRebalanceOrCompleteJoin(rctx: GroupRequestContext, req: JoinGroupRequest, group: ClassicGroup, memberId: string, respond: JoinResponder): GroupResult {
    const member = new ClassicGroupMember(
      memberId, req.groupInstanceId, rctx.clientId, rctx.clientHost, req.rebalanceTimeoutMs,
      req.sessionTimeoutMs, req.protocolType, req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
    );
    member.isNew = true;
    // A member joining during the delayed first rebalance extends the delay.
    if (group.is(PREPARING_REBALANCE) && group.previousState === EMPTY) group.newMemberAdded = true;
    group.add(member, respond);
    // Parked JoinGroups of new members cannot be detected as abandoned (the member has no id to
    // heartbeat with yet), so they expire after the new-member join timeout.
    this.rebalance.rescheduleHeartbeat(group, member, this.ctx.config().newMemberJoinTimeoutMs);
    return this.rebalance.maybePrepareRebalanceOrCompleteJoin(group, `adding new member ${memberId} with group instance id ${req.groupInstanceId}; client reason: ${req.reason || 'not provided'}`);
  }

  private updateStaticMemberThenRebalanceOrCompleteJoin(
    rctx: GroupRequestContext,
    req: JoinGroupRequest,
    group: ClassicGroup,
    oldMemberId: string,
    newMemberId: string,
    respond: JoinResponder,
  ): GroupResult {
    const instanceId = req.groupInstanceId!;
    const currentLeader = group.leader ?? '';
    const newMember = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.ctx.timer.cancel(heartbeatKey(group.groupId, oldMemberId));
    this.rebalance.rescheduleHeartbeat(group, newMember);
    const old = { protocols: newMember.protocols, rebalanceTimeoutMs: newMember.rebalanceTimeoutMs, sessionTimeoutMs: newMember.sessionTimeoutMs };
    group.updateMember(newMember, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond);

    if (group.is(STABLE)) {
      if ((group.protocolName ?? '') !== group.selectProtocol()) {
        return this.rebalance.maybePrepareRebalanceOrCompleteJoin(group, `static member ${newMemberId} (instance ${instanceId}) joined with a protocol change`);
      }
      // Same protocol: persist the new member id and hand back the current assignment, no rebalance.
      const assignment = group.assignments();
      return {
        records: [groupMetadataRecordOf(group, assignment)],
        response: undefined,
        replay: false,
        onAppended: (e) => {
          if (e !== undefined) {
            this.ctx.log.warn({ err: e, groupId: group.groupId, newMemberId, oldMemberId }, 'failed to persist a static member replacement; reverting');
            group.updateMember(newMember, old.protocols, old.rebalanceTimeoutMs, old.sessionTimeoutMs, null);
            const reverted = group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
            this.rebalance.rescheduleHeartbeat(group, reverted);
            respond({
              errorCode: appendErrorCode(e),
              generationId: group.generationId,
              protocolType: group.protocolType,
              protocolName: group.protocolName,
              leader: currentLeader,
              skipAssignment: false,
              memberId: '',
              members: [],
            });
            return;
          }
          if (rctx.apiVersion >= 9) {
            // KIP-814: the static leader learns it leads (to keep watching metadata) but must
            // not compute an assignment the Stable group would ignore.
            const isLeader = group.isLeader(newMemberId);
            group.completeJoin(newMember, { ...this.currentGeneration(group, newMemberId, isLeader), skipAssignment: isLeader });
          } else {
            // Older clients are given the old leader id so that they never think they lead.
            group.completeJoin(newMember, { ...this.currentGeneration(group, newMemberId, false), leader: currentLeader });
          }
        },
      };
    }
    if (group.is(COMPLETING_REBALANCE)) {
      // The leader may already be assigning with the old member id: rebalance again.
      return this.rebalance.prepareRebalance(group, `static member ${newMemberId} (instance ${instanceId}) rejoined during CompletingRebalance`);
    }
    return this.rebalance.maybeCompleteJoinPhase(group);
  }
}
