/**
 * DeleteTopics (key 20), v0-6.
 *
 * Behaviour (Kafka's ControllerApis.deleteTopics):
 * - Topics are named (v0-5 topic_names; v6 name or id per entry). A topic's metadata and its
 *   partition logs are removed before the answer; clients that still use it then get
 *   UNKNOWN_TOPIC_OR_PARTITION (by name) or UNKNOWN_TOPIC_ID (by id) from every API.
 * - With delete.topic.enable=false every topic fails: INVALID_REQUEST before v3 (the code
 *   older clients know), TOPIC_DELETION_DISABLED from v3.
 * - A timeout of 0 or less fails every topic with REQUEST_TIMED_OUT and deletes nothing
 *   (Kafka 4.4's controller does the same).
 * - v6 entries: neither name nor id, or both, are INVALID_REQUEST; a name or id given twice is
 *   INVALID_REQUEST once; a name naming a topic also given by id is INVALID_REQUEST.
 * - Results come in request order (Kafka shuffles them so that positions reveal nothing about
 *   topics the caller may not see; without an authorizer there is nothing to hide).
 * Deviation: the internal topics (__consumer_offsets, __transaction_state,
 * __share_group_state) are refused with POLICY_VIOLATION. Kafka 4.4's broker deletes them
 * (its coordinators resign the partitions); this broker's coordinators keep their state in
 * them and would lose it, so a refusal is safer than a silent loss of every group's offsets.
 * Version notes: error_message from v5; topic ids from v6.
 * Not implemented: controller mutation quotas.
 * Errors: UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, INVALID_REQUEST, TOPIC_DELETION_DISABLED,
 * POLICY_VIOLATION (internal topic), REQUEST_TIMED_OUT.
 */
import { ERRORS, ErrorCode } from '../../protocol/error-codes';
import type { DeleteTopicsRequest, DeleteTopicsResponse, DeleteTopicsResponseDeletableTopicResult } from '../../protocol/generated/delete-topics';
import { KafkaError, toErrorCode } from '../../protocol/kafka-errors';
import { ZERO_UUID } from '../../protocol/primitives/tagged';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { isInternalTopic } from './topic-names';

type TopicResult = DeleteTopicsResponseDeletableTopicResult;

interface Entry {
  name: string | null;
  topicId: string;
}

/** One answer to give: already known, or a deletion to perform; dropped ones get no answer. */
interface Slot {
  result?: TopicResult;
  toDelete?: { name: string; topicId: string };
  dropped?: boolean;
}

export class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> {
  readonly apiKey = 20;
  readonly minVersion = 0;
  readonly maxVersion = 6;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: DeleteTopicsRequest, ctx: RequestContext): Promise<DeleteTopicsResponse> {
    const v = ctx.apiVersion;
    if (!this.services.config().get('delete.topic.enable')) {
      throw new KafkaError(v < 3 ? ErrorCode.INVALID_REQUEST : ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled (delete.topic.enable=false).');
    }
    if (req.timeoutMs <= 0) throw new KafkaError(ErrorCode.REQUEST_TIMED_OUT, 'The request timed out before the deletion started.');

    const entries = requestedEntries(req, v);
    const nameCount = new Map<string, number>();
    const idCount = new Map<string, number>();
    for (const e of entries) {
      if (e.name !== null && e.topicId === ZERO_UUID) nameCount.set(e.name, (nameCount.get(e.name) ?? 0) + 1);
      if (e.name === null && e.topicId !== ZERO_UUID) idCount.set(e.topicId, (idCount.get(e.topicId) ?? 0) + 1);
    }

    // Everything is resolved before anything is deleted, as Kafka's controller does.
    const slots: Slot[] = [];
    const byId = new Map<string, Slot>();
    for (const e of entries) {
      if (e.name === null && e.topicId === ZERO_UUID) {
        slots.push({ result: result(null, ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Neither a topic name nor a topic id was given.') });
      } else if (e.name !== null && e.topicId !== ZERO_UUID) {
        slots.push({ result: result(e.name, e.topicId, ErrorCode.INVALID_REQUEST, 'Give either a topic name or a topic id, not both.') });
      } else if (e.name === null) {
        if (byId.has(e.topicId)) continue;
        const slot: Slot =
          idCount.get(e.topicId)! > 1
            ? { result: result(null, e.topicId, ErrorCode.INVALID_REQUEST, 'Duplicate topic id.') }
            : this.resolveId(e.topicId);
        byId.set(e.topicId, slot);
        slots.push(slot);
      }
    }
    const byName = new Set<string>();
    for (const e of entries) {
      if (e.name === null || e.topicId !== ZERO_UUID || byName.has(e.name)) continue;
      byName.add(e.name);
      if (nameCount.get(e.name)! > 1) {
        slots.push({ result: result(e.name, ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.') });
        continue;
      }
      const topic = this.services.metadata.topic(e.name);
      if (!topic) {
        slots.push({ result: result(e.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ERRORS.get(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)!.message) });
        continue;
      }
      const sameTopic = byId.get(topic.topicId);
      if (sameTopic) {
        // Named twice, once by id: neither is deleted, and only the name is answered (Kafka).
        sameTopic.dropped = true;
        slots.push({ result: result(e.name, topic.topicId, ErrorCode.INVALID_REQUEST, 'The topic name maps to a topic id that the request also gives.') });
        continue;
      }
      slots.push({ toDelete: { name: topic.name, topicId: topic.topicId } });
    }

    const results: TopicResult[] = [];
    for (const slot of slots) {
      if (slot.dropped) continue;
      results.push(slot.result ?? (await this.deleteOne(slot.toDelete!.name, slot.toDelete!.topicId)));
    }
    return { throttleTimeMs: 0, responses: results };
  }

  /** Kafka's DeleteTopicsRequest.getErrorResponse: every requested topic with the error. */
  errorResponse(req: DeleteTopicsRequest, errorCode: number, ctx: RequestContext): DeleteTopicsResponse {
    return {
      throttleTimeMs: 0,
      responses: requestedEntries(req, ctx.apiVersion).map((e) => result(e.name, e.topicId, errorCode, null)),
    };
  }

  private resolveId(topicId: string): Slot {
    const topic = this.services.metadata.topicById(topicId);
    if (!topic) return { result: result(null, topicId, ErrorCode.UNKNOWN_TOPIC_ID, ERRORS.get(ErrorCode.UNKNOWN_TOPIC_ID)!.message) };
    return { toDelete: { name: topic.name, topicId } };
  }

  private async deleteOne(name: string, topicId: string): Promise<TopicResult> {
    if (isInternalTopic(name)) {
      return result(name, topicId, ErrorCode.POLICY_VIOLATION, `Topic ${name} is internal to the broker and cannot be deleted.`);
    }
    try {
      await this.services.topics.deleteTopic(name);
    } catch (e) {
      // Deleted meanwhile by a concurrent request.
      if (!this.services.metadata.topic(name)) return result(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ERRORS.get(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)!.message);
      return result(name, topicId, toErrorCode(e), (e as Error).message);
    }
    return result(name, topicId, ErrorCode.NONE, null);
  }
}

function requestedEntries(req: DeleteTopicsRequest, v: number): Entry[] {
  return v >= 6 ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
}

function result(name: string | null, topicId: string, errorCode: number, errorMessage: string | null): TopicResult {
  return { name, topicId, errorCode, errorMessage };
}
