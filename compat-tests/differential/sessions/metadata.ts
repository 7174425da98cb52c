/**
 * Metadata at every tested version: named topics, all topics, unknown topics with and without
 * auto-creation, invalid names, lookups by topic id (v10+), authorized-operations bits (v8+).
 */
import type { Session, Step } from '../lib/session';
import { ApiKey, onlyTopics, setupTopics, topicIdOf, UNKNOWN_TOPIC_ID } from './support';

export const metadataSession: Session = {
  name: 'metadata',
  description: 'Metadata for named, all, unknown, auto-created and invalid topics, by name and by id',
  build(env) {
    const a = env.name('md-a');
    const b = env.name('md-b');
    const steps: Step[] = [...setupTopics(env, [{ name: a, partitions: 2 }, { name: b }])];
    for (const v of env.versions(ApiKey.Metadata)) {
      const base = { api: ApiKey.Metadata, version: v };
      steps.push({ ...base, title: 'two named topics', request: () => ({ topics: [{ name: a }, { name: b }], allowAutoTopicCreation: false }) });
      steps.push({
        ...base,
        title: 'all topics (only this session\'s two are compared)',
        request: () => ({ topics: v === 0 ? [] : null, allowAutoTopicCreation: false }),
        normalise: onlyTopics([a, b]),
      });
      if (v >= 4) {
        steps.push({
          ...base,
          title: 'unknown topic, auto-creation not allowed',
          request: () => ({ topics: [{ name: env.name(`md-missing-v${v}`) }], allowAutoTopicCreation: false }),
        });
      }
      const auto = env.name(`md-auto-v${v}`);
      steps.push({
        ...base,
        title: v < 4 ? 'unknown topic (v0-3 always ask for auto-creation)' : 'unknown topic, auto-creation allowed',
        request: () => ({ topics: [{ name: auto }], allowAutoTopicCreation: true }),
      });
      steps.push({
        ...base,
        title: 'the auto-created topic, once it is ready',
        request: () => ({ topics: [{ name: auto }], allowAutoTopicCreation: false }),
        until: (body: { topics: Array<{ errorCode: number; partitions: Array<{ leaderId: number }> }> }) =>
          body.topics[0]?.errorCode === 0 && body.topics[0].partitions.every((p) => p.leaderId >= 0),
        attempts: 25,
      });
      steps.push({
        ...base,
        title: 'invalid topic name "bad name!"',
        request: () => ({ topics: [{ name: 'bad name!' }], allowAutoTopicCreation: true }),
      });
      if (v >= 8) {
        steps.push({
          ...base,
          title: 'authorized operations requested',
          request: () => ({ topics: [{ name: a }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: v <= 10, includeTopicAuthorizedOperations: true }),
        });
      }
      if (v >= 10) {
        steps.push({ ...base, title: 'topic by id', request: (ctx) => ({ topics: [{ topicId: topicIdOf(ctx, a), name: null }], allowAutoTopicCreation: false }) });
        steps.push({ ...base, title: 'unknown topic id', request: () => ({ topics: [{ topicId: UNKNOWN_TOPIC_ID, name: null }], allowAutoTopicCreation: false }) });
      }
    }
    return steps;
  },
};
