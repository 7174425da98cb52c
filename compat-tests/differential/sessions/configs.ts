/**
 * Configuration APIs at every tested version: DescribeConfigs (topic and broker, all keys or
 * chosen ones, synonyms, documentation, unknown resources), AlterConfigs and
 * IncrementalAlterConfigs (set, delete, append, subtract, validate-only, invalid values, unknown
 * keys and resources), each change read back with DescribeConfigs.
 *
 * Broker changes use `log.cleaner.backoff.ms`, which both brokers treat as dynamic and which no
 * other session depends on; read-only keys are only tried with validateOnly.
 */
import type { Session, SessionEnv, Step } from '../lib/session';
import { ApiKey, ResourceType, setupTopics } from './support';

const TOPIC_KEYS = ['retention.ms', 'cleanup.policy', 'min.insync.replicas', 'max.message.bytes', 'segment.bytes', 'message.timestamp.type', 'compression.type'];
const BROKER_KEYS = [
  'num.partitions', 'auto.create.topics.enable', 'message.max.bytes', 'default.replication.factor', 'log.segment.bytes',
  'log.retention.hours', 'log.retention.ms', 'offsets.topic.replication.factor', 'group.initial.rebalance.delay.ms',
  'min.insync.replicas', 'compression.type', 'log.cleaner.backoff.ms', 'node.id', 'broker.id',
];

type DescribeBody = { results: Array<{ configs: Array<{ name: string; documentation?: string | null }> }> };

/** Documentation is prose (compare presence, not text). */
function withoutDocText(body: DescribeBody): unknown {
  return {
    ...body,
    results: body.results.map((r) => ({ ...r, configs: r.configs.map((c) => ({ ...c, documentation: c.documentation == null ? c.documentation : '<text>' })) })),
  };
}

/** For "all keys" answers: only which keys are listed (values differ with paths, ports, ids). */
function keyNamesOnly(body: DescribeBody): unknown {
  return { ...body, results: body.results.map((r) => ({ ...r, configs: Object.fromEntries(r.configs.map((c) => [c.name, 'listed'])) })) };
}

function describe(env: SessionEnv, v: number, title: string, resources: Array<Record<string, unknown>>, extra: Partial<Step> = {}): Step {
  return {
    api: ApiKey.DescribeConfigs,
    version: v,
    title,
    request: () => ({ resources, includeSynonyms: v >= 1, includeDocumentation: v >= 3 }),
    normalise: withoutDocText,
    ...extra,
  };
}

function describeSteps(env: SessionEnv, topic: string): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.DescribeConfigs)) {
    const t = { resourceType: ResourceType.TOPIC, resourceName: topic };
    steps.push(describe(env, v, 'topic, all keys', [{ ...t, configurationKeys: null }]));
    steps.push(describe(env, v, 'topic, chosen keys', [{ ...t, configurationKeys: TOPIC_KEYS }]));
    steps.push(describe(env, v, 'topic, an unknown key', [{ ...t, configurationKeys: ['no.such.config'] }]));
    steps.push(describe(env, v, 'unknown topic', [{ resourceType: ResourceType.TOPIC, resourceName: env.name('cfg-missing'), configurationKeys: null }]));
    steps.push(describe(env, v, 'broker 1, chosen keys', [{ resourceType: ResourceType.BROKER, resourceName: '1', configurationKeys: BROKER_KEYS }]));
    steps.push(describe(env, v, 'broker 1, all keys (names only)', [{ resourceType: ResourceType.BROKER, resourceName: '1', configurationKeys: null }], { normalise: keyNamesOnly }));
    steps.push(describe(env, v, 'cluster-wide broker defaults (empty name)', [{ resourceType: ResourceType.BROKER, resourceName: '', configurationKeys: null }], { normalise: keyNamesOnly }));
    steps.push(describe(env, v, 'another broker id (2)', [{ resourceType: ResourceType.BROKER, resourceName: '2', configurationKeys: ['num.partitions'] }]));
    steps.push(
      describe(env, v, 'broker logger of broker 1', [{ resourceType: ResourceType.BROKER_LOGGER, resourceName: '1', configurationKeys: ['root'] }], {
        // Log levels are each broker's own set-up; compare the shape of the answer.
        normalise: (body: DescribeBody) => ({ ...body, results: body.results.map((r) => ({ ...r, configs: r.configs.map((c) => ({ ...c, value: '<level>', documentation: null })) })) }),
      }),
    );
    steps.push(describe(env, v, 'group config resource', [{ resourceType: ResourceType.GROUP, resourceName: env.name('cfg-group'), configurationKeys: null }]));
    steps.push(describe(env, v, 'unknown resource type 99', [{ resourceType: 99, resourceName: 'x', configurationKeys: null }]));
    steps.push(
      describe(env, v, 'topic and broker in one request', [
        { ...t, configurationKeys: ['retention.ms'] },
        { resourceType: ResourceType.BROKER, resourceName: '1', configurationKeys: ['num.partitions'] },
      ]),
    );
  }
  return steps;
}

/**
 * DescribeConfigs after a change. Kafka applies config changes through its metadata log, so a
 * read right after the answer may not see them yet: with `expect`, read again until the value
 * is there (up to 5 s), as an admin client polling for it would.
 */
function readBack(env: SessionEnv, title: string, resourceType: number, resourceName: string, keys: string[], expect?: Record<string, string>): Step {
  const until = expect
    ? (body: { results: Array<{ configs: Array<{ name: string; value: string | null }> }> }) =>
        Object.entries(expect).every(([k, want]) => body.results[0]?.configs.find((c) => c.name === k)?.value === want)
    : undefined;
  return describe(env, env.common(ApiKey.DescribeConfigs, 'max'), title, [{ resourceType, resourceName, configurationKeys: keys }], { until, attempts: 25 });
}

function alterSteps(env: SessionEnv): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.AlterConfigs)) {
    const topic = env.name(`cfg-alter-v${v}`);
    steps.push(...setupTopics(env, [{ name: topic, configs: { 'retention.ms': '3600000' } }]));
    const alter = (title: string, resources: Array<Record<string, unknown>>, validateOnly = false): Step => ({
      api: ApiKey.AlterConfigs,
      version: v,
      title,
      request: () => ({ resources, validateOnly }),
    });
    const t = (configs: Array<{ name: string; value: string | null }>) => ({ resourceType: ResourceType.TOPIC, resourceName: topic, configs });
    steps.push(alter('topic: replace overrides', [t([{ name: 'retention.ms', value: '7200000' }, { name: 'cleanup.policy', value: 'compact' }])]));
    steps.push(readBack(env, 'topic after AlterConfigs', ResourceType.TOPIC, topic, TOPIC_KEYS, { 'retention.ms': '7200000', 'cleanup.policy': 'compact' }));
    steps.push(alter('topic: validate only', [t([{ name: 'retention.ms', value: '1000' }])], true));
    steps.push(alter('topic: invalid value', [t([{ name: 'retention.ms', value: 'soon' }])]));
    steps.push(alter('topic: unknown key', [t([{ name: 'no.such.config', value: '1' }])]));
    steps.push(alter('unknown topic', [{ resourceType: ResourceType.TOPIC, resourceName: env.name('cfg-missing'), configs: [{ name: 'retention.ms', value: '1000' }] }]));
    steps.push(alter('broker 1: dynamic key', [{ resourceType: ResourceType.BROKER, resourceName: '1', configs: [{ name: 'log.cleaner.backoff.ms', value: '16000' }] }]));
    steps.push(readBack(env, 'broker 1 after AlterConfigs', ResourceType.BROKER, '1', ['log.cleaner.backoff.ms'], { 'log.cleaner.backoff.ms': '16000' }));
    steps.push(alter('broker 1: read-only key, validate only', [{ resourceType: ResourceType.BROKER, resourceName: '1', configs: [{ name: 'log.dirs', value: '/tmp/x' }] }], true));
    steps.push(alter('broker 1: clear dynamic keys', [{ resourceType: ResourceType.BROKER, resourceName: '1', configs: [] }]));
    steps.push(alter('unknown resource type 99', [{ resourceType: 99, resourceName: 'x', configs: [] }]));
  }
  return steps;
}

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

function incrementalSteps(env: SessionEnv): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.IncrementalAlterConfigs)) {
    const topic = env.name(`cfg-incr-v${v}`);
    steps.push(...setupTopics(env, [{ name: topic, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'delete' } }]));
    const alter = (title: string, resources: Array<Record<string, unknown>>, validateOnly = false): Step => ({
      api: ApiKey.IncrementalAlterConfigs,
      version: v,
      title,
      request: () => ({ resources, validateOnly }),
    });
    const t = (configs: Array<{ name: string; configOperation: number; value: string | null }>) => ({ resourceType: ResourceType.TOPIC, resourceName: topic, configs });
    steps.push(alter('topic: set', [t([{ name: 'retention.ms', configOperation: SET, value: '1800000' }])]));
    steps.push(alter('topic: append to a list', [t([{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }])]));
    steps.push(readBack(env, 'topic after set and append', ResourceType.TOPIC, topic, TOPIC_KEYS, { 'retention.ms': '1800000', 'cleanup.policy': 'delete,compact' }));
    steps.push(alter('topic: subtract from a list', [t([{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }])]));
    steps.push(alter('topic: delete an override', [t([{ name: 'retention.ms', configOperation: DELETE, value: null }])]));
    steps.push(readBack(env, 'topic after subtract and delete', ResourceType.TOPIC, topic, TOPIC_KEYS, { 'retention.ms': '604800000', 'cleanup.policy': 'compact' }));
    steps.push(alter('topic: append to a non-list key', [t([{ name: 'retention.ms', configOperation: APPEND, value: '5' }])]));
    steps.push(alter('topic: invalid value', [t([{ name: 'retention.ms', configOperation: SET, value: 'soon' }])]));
    steps.push(alter('topic: unknown key', [t([{ name: 'no.such.config', configOperation: SET, value: '1' }])]));
    steps.push(alter('topic: unknown operation 7', [t([{ name: 'retention.ms', configOperation: 7, value: '1' }])]));
    steps.push(alter('topic: same key twice', [t([{ name: 'retention.ms', configOperation: SET, value: '1' }, { name: 'retention.ms', configOperation: SET, value: '2' }])]));
    steps.push(alter('topic: validate only', [t([{ name: 'retention.ms', configOperation: SET, value: '1000' }])], true));
    steps.push(alter('unknown topic', [{ resourceType: ResourceType.TOPIC, resourceName: env.name('cfg-missing'), configs: [{ name: 'retention.ms', configOperation: SET, value: '1' }] }]));
    const broker = (name: string, op: number, value: string | null) => ({ resourceType: ResourceType.BROKER, resourceName: name, configs: [{ name: 'log.cleaner.backoff.ms', configOperation: op, value }] });
    steps.push(alter('broker 1: set a dynamic key', [broker('1', SET, '17000')]));
    steps.push(alter('cluster default: set a dynamic key', [broker('', SET, '18000')]));
    steps.push(readBack(env, 'cluster defaults after IncrementalAlterConfigs', ResourceType.BROKER, '', ['log.cleaner.backoff.ms'], { 'log.cleaner.backoff.ms': '18000' }));
    steps.push(readBack(env, 'broker 1 after IncrementalAlterConfigs', ResourceType.BROKER, '1', ['log.cleaner.backoff.ms'], { 'log.cleaner.backoff.ms': '17000' }));
    steps.push(alter('broker 1: delete it', [broker('1', DELETE, null)]));
    steps.push(alter('cluster default: delete it', [broker('', DELETE, null)]));
    steps.push(alter('broker 1: read-only key, validate only', [{ resourceType: ResourceType.BROKER, resourceName: '1', configs: [{ name: 'log.dirs', configOperation: SET, value: '/tmp/x' }] }], true));
    steps.push(alter('broker logger: set, validate only', [{ resourceType: ResourceType.BROKER_LOGGER, resourceName: '1', configs: [{ name: 'kafka.server.KafkaApis', configOperation: SET, value: 'INFO' }] }], true));
  }
  return steps;
}

export const configsSession: Session = {
  name: 'configs',
  description: 'DescribeConfigs, AlterConfigs, IncrementalAlterConfigs on topics, brokers and unknown resources',
  build(env) {
    const topic = env.name('cfg-describe');
    return [
      ...setupTopics(env, [{ name: topic, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } }]),
      ...describeSteps(env, topic),
      ...alterSteps(env),
      ...incrementalSteps(env),
    ];
  },
};
