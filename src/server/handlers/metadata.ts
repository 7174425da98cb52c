/**
 * Metadata (key 3), v0-13.
 *
 * Behaviour (Kafka's KafkaApis.handleTopicMetadataRequest with KRaftMetadataCache):
 * - Brokers: every live broker with an endpoint for the listener the request came in on,
 *   with that endpoint; partitions whose leader lacks the listener have no leader.
 * - Topics: null (v1+), or an empty list at v0, means every topic. Topics asked for by id
 *   (v12+) are looked up by id and the names in the request are then ignored, as in Kafka.
 * - A missing topic is UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION when its name is
 *   illegal), unless auto-creation applies: `auto.create.topics.enable` and the request's
 *   allowAutoTopicCreation (always true before v4), never for "all topics". The topic is then
 *   created (num.partitions, default.replication.factor; the coordinators' own settings for
 *   __consumer_offsets and __transaction_state) and answered with UNKNOWN_TOPIC_OR_PARTITION,
 *   as Kafka 4.x in KRaft mode does, so the client retries and sees it with its leaders.
 *   Concurrent requests for the same topic share one creation and get the same answer.
 * - A partition led here whose log is not created yet (the topic was just created by another
 *   request) is LEADER_NOT_AVAILABLE with leader -1, so clients retry rather than produce to a
 *   partition that cannot take writes yet.
 * - Authorized operations (v8+): when asked, every operation the resource type supports (there
 *   is no authorizer); INT32_MIN when not asked. The cluster's only up to v10.
 * - isInternal is true for __consumer_offsets, __transaction_state and __share_group_state.
 * Version notes: v0 filters replicas without the listener and answers REPLICA_NOT_AVAILABLE
 * for them; v6+ answers LISTENER_NOT_FOUND instead of LEADER_NOT_AVAILABLE when the leader
 * lacks the listener. Kafka 4.4 rejects a null name or a topic id before v12 with
 * INVALID_REQUEST for the whole request, and so does this broker (topic-id lookups are served
 * from v12). When some topics are given by id, the entries with neither name nor id are
 * ignored, as in Kafka; when none is, such an entry is INVALID_REQUEST (Kafka 4.4 fails with
 * UNKNOWN_SERVER_ERROR there).
 * The share-group state topic and __cluster_metadata are never auto-created
 * (UNKNOWN_TOPIC_OR_PARTITION).
 * Not implemented: fenced brokers (single node).
 * Errors: topic UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID (v12+, unknown id),
 * INVALID_TOPIC_EXCEPTION, UNKNOWN_TOPIC_OR_PARTITION (also while being auto-created), INVALID_REPLICATION_FACTOR
 * (auto-creation with more replicas than brokers), INVALID_CONFIG; partition
 * LEADER_NOT_AVAILABLE, LISTENER_NOT_FOUND, REPLICA_NOT_AVAILABLE; whole request
 * INVALID_REQUEST.
 */
import type { TopicInfo } from '../../cluster/metadata-store';
import { ErrorCode } from '../../protocol/error-codes';
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponseMetadataResponsePartition,
  MetadataResponseMetadataResponseTopic,
} from '../../protocol/generated/metadata';
import { KafkaError, toErrorCode } from '../../protocol/kafka-errors';
import { ZERO_UUID } from '../../protocol/primitives/tagged';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS, TOPIC_OPERATIONS } from './authorized-operations';
import { brokersOnListener, localLeaderReady, partitionView } from './partition-view';
import { autoCreateSpec, planNewTopic } from './topic-creation';
import { isInternalTopic, isValidTopicName } from './topic-names';

type TopicResult = MetadataResponseMetadataResponseTopic;

export class MetadataHandler implements ApiHandler<MetadataRequest, MetadataResponse> {
  readonly apiKey = 3;
  readonly minVersion = 0;
  readonly maxVersion = 13;
  /** Auto-creations in progress, by topic name: concurrent requests wait for the same one. */
  private readonly creating = new Map<string, Promise<TopicResult>>();

  constructor(private readonly services: BrokerServices) {}

  async handle(req: MetadataRequest, ctx: RequestContext): Promise<MetadataResponse> {
    const v = ctx.apiVersion;
    const { metadata } = this.services;
    const config = this.services.config();
    for (const t of req.topics ?? []) {
      if (v < 12 && t.name === null) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Metadata v${v} needs a topic name`);
      if (v < 12 && t.topicId !== ZERO_UUID) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Metadata v${v} cannot look topics up by id`);
    }

    const allTopics = req.topics === null || (v === 0 && req.topics.length === 0);
    const ids = [...new Set((req.topics ?? []).map((t) => t.topicId).filter((id) => id !== ZERO_UUID))];
    const byId = ids.length > 0;

    const unknownIdResults: TopicResult[] = [];
    let names: string[];
    if (allTopics) {
      names = metadata.topics().map((t) => t.name).sort();
    } else if (byId) {
      names = [];
      for (const id of ids) {
        const t = metadata.topicById(id);
        if (t) names.push(t.name);
        else unknownIdResults.push(topicResult(ErrorCode.UNKNOWN_TOPIC_ID, null, id, false));
      }
      names = [...new Set(names)];
    } else {
      if ((req.topics ?? []).some((t) => t.name === null)) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'A topic needs a name or an id.');
      names = [...new Set((req.topics ?? []).map((t) => t.name as string))];
    }

    const listener = ctx.connection.listenerName;
    const reachable = brokersOnListener(metadata, listener);
    const registered = new Set(metadata.brokers().map((b) => b.nodeId));
    const viewOpts = { filterUnavailableReplicas: v === 0, listenerNotFoundError: v >= 6 };

    const found: TopicResult[] = [];
    const missing: string[] = [];
    for (const name of names) {
      const t = metadata.topic(name);
      // A topic this handler is still auto-creating is answered as the creation will be.
      if (!t || this.creating.has(name)) {
        missing.push(name);
        continue;
      }
      const opts = { ...viewOpts, leaderReady: localLeaderReady(this.services, name) };
      const partitions: MetadataResponseMetadataResponsePartition[] = [...t.partitions]
        .sort((a, b) => a.partition - b.partition)
        .map((p) => partitionView(p, registered, reachable, opts));
      found.push({ ...topicResult(ErrorCode.NONE, t.name, t.topicId, isInternal(t)), partitions });
    }

    const autoCreate = !allTopics && req.allowAutoTopicCreation && config.get('auto.create.topics.enable');
    const missingResults = await Promise.all(
      missing.map((name) =>
        autoCreate || this.creating.has(name) ? this.autoCreate(name) : topicResult(missingTopicError(name), name, ZERO_UUID, isInternalTopic(name)),
      ),
    );

    const described = [...found, ...missingResults];
    if (v >= 8 && req.includeTopicAuthorizedOperations) for (const t of described) t.topicAuthorizedOperations = TOPIC_OPERATIONS;
    return {
      throttleTimeMs: 0,
      brokers: [...reachable.values()],
      clusterId: metadata.clusterId,
      controllerId: metadata.controllerId,
      topics: [...unknownIdResults, ...described],
      clusterAuthorizedOperations: v >= 8 && v <= 10 && req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
      errorCode: ErrorCode.NONE,
    };
  }

  /** Kafka's MetadataRequest.getErrorResponse: every requested topic with the error, no brokers. */
  errorResponse(req: MetadataRequest, errorCode: number): MetadataResponse {
    return {
      throttleTimeMs: 0,
      brokers: [],
      clusterId: null,
      controllerId: -1,
      topics: (req.topics ?? []).map((t) => topicResult(errorCode, t.name ?? '', t.topicId, false)),
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      errorCode: ErrorCode.NONE,
    };
  }

  private autoCreate(name: string): Promise<TopicResult> {
    let pending = this.creating.get(name);
    if (!pending) {
      pending = this.createMissing(name).finally(() => this.creating.delete(name));
      this.creating.set(name, pending);
    }
    // Each request gets its own copy: authorized operations are filled in per request.
    return pending.then((r) => ({ ...r }));
  }

  private async createMissing(name: string): Promise<TopicResult> {
    const internal = isInternalTopic(name);
    if (!isValidTopicName(name)) return topicResult(ErrorCode.INVALID_TOPIC_EXCEPTION, name, ZERO_UUID, internal);
    const spec = autoCreateSpec(name, this.services.config());
    if (!spec) return topicResult(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, ZERO_UUID, internal);
    const plan = planNewTopic(this.services, spec);
    if (!plan.ok) {
      // Created meanwhile by someone else: it exists, the client will see it on retry.
      const code = plan.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS ? AUTO_CREATED : plan.errorCode;
      return topicResult(code, name, ZERO_UUID, internal);
    }
    try {
      await this.services.topics.createTopic(plan.topic);
    } catch (e) {
      if (this.services.metadata.topic(name)) return topicResult(AUTO_CREATED, name, ZERO_UUID, internal);
      return topicResult(toErrorCode(e), name, ZERO_UUID, internal);
    }
    return topicResult(AUTO_CREATED, name, ZERO_UUID, internal);
  }
}

/**
 * What Kafka 4.x (KRaft) answers for a topic whose auto-creation this request started:
 * UNKNOWN_TOPIC_OR_PARTITION (KafkaApis / AutoTopicCreationManager), which clients retry.
 */
const AUTO_CREATED = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;

function isInternal(t: TopicInfo): boolean {
  return t.internal || isInternalTopic(t.name);
}

function missingTopicError(name: string): number {
  return isValidTopicName(name) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION;
}

function topicResult(errorCode: number, name: string | null, topicId: string, isInternalTopicFlag: boolean): TopicResult {
  return {
    errorCode,
    name,
    topicId,
    isInternal: isInternalTopicFlag,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}
