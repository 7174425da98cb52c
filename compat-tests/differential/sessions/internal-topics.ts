/**
 * The broker's internal topic __consumer_offsets, as clients see it once groups exist: Metadata
 * (isInternal, partitions), its configs, and what clients may not do to it (produce, create,
 * add partitions; the last two validate-only). Played after the group sessions, which make Kafka
 * create it. DeleteTopics is not tried: Kafka's controller has no check that refuses it, and the
 * reference broker may be shared (REFERENCE_BOOTSTRAP).
 */
import type { Session, Step } from '../lib/session';
import { ApiKey, batchOf, produceBody, ResourceType } from './support';

const OFFSETS = '__consumer_offsets';

export const internalTopicsSession: Session = {
  name: 'internal-topics',
  description: '__consumer_offsets in Metadata and DescribeConfigs; produce, create and grow refused',
  build(env) {
    const mv = env.common(ApiKey.Metadata, 'max');
    const pv = env.common(ApiKey.Produce, 'max');
    const steps: Step[] = [
      { api: ApiKey.Metadata, version: mv, title: '__consumer_offsets', request: () => ({ topics: [{ name: OFFSETS }], allowAutoTopicCreation: false }) },
      {
        api: ApiKey.DescribeConfigs,
        version: env.common(ApiKey.DescribeConfigs, 'max'),
        title: 'configs of __consumer_offsets',
        request: () => ({ resources: [{ resourceType: ResourceType.TOPIC, resourceName: OFFSETS, configurationKeys: ['cleanup.policy', 'compression.type', 'segment.bytes', 'retention.ms'] }], includeSynonyms: false }),
      },
      {
        api: ApiKey.Produce,
        version: pv,
        title: 'produce to __consumer_offsets',
        // Produce v13 names topics by id; take this side's id of __consumer_offsets from Metadata.
        request: (ctx) => produceBody(ctx, pv, OFFSETS, batchOf(1, { prefix: 'internal' })),
      },
      {
        api: ApiKey.CreateTopics,
        version: env.common(ApiKey.CreateTopics, 'max'),
        title: 'create __consumer_offsets',
        request: () => ({ topics: [{ name: OFFSETS, numPartitions: 1, replicationFactor: 1 }], timeoutMs: 10_000, validateOnly: true }),
      },
      {
        api: ApiKey.CreatePartitions,
        version: env.common(ApiKey.CreatePartitions, 'max'),
        title: 'add partitions to __consumer_offsets (validate only)',
        request: () => ({ topics: [{ name: OFFSETS, count: 3, assignments: null }], timeoutMs: 10_000, validateOnly: true }),
      },
    ];
    // The Produce step needs the topic id on v13+: learn it first (not compared).
    steps.splice(2, 0, {
      api: ApiKey.Metadata,
      version: mv,
      title: 'learn the id of __consumer_offsets',
      compare: false,
      request: () => ({ topics: [{ name: OFFSETS }], allowAutoTopicCreation: false }),
      save: (b: { topics: Array<{ name: string; topicId: string; errorCode: number }> }, ctx) => {
        const t = b.topics[0];
        if (t?.errorCode === 0) ctx.set(`topicId:${OFFSETS}`, t.topicId);
      },
    });
    return steps;
  },
};
