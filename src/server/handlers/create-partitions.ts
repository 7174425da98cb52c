/**
 * CreatePartitions (key 37), v0-3.
 *
 * Behaviour (Kafka's ControllerApis.createPartitions + ReplicationControlManager):
 * - A topic's partition count can only grow: the same count or fewer is INVALID_PARTITIONS.
 * - New partitions get the replica count of the topic's partition 0: either placed by the
 *   broker or from the request's assignments, which must give exactly one replica list per
 *   new partition, of registered brokers, each once (INVALID_REPLICA_ASSIGNMENT).
 * - validate_only checks without changing anything. Otherwise the new partitions' logs exist
 *   before the answer.
 * - A topic named twice is INVALID_REQUEST (listed first, once); a timeout of 0 or less fails
 *   every topic with REQUEST_TIMED_OUT; more than 10000 new partitions in one request fails
 *   every topic with POLICY_VIOLATION.
 * - Internal topics can be grown, as in Kafka (which does not protect them either; growing
 *   __consumer_offsets moves groups to other partitions).
 * Version notes: none beyond flexible encoding (v2+); v3 is v2's layout.
 * Errors: UNKNOWN_TOPIC_OR_PARTITION (no message, as Kafka), INVALID_PARTITIONS,
 * INVALID_REPLICA_ASSIGNMENT, INVALID_REPLICATION_FACTOR, INVALID_REQUEST, POLICY_VIOLATION,
 * REQUEST_TIMED_OUT.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type {
  CreatePartitionsRequest,
  CreatePartitionsRequestCreatePartitionsTopic,
  CreatePartitionsResponse,
  CreatePartitionsResponseCreatePartitionsTopicResult,
} from '../../protocol/generated/create-partitions';
import { toErrorCode } from '../../protocol/kafka-errors';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { MAX_PARTITIONS_PER_REQUEST, manualAssignmentError, placeReplicas, replicationFactorError } from './replica-placement';

type TopicResult = CreatePartitionsResponseCreatePartitionsTopicResult;

export class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> {
  readonly apiKey = 37;
  readonly minVersion = 0;
  readonly maxVersion = 3;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: CreatePartitionsRequest, _ctx: RequestContext): Promise<CreatePartitionsResponse> {
    if (req.timeoutMs <= 0) return this.errorResponse(req, ErrorCode.REQUEST_TIMED_OUT);
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);

    const results: TopicResult[] = [];
    for (const [name, n] of counts) if (n > 1) results.push(result(name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
    const unique = req.topics.filter((t) => counts.get(t.name) === 1);

    const added = unique.reduce((sum, t) => {
      const current = this.services.metadata.topic(t.name)?.partitions.length ?? t.count;
      return sum + Math.max(t.count - current, 0);
    }, 0);
    if (added > MAX_PARTITIONS_PER_REQUEST) {
      const message = `Excessively large number of partitions per request: ${added} asked, at most ${MAX_PARTITIONS_PER_REQUEST}.`;
      return { throttleTimeMs: 0, results: req.topics.map((t) => result(t.name, ErrorCode.POLICY_VIOLATION, message)) };
    }
    for (const t of unique) results.push(await this.grow(t, req.validateOnly));
    return { throttleTimeMs: 0, results };
  }

  errorResponse(req: CreatePartitionsRequest, errorCode: number): CreatePartitionsResponse {
    return { throttleTimeMs: 0, results: req.topics.map((t) => result(t.name, errorCode, null)) };
  }

  private async grow(t: CreatePartitionsRequestCreatePartitionsTopic, validateOnly: boolean): Promise<TopicResult> {
    const { metadata } = this.services;
    const topic = metadata.topic(t.name);
    if (!topic) return result(t.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
    const current = topic.partitions.length;
    if (t.count === current) return result(t.name, ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
    if (t.count < current) {
      return result(t.name, ErrorCode.INVALID_PARTITIONS, `Topic ${t.name} has ${current} partition(s); ${t.count} would not be an increase.`);
    }
    const additional = t.count - current;
    const registered = new Set(metadata.brokers().map((b) => b.nodeId));
    const replicationFactor = topic.partitions.find((p) => p.partition === 0)?.replicas.length ?? 1;

    let assignments: number[][];
    if (t.assignments !== null) {
      if (t.assignments.length !== additional) {
        return result(
          t.name,
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `${additional} partition(s) would be added, but ${t.assignments.length} assignment(s) were given.`,
        );
      }
      for (const a of t.assignments) {
        const error = manualAssignmentError(a.brokerIds, registered, replicationFactor);
        if (error !== null) return result(t.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, error);
      }
      assignments = t.assignments.map((a) => [...a.brokerIds]);
    } else {
      const error = replicationFactorError(replicationFactor, registered.size);
      if (error !== null) return result(t.name, ErrorCode.INVALID_REPLICATION_FACTOR, error);
      assignments = placeReplicas([...registered], current, additional, replicationFactor);
    }
    if (validateOnly) return result(t.name, ErrorCode.NONE, null);
    try {
      await this.services.topics.createPartitions(t.name, t.count, assignments);
    } catch (e) {
      const now = metadata.topic(t.name);
      if (!now) return result(t.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
      // A concurrent request grew the topic first.
      if (now.partitions.length >= t.count) {
        return result(t.name, ErrorCode.INVALID_PARTITIONS, `Topic ${t.name} has ${now.partitions.length} partition(s); ${t.count} would not be an increase.`);
      }
      return result(t.name, toErrorCode(e), (e as Error).message);
    }
    return result(t.name, ErrorCode.NONE, null);
  }
}

function result(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return { name, errorCode, errorMessage };
}
