/**
 * CreateTopics (key 19), v0-7.
 *
 * Behaviour (Kafka's ControllerApis.createTopics + ReplicationControlManager.createTopics):
 * - Each topic is checked as topic-creation.ts describes (name, configs, partitions, replicas),
 *   then created with its partition logs before the answer; validate_only (v1+) checks only.
 * - A name given twice is INVALID_REQUEST (listed once, after the other topics); creating
 *   __cluster_metadata is INVALID_REQUEST.
 * - More than 10000 partitions in one request fails every topic with POLICY_VIOLATION, and a
 *   timeout of 0 or less fails every topic with REQUEST_TIMED_OUT and creates nothing, as
 *   Kafka 4.4's controller does.
 * - num_partitions / replication_factor -1 take num.partitions / default.replication.factor
 *   (Kafka's clients send -1 only from v4; the broker accepts it at any version, as Kafka's).
 * Version notes: error_message from v1; v5+ returns the partition count, replication factor
 * and every config of the new topic (sorted by name, with source, read-only and sensitive
 * flags; sensitive values null); v7 the topic id.
 * Deviation: for validate_only Kafka 4.4 returns a random topic id that names nothing; this
 * broker returns the zero id.
 * Not implemented: CreateTopicPolicy (no policy plug-ins), controller mutation quotas.
 * Errors: TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION (illegal name, '.'/'_' collision),
 * INVALID_CONFIG, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT,
 * INVALID_REQUEST (duplicate name, __cluster_metadata, assignment with counts not -1),
 * POLICY_VIOLATION, REQUEST_TIMED_OUT.
 */
import type { TopicInfo } from '../../cluster/metadata-store';
import { describeTopicConfigs, resolveTopicConfig } from '../../config';
import { ErrorCode } from '../../protocol/error-codes';
import type {
  CreateTopicsRequest,
  CreateTopicsResponse,
  CreateTopicsResponseCreatableTopicConfigs,
  CreateTopicsResponseCreatableTopicResult,
} from '../../protocol/generated/create-topics';
import { toErrorCode } from '../../protocol/kafka-errors';
import { ZERO_UUID } from '../../protocol/primitives/tagged';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { MAX_PARTITIONS_PER_REQUEST } from './replica-placement';
import { planNewTopic } from './topic-creation';
import { CLUSTER_METADATA_TOPIC } from './topic-names';

type TopicResult = CreateTopicsResponseCreatableTopicResult;

export class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest, CreateTopicsResponse> {
  readonly apiKey = 19;
  readonly minVersion = 0;
  readonly maxVersion = 7;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: CreateTopicsRequest, ctx: RequestContext): Promise<CreateTopicsResponse> {
    const validateOnly = ctx.apiVersion >= 1 && req.validateOnly;
    if (req.timeoutMs <= 0) return allFailed(req, ErrorCode.REQUEST_TIMED_OUT, null);

    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const toCreate = req.topics.filter((t) => counts.get(t.name) === 1 && t.name !== CLUSTER_METADATA_TOPIC);

    const defaultPartitions = this.services.config().get('num.partitions');
    const total = toCreate.reduce(
      (n, t) => n + (t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? defaultPartitions : Math.max(t.numPartitions, 0)),
      0,
    );
    if (total > MAX_PARTITIONS_PER_REQUEST) {
      return allFailed(req, ErrorCode.POLICY_VIOLATION, `Excessively large number of partitions per request: ${total} asked, at most ${MAX_PARTITIONS_PER_REQUEST}.`);
    }

    const results: TopicResult[] = [];
    // One at a time: each creation sees the topics created before it (names, collisions).
    for (const t of toCreate) results.push(await this.createOne(t, validateOnly));
    for (const [name, n] of counts) {
      if (n > 1) results.push(failed(name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
    }
    if (counts.get(CLUSTER_METADATA_TOPIC) === 1) {
      results.push(failed(CLUSTER_METADATA_TOPIC, ErrorCode.INVALID_REQUEST, `Creation of internal topic ${CLUSTER_METADATA_TOPIC} is prohibited.`));
    }
    return { throttleTimeMs: 0, topics: results };
  }

  errorResponse(req: CreateTopicsRequest, errorCode: number): CreateTopicsResponse {
    return allFailed(req, errorCode, null);
  }

  private async createOne(t: CreateTopicsRequest['topics'][number], validateOnly: boolean): Promise<TopicResult> {
    const plan = planNewTopic(this.services, t);
    if (!plan.ok) return failed(t.name, plan.errorCode, plan.message);
    if (validateOnly) return this.created(plan.topic.name, ZERO_UUID, plan.topic.numPartitions, plan.topic.replicationFactor, plan.topic.configs);
    let topic: TopicInfo;
    try {
      topic = await this.services.topics.createTopic(plan.topic);
    } catch (e) {
      // A concurrent request may have taken the name between the check and the creation.
      if (this.services.metadata.topic(t.name)) return failed(t.name, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
      return failed(t.name, toErrorCode(e), (e as Error).message);
    }
    return this.created(topic.name, topic.topicId, topic.partitions.length, topic.partitions[0]?.replicas.length ?? 0, topic.configs);
  }

  private created(name: string, topicId: string, numPartitions: number, replicationFactor: number, overrides: Record<string, string>): TopicResult {
    const config = this.services.config();
    const configs: CreateTopicsResponseCreatableTopicConfigs[] = describeTopicConfigs(config, resolveTopicConfig(config, overrides))
      .map((c) => ({ name: c.name, value: c.isSensitive ? null : c.value, readOnly: c.readOnly, configSource: c.source, isSensitive: c.isSensitive }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { name, topicId, errorCode: ErrorCode.NONE, errorMessage: null, topicConfigErrorCode: ErrorCode.NONE, numPartitions, replicationFactor, configs };
  }
}

function failed(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return { name, topicId: ZERO_UUID, errorCode, errorMessage, topicConfigErrorCode: ErrorCode.NONE, numPartitions: -1, replicationFactor: -1, configs: [] };
}

/** Kafka's CreateTopicsRequest.getErrorResponse: every topic of the request with the error. */
function allFailed(req: CreateTopicsRequest, errorCode: number, message: string | null): CreateTopicsResponse {
  return { throttleTimeMs: 0, topics: req.topics.map((t) => failed(t.name, errorCode, message)) };
}
