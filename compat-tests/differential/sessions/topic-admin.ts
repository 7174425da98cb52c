/**
 * Topic administration at every tested version: CreateTopics (success, duplicates, validation
 * errors, validate-only, broker defaults, explicit assignments, configs), DeleteTopics (by name,
 * by id, unknown) and CreatePartitions (grow, shrink, validate-only, bad assignments).
 */
import type { Session, Step } from '../lib/session';
import { ApiKey, awaitTopics, saveCreated, setupTopics, topicIdOf, UNKNOWN_TOPIC_ID } from './support';

function createTopicsSteps(env: Parameters<Session['build']>[0]): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.CreateTopics)) {
    const base = { api: ApiKey.CreateTopics, version: v };
    const ok = env.name(`ct-ok-v${v}`);
    const topic = (name: string, extra: Record<string, unknown> = {}) => ({ name, numPartitions: 3, replicationFactor: 1, ...extra });
    const create = (title: string, topics: Array<Record<string, unknown>>, validateOnly = false): Step => ({
      ...base,
      title,
      request: () => ({ topics, timeoutMs: 10_000, validateOnly }),
      save: validateOnly ? undefined : saveCreated,
    });
    steps.push(create('create a topic with 3 partitions', [topic(ok)]));
    steps.push(awaitTopics(env, [ok]));
    steps.push(create('create it again', [topic(ok)]));
    if (v >= 1) steps.push(create('validate only', [topic(env.name(`ct-validate-v${v}`))], true));
    steps.push(create('zero partitions', [topic(env.name(`ct-zero-v${v}`), { numPartitions: 0 })]));
    steps.push(create('replication factor 3 on one broker', [topic(env.name(`ct-rf3-v${v}`), { replicationFactor: 3 })]));
    if (v >= 4) steps.push(create('broker defaults (-1, -1)', [topic(env.name(`ct-defaults-v${v}`), { numPartitions: -1, replicationFactor: -1 })]));
    steps.push(create('invalid config value', [topic(env.name(`ct-badcfg-v${v}`), { configs: [{ name: 'retention.ms', value: 'soon' }] })]));
    steps.push(create('unknown config key', [topic(env.name(`ct-unkcfg-v${v}`), { configs: [{ name: 'no.such.config', value: '1' }] })]));
    steps.push(create('invalid topic name', [topic('bad name!')]));
    steps.push(create('topic name of 250 characters', [topic(`ct-long-${'x'.repeat(242)}`)]));
    steps.push(create('topic named ".."', [topic('..')]));
    steps.push(
      create('with configs', [
        topic(env.name(`ct-cfg-v${v}`), { numPartitions: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: '3600000' }] }),
      ]),
    );
    steps.push(
      create('explicit replica assignment', [
        topic(env.name(`ct-assign-v${v}`), { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 1, brokerIds: [1] }] }),
      ]),
    );
    steps.push(create('assignment naming an unknown broker', [topic(env.name(`ct-badassign-v${v}`), { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [99] }] })]));
    steps.push(create('same name twice in one request', [topic(env.name(`ct-twice-v${v}`)), topic(env.name(`ct-twice-v${v}`))]));
  }
  return steps;
}

function deleteTopicsSteps(env: Parameters<Session['build']>[0]): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.DeleteTopics)) {
    const base = { api: ApiKey.DeleteTopics, version: v };
    const byName = env.name(`dt-name-v${v}`);
    const byId = env.name(`dt-id-v${v}`);
    const missing = env.name(`dt-missing-v${v}`);
    steps.push(...setupTopics(env, [{ name: byName }, { name: byId }]));
    const names = (ns: string[]) => (v >= 6 ? { topics: ns.map((name) => ({ name })) } : { topicNames: ns });
    steps.push({
      ...base,
      title: 'delete a topic by name',
      request: () => ({ ...names([byName]), timeoutMs: 10_000 }),
      save: (body: { responses: Array<{ errorCode: number }> }, ctx) => ctx.set(`deleted:${byName}`, body.responses[0]?.errorCode === 0 ? true : undefined),
    });
    steps.push({
      api: ApiKey.Metadata,
      version: env.common(ApiKey.Metadata, 'max'),
      title: 'metadata of the deleted topic',
      request: (ctx) => (ctx.get(`deleted:${byName}`), { topics: [{ name: byName }], allowAutoTopicCreation: false }),
      until: (body: { topics: Array<{ errorCode: number }> }) => body.topics[0]?.errorCode !== 0,
      attempts: 25,
    });
    steps.push({ ...base, title: 'delete an unknown topic', request: () => ({ ...names([missing]), timeoutMs: 10_000 }) });
    if (v >= 6) {
      steps.push({ ...base, title: 'delete a topic by id', request: (ctx) => ({ topics: [{ name: null, topicId: topicIdOf(ctx, byId) }], timeoutMs: 10_000 }) });
      steps.push({ ...base, title: 'delete an unknown topic id', request: () => ({ topics: [{ name: null, topicId: UNKNOWN_TOPIC_ID }], timeoutMs: 10_000 }) });
    } else {
      steps.push({ ...base, title: 'delete the second topic by name', request: () => ({ topicNames: [byId], timeoutMs: 10_000 }) });
    }
  }
  return steps;
}

function createPartitionsSteps(env: Parameters<Session['build']>[0]): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.CreatePartitions)) {
    const base = { api: ApiKey.CreatePartitions, version: v };
    const t = env.name(`cp-v${v}`);
    steps.push(...setupTopics(env, [{ name: t }]));
    const grow = (title: string, count: number, extra: Record<string, unknown> = {}, validateOnly = false, name = t): Step => ({
      ...base,
      title,
      request: () => ({ topics: [{ name, count, assignments: null, ...extra }], timeoutMs: 10_000, validateOnly }),
    });
    steps.push(grow('grow 1 → 3 partitions', 3));
    steps.push({
      api: ApiKey.Metadata,
      version: env.common(ApiKey.Metadata, 'max'),
      title: 'metadata after growing',
      request: () => ({ topics: [{ name: t }], allowAutoTopicCreation: false }),
      until: (body: { topics: Array<{ partitions: unknown[] }> }) => body.topics[0]?.partitions.length === 3,
      attempts: 25,
    });
    steps.push(grow('shrink to 2', 2));
    steps.push(grow('same count (3)', 3));
    steps.push(grow('validate only, to 5', 5, {}, true));
    steps.push(grow('unknown topic', 2, {}, false, env.name(`cp-missing-v${v}`)));
    steps.push(grow('assignments of the wrong length', 5, { assignments: [{ brokerIds: [1] }] }));
    steps.push(grow('assignment naming an unknown broker', 4, { assignments: [{ brokerIds: [99] }] }));
    steps.push({
      ...base,
      title: 'same topic twice in one request',
      request: () => ({ topics: [{ name: t, count: 6, assignments: null }, { name: t, count: 7, assignments: null }], timeoutMs: 10_000, validateOnly: false }),
    });
  }
  return steps;
}

export const topicAdminSession: Session = {
  name: 'topic-admin',
  description: 'CreateTopics, DeleteTopics, CreatePartitions: success and error paths',
  build(env) {
    return [...createTopicsSteps(env), ...deleteTopicsSteps(env), ...createPartitionsSteps(env)];
  },
};
