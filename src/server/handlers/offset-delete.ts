/**
 * OffsetDelete (key 47), v0.
 *
 * Behaviour (Kafka's KafkaApis.handleOffsetDeleteRequest and OffsetMetadataManager.deleteOffsets,
 * KIP-496): drops a group's committed offsets for partitions it no longer consumes, by writing
 * tombstones to __consumer_offsets. Unknown topics and partitions are
 * UNKNOWN_TOPIC_OR_PARTITION (and come first in the response, as Kafka's response builder
 * puts them). Offsets of a topic the group subscribes to are not deleted:
 * GROUP_SUBSCRIBED_TO_TOPIC for each of its partitions. A classic group that has members and
 * does not use the consumer protocol (so its subscriptions are unknown) refuses the whole
 * request with NON_EMPTY_GROUP. A group-level error replaces the whole response.
 * Not implemented: authorization (no authorizer).
 * Errors: top level INVALID_GROUP_ID (empty id), GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP,
 * COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_SERVER_ERROR;
 * per partition UNKNOWN_TOPIC_OR_PARTITION, GROUP_SUBSCRIBED_TO_TOPIC.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { OffsetDeleteRequest, OffsetDeleteResponse, OffsetDeleteResponseOffsetDeleteResponseTopic } from '../../protocol/generated/offset-delete';
import type { ApiHandler } from '../handler';
import type { BrokerServices } from '../services';

export class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse> {
  readonly apiKey = 47;
  readonly minVersion = 0;
  readonly maxVersion = 0;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    const invalid = new Map<string, OffsetDeleteResponseOffsetDeleteResponseTopic>();
    const addInvalid = (name: string, partitionIndex: number): void => {
      let t = invalid.get(name);
      if (!t) invalid.set(name, (t = { name, partitions: [] }));
      t.partitions.push({ partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    };
    const valid: Array<{ name: string; partitions: number[] }> = [];
    for (const t of req.topics) {
      const info = this.services.metadata.topic(t.name);
      const partitions: number[] = [];
      for (const p of t.partitions) {
        if (info && info.partitions.some((x) => x.partition === p.partitionIndex)) partitions.push(p.partitionIndex);
        else addInvalid(t.name, p.partitionIndex);
      }
      if (partitions.length > 0) valid.push({ name: t.name, partitions });
    }
    // The group is checked even when no partition is valid (as Kafka does).
    const r = await this.services.groups.deleteOffsets({ groupId: req.groupId, topics: valid });
    if (r.errorCode !== ErrorCode.NONE) return { errorCode: r.errorCode, throttleTimeMs: 0, topics: [] };
    const topics = [...invalid.values()];
    for (const t of r.topics) {
      const existing = invalid.get(t.name);
      if (existing) existing.partitions.push(...t.partitions);
      else topics.push({ name: t.name, partitions: t.partitions });
    }
    return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics };
  }

  errorResponse(_req: OffsetDeleteRequest, errorCode: number): OffsetDeleteResponse {
    return { errorCode, throttleTimeMs: 0, topics: [] };
  }
}
