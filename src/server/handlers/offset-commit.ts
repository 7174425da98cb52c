/**
 * OffsetCommit (key 8), v1-10.
 *
 * Behaviour (Kafka's KafkaApis.handleOffsetCommitRequest and OffsetMetadataManager.commitOffset):
 * topics and partitions that do not exist are answered UNKNOWN_TOPIC_OR_PARTITION (v10: an
 * unknown topic id is UNKNOWN_TOPIC_ID) and not committed; when nothing valid is left the group
 * is not even looked at. The rest goes to the group coordinator, which checks the member
 * (generation -1 with no member id: a commit from outside group management, accepted while the
 * group has no members, creating a "simple" group if needed) and writes one OffsetCommit record
 * per partition to __consumer_offsets, answering once they are appended. Metadata longer than
 * offset.metadata.max.bytes is OFFSET_METADATA_TOO_LARGE for that partition. Errors found
 * before the coordinator come first in the response, as Kafka's response builder puts them.
 * Version notes: v1 carries the generation, member id and a per-partition commit time; v2-v4 a
 * retention time (the offset expires at commit time + retention, whatever the group does);
 * v6 the leader epoch; v7 the static member's instance id; v9+ a commit for a group that does
 * not exist with a generation is GROUP_ID_NOT_FOUND (before: ILLEGAL_GENERATION); v10 names
 * topics by id.
 * v0 is not served: in Kafka it stored offsets in ZooKeeper, a store this broker does not have
 * (Kafka 4 dropped v0 and v1 — KIP-896; v1 is kept here as the coordinator can serve it).
 * Not implemented: authorization (no authorizer).
 * Errors: per partition UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID (v10), OFFSET_METADATA_TOO_LARGE,
 * ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS,
 * GROUP_ID_NOT_FOUND (v9+), COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR,
 * COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_SERVER_ERROR.
 */
import { groupRequestContext } from '../../coordinator/group/classic/classic-context';
import type { OffsetCommitInput } from '../../coordinator/group/offset-metadata-manager';
import type { TopicInfo } from '../../cluster/metadata-store';
import { ErrorCode } from '../../protocol/error-codes';
import type { OffsetCommitRequest, OffsetCommitResponse, OffsetCommitResponseOffsetCommitResponseTopic } from '../../protocol/generated/offset-commit';
import { ZERO_UUID } from '../../protocol/primitives/tagged';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

type ResponseTopic = OffsetCommitResponseOffsetCommitResponseTopic;

export class OffsetCommitHandler implements ApiHandler<OffsetCommitRequest, OffsetCommitResponse> {
  readonly apiKey = 8;
  readonly minVersion = 1;
  readonly maxVersion = 10;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: OffsetCommitRequest, ctx: RequestContext): Promise<OffsetCommitResponse> {
    const v = ctx.apiVersion;
    const byId = v >= 10;
    const response = new ResponseBuilder(byId);
    const valid: OffsetCommitInput['topics'] = [];
    for (const t of req.topics) {
      const info = byId ? (t.topicId === ZERO_UUID ? undefined : this.services.metadata.topicById(t.topicId)) : this.services.metadata.topic(t.name);
      if (!info) {
        for (const p of t.partitions) response.add(t.name, t.topicId, p.partitionIndex, byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        continue;
      }
      const partitions: OffsetCommitInput['topics'][number]['partitions'] = [];
      for (const p of t.partitions) {
        if (!hasPartition(info, p.partitionIndex)) {
          response.add(t.name, t.topicId, p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          continue;
        }
        partitions.push({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
          commitTimestamp: v === 1 ? Number(p.commitTimestamp) : -1,
          committedMetadata: p.committedMetadata,
        });
      }
      if (partitions.length > 0) valid.push({ name: info.name, topicId: info.topicId, partitions });
    }
    if (valid.length === 0) return response.build();

    const result = await this.services.groups.commitOffsets(groupRequestContext(ctx.clientId, ctx.connection.remoteAddress, v), {
      groupId: req.groupId,
      generationIdOrMemberEpoch: req.generationIdOrMemberEpoch,
      memberId: req.memberId,
      groupInstanceId: v >= 7 ? req.groupInstanceId : null,
      retentionTimeMs: v >= 2 && v <= 4 ? Number(req.retentionTimeMs) : -1,
      topics: valid,
    });
    const idOf = new Map(valid.map((t) => [t.name, t.topicId]));
    for (const t of result.topics) {
      const topicId = idOf.get(t.name) ?? ZERO_UUID;
      for (const p of t.partitions) response.add(byId ? '' : t.name, byId ? topicId : ZERO_UUID, p.partitionIndex, p.errorCode);
    }
    return response.build();
  }

  errorResponse(req: OffsetCommitRequest, errorCode: number): OffsetCommitResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    };
  }
}

function hasPartition(topic: TopicInfo, partition: number): boolean {
  return topic.partitions.some((p) => p.partition === partition);
}

/** Collects per-partition results by topic, in the order topics first appear (Kafka's Builder). */
class ResponseBuilder {
  private readonly topics = new Map<string, ResponseTopic>();

  constructor(private readonly byId: boolean) {}

  add(name: string, topicId: string, partitionIndex: number, errorCode: number): void {
    const key = this.byId ? topicId : name;
    let t = this.topics.get(key);
    if (!t) this.topics.set(key, (t = { name, topicId, partitions: [] }));
    t.partitions.push({ partitionIndex, errorCode });
  }

  build(): OffsetCommitResponse {
    return { throttleTimeMs: 0, topics: [...this.topics.values()] };
  }
}
