import { ConfigSource } from '../../../src/config';
import { ErrorCode } from '../../../src/protocol/error-codes';
import type { AlterConfigsRequest, AlterConfigsRequestAlterConfigsResource } from '../../../src/protocol/generated/alter-configs';
import { AlterConfigsHandler } from '../../../src/server/handlers/alter-configs';
import { ctx, startBroker, type TestBroker } from './helpers';

const resource = (resourceType: number, resourceName: string, configs: Record<string, string | null>): AlterConfigsRequestAlterConfigsResource => ({
  resourceType,
  resourceName,
  configs: Object.entries(configs).map(([name, value]) => ({ name, value })),
});
const req = (resources: AlterConfigsRequestAlterConfigsResource[], validateOnly = false): AlterConfigsRequest => ({ resources, validateOnly });

describe('AlterConfigsHandler', () => {
  let tb: TestBroker;
  let h: AlterConfigsHandler;
  const topicConfigs = (name: string) => tb.broker.services.metadata.topic(name)!.configs;

  beforeAll(async () => {
    tb = await startBroker();
    h = new AlterConfigsHandler(tb.broker.services);
    await tb.broker.services.topics.createTopic({ name: 'tc', numPartitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
  });
  afterAll(() => tb.stop());

  it('replaces a topic overrides as a whole and applies them to its logs', async () => {
    const res = await h.handle(req([resource(2, 'tc', { 'retention.ms': '5000', 'segment.bytes': '1048576' })]), ctx(33, 2));
    expect(res.responses).toEqual([{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'tc' }]);
    // cleanup.policy was left out, so it is no longer overridden.
    expect(topicConfigs('tc')).toEqual({ 'retention.ms': '5000', 'segment.bytes': '1048576' });
    expect(tb.broker.services.logs.getLog({ topic: 'tc', partition: 0 })!.config['retention.ms']).toBe(5000);
  });

  it('validate_only changes nothing', async () => {
    const res = await h.handle(req([resource(2, 'tc', { 'retention.ms': '1' })], true), ctx(33, 0));
    expect(res.responses[0].errorCode).toBe(0);
    expect(topicConfigs('tc')['retention.ms']).toBe('5000');
  });

  it('answers per resource: bad values, unknown keys, nulls, duplicates, missing topics', async () => {
    const res = await h.handle(
      req([
        resource(2, 'tc', { 'retention.ms': 'soon' }),
        resource(2, 'missing', { 'retention.ms': '1' }),
        resource(2, 'bad name!', {}),
        resource(4, '1', { 'retention.ms': null }),
        { resourceType: 4, resourceName: '', configs: [{ name: 'log.cleaner.threads', value: '2' }, { name: 'log.cleaner.threads', value: '3' }] },
        resource(8, '1', {}),
        resource(99, 'x', {}),
      ]),
      ctx(33, 1),
    );
    expect(res.responses.map((r) => [r.resourceName, r.errorCode])).toEqual([
      ['tc', ErrorCode.INVALID_CONFIG],
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['1', ErrorCode.INVALID_REQUEST],
      ['', ErrorCode.INVALID_REQUEST],
      ['1', ErrorCode.INVALID_REQUEST],
      ['x', ErrorCode.INVALID_REQUEST],
    ]);
    expect(res.responses[3].errorMessage).toBe('Null value not supported for : retention.ms');
    expect(res.responses[4].errorMessage).toBe('Error due to duplicate config keys');
    expect(res.responses[5].errorMessage).toBe('Unknown resource type 8');
    const unknownKey = await h.handle(req([resource(2, 'tc', { 'no.such': '1' })]), ctx(33, 2));
    expect(unknownKey.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown topic config name: no.such' });
    expect(topicConfigs('tc')['retention.ms']).toBe('5000');
  });

  it('fails every copy of a resource given twice', async () => {
    const res = await h.handle(req([resource(2, 'tc', { 'retention.ms': '1' }), resource(2, 'tc', { 'retention.ms': '2' })]), ctx(33, 2));
    expect(res.responses.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  });

  it('sets dynamic broker configs for this broker and the cluster default, and the broker config follows', async () => {
    const res = await h.handle(req([resource(4, '1', { 'log.cleaner.threads': '2' }), resource(4, '', { 'log.retention.ms': '7200000' })]), ctx(33, 2));
    expect(res.responses.map((r) => r.errorCode)).toEqual([0, 0]);
    const config = tb.broker.services.config();
    expect(config.get('log.cleaner.threads')).toBe(2);
    expect(config.source('log.cleaner.threads').source).toBe(ConfigSource.DYNAMIC_BROKER_CONFIG);
    expect(config.get('log.retention.ms')).toBe(7200000);
    expect(tb.broker.services.metadata.dynamicBrokerConfigs('node')).toEqual({ 'log.cleaner.threads': '2' });
    // The legacy API replaces the whole set: an empty set removes them.
    await h.handle(req([resource(4, '1', {})]), ctx(33, 2));
    expect(tb.broker.services.metadata.dynamicBrokerConfigs('node')).toEqual({});
    expect(tb.broker.services.config().get('log.cleaner.threads')).toBe(1);
  });

  it('refuses static broker keys, bad values and another broker id with INVALID_REQUEST', async () => {
    const res = await h.handle(
      req([resource(4, '1', { 'num.partitions': '3' }), resource(4, '', { 'log.cleaner.threads': 'x' }), resource(4, '2', {}), resource(4, 'abc', {})]),
      ctx(33, 2),
    );
    expect(res.responses.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    expect(res.responses[0].errorMessage).toContain('num.partitions');
    expect(res.responses[2].errorMessage).toBe('Unexpected broker id, expected 1, but received 2');
    expect(res.responses[3].errorMessage).toBe('Node id must be an integer, but it is: abc');
    expect(tb.broker.services.config().get('num.partitions')).toBe(1);
  });
});
