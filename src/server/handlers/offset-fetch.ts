/**
 * OffsetFetch (key 9), v1-10.
 *
 * Behaviour (Kafka's KafkaApis.handleOffsetFetchRequest and OffsetMetadataManager.fetchOffsets):
 * the committed offset, leader epoch and metadata of each asked partition; -1 and empty metadata
 * where nothing is committed (also for unknown topics and groups: not an error). A null topic
 * list means every partition the group has an offset for. With require_stable, partitions with
 * pending transactional offset commits answer UNSTABLE_OFFSET_COMMIT (the client retries).
 * Version notes: v2+ a null topic list (all partitions) and a top-level error (before, the
 * group's error is put on every partition, as Kafka's OffsetFetchResponse does); v5+ leader
 * epochs; v7+ require_stable; v8+ several groups per request, each with its own error; v9 member
 * id and epoch (KIP-848; ignored for classic groups); v10 topics named by id (an unknown id is
 * UNKNOWN_TOPIC_ID; offsets of a topic that no longer exists are left out of an all-partitions
 * answer, having no id).
 * v0 is not served: in Kafka it read offsets from ZooKeeper, a store this broker does not have
 * (Kafka 4 dropped it — KIP-896).
 * Not implemented: authorization (no authorizer).
 * Errors: group COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
 * UNKNOWN_SERVER_ERROR; partition UNSTABLE_OFFSET_COMMIT, UNKNOWN_TOPIC_ID (v10).
 */
import type { FetchedOffset, OffsetFetchGroupOutput } from '../../coordinator/group/offset-metadata-manager';
import { ErrorCode } from '../../protocol/error-codes';
import type {
  OffsetFetchRequest,
  OffsetFetchRequestOffsetFetchRequestGroup,
  OffsetFetchResponse,
  OffsetFetchResponseOffsetFetchResponseGroup,
  OffsetFetchResponseOffsetFetchResponseTopics,
} from '../../protocol/generated/offset-fetch';
import { ZERO_UUID } from '../../protocol/primitives/tagged';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

type GroupOut = OffsetFetchResponseOffsetFetchResponseGroup;

export class OffsetFetchHandler implements ApiHandler<OffsetFetchRequest, OffsetFetchResponse> {
  readonly apiKey = 9;
  readonly minVersion = 1;
  readonly maxVersion = 10;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: OffsetFetchRequest, ctx: RequestContext): Promise<OffsetFetchResponse> {
    const v = ctx.apiVersion;
    const requireStable = v >= 7 && req.requireStable;
    if (v >= 8) {
      const groups = await Promise.all(req.groups.map((g) => this.fetchGroup(g, requireStable, v >= 10)));
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups };
    }
    const topics = req.topics === null ? null : req.topics.map((t) => ({ name: t.name, topicId: ZERO_UUID, partitionIndexes: t.partitionIndexes }));
    const g = await this.fetchGroup({ groupId: req.groupId, memberId: null, memberEpoch: -1, topics }, requireStable, false);
    // Before v2 there is no top-level error: the group's error goes on every partition.
    if (v < 2 && g.errorCode !== ErrorCode.NONE) return this.errorResponse(req, g.errorCode, ctx);
    return {
      throttleTimeMs: 0,
      errorCode: v >= 2 ? g.errorCode : ErrorCode.NONE,
      groups: [],
      topics: g.topics.map((t) => ({ name: t.name, partitions: t.partitions })),
    };
  }

  errorResponse(req: OffsetFetchRequest, errorCode: number, ctx: RequestContext): OffsetFetchResponse {
    if (ctx.apiVersion >= 8) {
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups: req.groups.map((g) => ({ groupId: g.groupId, topics: [], errorCode })) };
    }
    const topics = ctx.apiVersion < 2 ? (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => noOffset(p, errorCode)) })) : [];
    return { throttleTimeMs: 0, topics, errorCode: ctx.apiVersion >= 2 ? errorCode : ErrorCode.NONE, groups: [] };
  }

  /** One group's answer; `byId`: topics are named by id (v10) in the request and the response. */
  private async fetchGroup(g: OffsetFetchRequestOffsetFetchRequestGroup, requireStable: boolean, byId: boolean): Promise<GroupOut> {
    const metadata = this.services.metadata;
    if (g.topics === null) {
      const r = await this.services.groups.fetchOffsets({ groupId: g.groupId, memberId: g.memberId, memberEpoch: g.memberEpoch, topics: null }, requireStable);
      if (!byId) return { groupId: r.groupId, errorCode: r.errorCode, topics: r.topics.map((t) => ({ name: t.name, topicId: ZERO_UUID, partitions: t.partitions })) };
      const topics: OffsetFetchResponseOffsetFetchResponseTopics[] = [];
      for (const t of r.topics) {
        const info = metadata.topic(t.name);
        if (info) topics.push({ name: '', topicId: info.topicId, partitions: t.partitions });
      }
      return { groupId: r.groupId, errorCode: r.errorCode, topics };
    }
    // Resolve topic ids; unknown ones are answered here and not asked for.
    const wanted = g.topics.map((t) => {
      const name = byId ? (t.topicId === ZERO_UUID ? undefined : metadata.topicById(t.topicId)?.name) : t.name;
      return { name, topicId: t.topicId, partitionIndexes: t.partitionIndexes };
    });
    const known = wanted.filter((t): t is typeof t & { name: string } => t.name !== undefined);
    const r: OffsetFetchGroupOutput =
      known.length > 0 || !byId
        ? await this.services.groups.fetchOffsets({ groupId: g.groupId, memberId: g.memberId, memberEpoch: g.memberEpoch, topics: known.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes })) }, requireStable)
        : { groupId: g.groupId, errorCode: ErrorCode.NONE, topics: [] };
    if (r.errorCode !== ErrorCode.NONE) return { groupId: g.groupId, errorCode: r.errorCode, topics: [] };
    let next = 0;
    const topics = wanted.map((t) => {
      if (t.name === undefined) return { name: '', topicId: t.topicId, partitions: t.partitionIndexes.map((p) => noOffset(p, ErrorCode.UNKNOWN_TOPIC_ID)) };
      const fetched = r.topics[next++]!;
      return byId ? { name: '', topicId: t.topicId, partitions: fetched.partitions } : { name: fetched.name, topicId: ZERO_UUID, partitions: fetched.partitions };
    });
    return { groupId: g.groupId, errorCode: ErrorCode.NONE, topics };
  }
}

function noOffset(partitionIndex: number, errorCode: number): FetchedOffset {
  return { partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode };
}
