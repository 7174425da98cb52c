import { ConfigSource } from '../../../src/config';
import { ErrorCode } from '../../../src/protocol/error-codes';
import type { CreateTopicsRequest, CreateTopicsRequestCreatableTopic } from '../../../src/protocol/generated/create-topics';
import { ZERO_UUID } from '../../../src/protocol/primitives/tagged';
import { CreateTopicsHandler } from '../../../src/server/handlers/create-topics';
import { ctx, startBroker, type TestBroker } from './helpers';

const topic = (name: string, numPartitions = 1, replicationFactor = 1, extra: Partial<CreateTopicsRequestCreatableTopic> = {}): CreateTopicsRequestCreatableTopic => ({
  name,
  numPartitions,
  replicationFactor,
  assignments: [],
  configs: [],
  ...extra,
});
const req = (topics: CreateTopicsRequestCreatableTopic[], validateOnly = false, timeoutMs = 5000): CreateTopicsRequest => ({ topics, timeoutMs, validateOnly });

describe('CreateTopicsHandler', () => {
  let tb: TestBroker;
  let h: CreateTopicsHandler;

  beforeAll(async () => {
    tb = await startBroker(['num.partitions=4']);
    h = new CreateTopicsHandler(tb.broker.services);
  });
  afterAll(() => tb.stop());

  it('creates a topic with its logs and returns its id, counts and every config, sorted (v7)', async () => {
    const res = await h.handle(req([topic('orders', 3, 1, { configs: [{ name: 'retention.ms', value: '1000' }] })]), ctx(19, 7));
    const r = res.topics[0];
    const created = tb.broker.services.metadata.topic('orders')!;
    expect(r).toMatchObject({ name: 'orders', topicId: created.topicId, errorCode: 0, errorMessage: null, numPartitions: 3, replicationFactor: 1, topicConfigErrorCode: 0 });
    expect(created.configs).toEqual({ 'retention.ms': '1000' });
    for (let p = 0; p < 3; p++) expect(tb.broker.services.logs.getLog({ topic: 'orders', partition: p })).toBeDefined();
    const names = r.configs!.map((c) => c.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('cleanup.policy');
    expect(r.configs!.find((c) => c.name === 'retention.ms')).toEqual({ name: 'retention.ms', value: '1000', readOnly: false, configSource: ConfigSource.TOPIC_CONFIG, isSensitive: false });
    expect(r.configs!.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'delete', configSource: ConfigSource.DEFAULT_CONFIG });
  });

  it('uses num.partitions and default.replication.factor for -1', async () => {
    const res = await h.handle(req([topic('defaults', -1, -1)]), ctx(19, 4));
    expect(res.topics[0].errorCode).toBe(0);
    expect(tb.broker.services.metadata.topic('defaults')!.partitions).toHaveLength(4);
  });

  it('accepts a manual assignment with both counts -1', async () => {
    const assignments = [0, 1].map((partitionIndex) => ({ partitionIndex, brokerIds: [1] }));
    const res = await h.handle(req([topic('manual', -1, -1, { assignments })]), ctx(19, 7));
    expect(res.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 1 });
    expect(tb.broker.services.metadata.topic('manual')!.partitions.map((p) => p.replicas)).toEqual([[1], [1]]);
  });

  it('validate_only checks and returns the would-be result without creating anything', async () => {
    const res = await h.handle(req([topic('dry-run', 2)], true), ctx(19, 7));
    expect(res.topics[0]).toMatchObject({ name: 'dry-run', topicId: ZERO_UUID, errorCode: 0, numPartitions: 2, replicationFactor: 1 });
    expect(res.topics[0].configs!.length).toBeGreaterThan(20);
    expect(tb.broker.services.metadata.topic('dry-run')).toBeUndefined();
    const bad = await h.handle(req([topic('dry-run', 0)], true), ctx(19, 7));
    expect(bad.topics[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  it('ignores validate_only at v0, which has no such field', async () => {
    const res = await h.handle(req([topic('v0-topic')], true), ctx(19, 0));
    expect(res.topics[0].errorCode).toBe(0);
    expect(tb.broker.services.metadata.topic('v0-topic')).toBeDefined();
  });

  it('answers each topic with Kafka error codes', async () => {
    await h.handle(req([topic('taken')]), ctx(19, 7));
    await h.handle(req([topic('dot.ted')]), ctx(19, 7));
    const assignment = (brokerIds: number[], partitionIndex = 0) => ({ partitionIndex, brokerIds });
    const cases: [CreateTopicsRequestCreatableTopic, number][] = [
      [topic('taken'), ErrorCode.TOPIC_ALREADY_EXISTS],
      [topic('dot_ted'), ErrorCode.INVALID_TOPIC_EXCEPTION],
      [topic('bad name'), ErrorCode.INVALID_TOPIC_EXCEPTION],
      [topic('x'.repeat(250)), ErrorCode.INVALID_TOPIC_EXCEPTION],
      [topic('..'), ErrorCode.INVALID_TOPIC_EXCEPTION],
      [topic('zero-parts', 0), ErrorCode.INVALID_PARTITIONS],
      [topic('neg-parts', -2), ErrorCode.INVALID_PARTITIONS],
      [topic('zero-rf', 1, 0), ErrorCode.INVALID_REPLICATION_FACTOR],
      [topic('rf-too-big', 1, 2), ErrorCode.INVALID_REPLICATION_FACTOR],
      [topic('bad-value', 1, 1, { configs: [{ name: 'retention.ms', value: 'soon' }] }), ErrorCode.INVALID_CONFIG],
      [topic('bad-key', 1, 1, { configs: [{ name: 'no.such.key', value: '1' }] }), ErrorCode.INVALID_CONFIG],
      [topic('null-value', 1, 1, { configs: [{ name: 'retention.ms', value: null }] }), ErrorCode.INVALID_CONFIG],
      [topic('assign-rf', -1, 1, { assignments: [assignment([1])] }), ErrorCode.INVALID_REQUEST],
      [topic('assign-parts', 1, -1, { assignments: [assignment([1])] }), ErrorCode.INVALID_REQUEST],
      [topic('assign-gap', -1, -1, { assignments: [assignment([1], 1)] }), ErrorCode.INVALID_REPLICA_ASSIGNMENT],
      [topic('assign-unknown', -1, -1, { assignments: [assignment([7])] }), ErrorCode.INVALID_REPLICA_ASSIGNMENT],
      [topic('assign-twice', -1, -1, { assignments: [assignment([1, 1])] }), ErrorCode.INVALID_REPLICA_ASSIGNMENT],
      [topic('assign-empty', -1, -1, { assignments: [assignment([])] }), ErrorCode.INVALID_REPLICA_ASSIGNMENT],
      [topic('assign-dup', -1, -1, { assignments: [assignment([1]), assignment([1])] }), ErrorCode.INVALID_REPLICA_ASSIGNMENT],
    ];
    const res = await h.handle(req(cases.map(([t]) => t)), ctx(19, 7));
    expect(res.topics.map((t) => [t.name, t.errorCode])).toEqual(cases.map(([t, code]) => [t.name, code]));
    for (const t of res.topics) {
      expect(t).toMatchObject({ topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, configs: [] });
      expect(t.errorMessage).toEqual(expect.any(String));
    }
    expect(res.topics.find((t) => t.name === 'dot_ted')!.errorMessage).toContain('collides with existing topic: dot.ted');
    expect(res.topics.find((t) => t.name === 'bad-value')!.errorMessage).toContain('Invalid value soon for configuration retention.ms');
    expect(res.topics.find((t) => t.name === 'bad-key')!.errorMessage).toBe('Unknown topic config name: no.such.key');
    expect(tb.broker.services.metadata.topic('bad-value')).toBeUndefined();
  });

  it('answers a duplicated name and __cluster_metadata with INVALID_REQUEST, after the other topics', async () => {
    const res = await h.handle(req([topic('twice'), topic('__cluster_metadata'), topic('once'), topic('twice')]), ctx(19, 7));
    expect(res.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['once', 0],
      ['twice', ErrorCode.INVALID_REQUEST],
      ['__cluster_metadata', ErrorCode.INVALID_REQUEST],
    ]);
    expect(tb.broker.services.metadata.topic('twice')).toBeUndefined();
  });

  it('fails every topic with REQUEST_TIMED_OUT for a timeout of 0, creating nothing', async () => {
    const res = await h.handle(req([topic('late-1'), topic('late-2')], false, 0), ctx(19, 7));
    expect(res.topics.map((t) => t.errorCode)).toEqual([ErrorCode.REQUEST_TIMED_OUT, ErrorCode.REQUEST_TIMED_OUT]);
    expect(tb.broker.services.metadata.topic('late-1')).toBeUndefined();
  });

  it('fails the whole request with POLICY_VIOLATION beyond 10000 partitions, before allocating anything', async () => {
    const res = await h.handle(req([topic('huge-1', 6000), topic('huge-2', 6000), topic('taken')]), ctx(19, 7));
    expect(res.topics.map((t) => t.errorCode)).toEqual([ErrorCode.POLICY_VIOLATION, ErrorCode.POLICY_VIOLATION, ErrorCode.POLICY_VIOLATION]);
    const one = await h.handle(req([topic('huge-3', 2147483647)]), ctx(19, 7));
    expect(one.topics[0].errorCode).toBe(ErrorCode.POLICY_VIOLATION);
  });

  it('answers TOPIC_ALREADY_EXISTS to one of two concurrent creations of a name', async () => {
    const [a, b] = await Promise.all([h.handle(req([topic('contended')]), ctx(19, 7)), h.handle(req([topic('contended')]), ctx(19, 7))]);
    expect([a.topics[0].errorCode, b.topics[0].errorCode].sort()).toEqual([0, ErrorCode.TOPIC_ALREADY_EXISTS]);
  });

  it('builds an error response naming every topic', () => {
    const res = h.errorResponse(req([topic('a'), topic('b')]), ErrorCode.NOT_CONTROLLER);
    expect(res.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['a', ErrorCode.NOT_CONTROLLER],
      ['b', ErrorCode.NOT_CONTROLLER],
    ]);
  });
});
