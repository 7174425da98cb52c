import { ConfigSource, ConfigTypeCode } from '../../../src/config';
import { ErrorCode } from '../../../src/protocol/error-codes';
import type { DescribeConfigsRequest, DescribeConfigsRequestDescribeConfigsResource } from '../../../src/protocol/generated/describe-configs';
import { DescribeConfigsHandler } from '../../../src/server/handlers/describe-configs';
import { ctx, startBroker, type TestBroker } from './helpers';

const resource = (resourceType: number, resourceName: string, configurationKeys: string[] | null = null): DescribeConfigsRequestDescribeConfigsResource => ({
  resourceType,
  resourceName,
  configurationKeys,
});
const req = (resources: DescribeConfigsRequestDescribeConfigsResource[], includeSynonyms = false, includeDocumentation = false): DescribeConfigsRequest => ({
  resources,
  includeSynonyms,
  includeDocumentation,
});

describe('DescribeConfigsHandler', () => {
  let tb: TestBroker;
  let h: DescribeConfigsHandler;

  beforeAll(async () => {
    tb = await startBroker(['log.retention.ms=3600000']);
    h = new DescribeConfigsHandler(tb.broker.services, () => 'info');
    await tb.broker.services.topics.createTopic({ name: 'configured', numPartitions: 1, replicationFactor: 1, configs: { 'segment.bytes': '1048576' } });
  });
  afterAll(() => tb.stop());

  it('describes a topic: overrides as TOPIC_CONFIG, others from the broker, with synonyms and documentation (v4)', () => {
    const res = h.handle(req([resource(2, 'configured', ['segment.bytes', 'retention.ms', 'cleanup.policy', 'no.such.key'])], true, true), ctx(32, 4));
    const r = res.results[0];
    expect(r).toMatchObject({ errorCode: 0, errorMessage: '', resourceType: 2, resourceName: 'configured' });
    const byName = new Map(r.configs.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(['cleanup.policy', 'retention.ms', 'segment.bytes']);
    expect(byName.get('segment.bytes')).toMatchObject({
      value: '1048576',
      configSource: ConfigSource.TOPIC_CONFIG,
      readOnly: false,
      isSensitive: false,
      configType: ConfigTypeCode.INT,
      synonyms: [
        { name: 'segment.bytes', value: '1048576', source: ConfigSource.TOPIC_CONFIG },
        { name: 'log.segment.bytes', value: '1073741824', source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
    expect(byName.get('retention.ms')).toMatchObject({ value: '3600000', configSource: ConfigSource.STATIC_BROKER_CONFIG, configType: ConfigTypeCode.LONG });
    expect(byName.get('retention.ms')!.documentation).toEqual(expect.any(String));
  });

  it('leaves synonyms and documentation out unless asked, and before the versions that have them', () => {
    const all = h.handle(req([resource(2, 'configured')], false, false), ctx(32, 4)).results[0].configs;
    expect(all.length).toBeGreaterThan(20);
    for (const c of all) {
      expect(c.synonyms).toEqual([]);
      expect(c.documentation).toBeNull();
    }
    const v2 = h.handle(req([resource(2, 'configured', ['retention.ms'])], true, true), ctx(32, 2)).results[0].configs[0];
    expect(v2.synonyms.length).toBeGreaterThan(0);
    expect(v2.documentation).toBeNull();
    const v0 = h.handle(req([resource(2, 'configured', ['retention.ms'])], true, false), ctx(32, 0)).results[0].configs[0];
    expect(v0.synonyms).toEqual([]);
  });

  it('sets v0 is_default from the source', () => {
    const configs = h.handle(req([resource(2, 'configured', ['segment.bytes', 'cleanup.policy'])]), ctx(32, 0)).results[0].configs;
    const byName = new Map(configs.map((c) => [c.name, c]));
    expect(byName.get('segment.bytes')!.isDefault).toBe(false);
    expect(byName.get('cleanup.policy')!.isDefault).toBe(true);
  });

  it('answers a missing topic and an illegal name per resource', () => {
    const res = h.handle(req([resource(2, 'missing'), resource(2, 'bad name!'), resource(2, 'configured', ['retention.ms'])]), ctx(32, 4));
    expect(res.results.map((r) => [r.resourceName, r.errorCode, r.configs.length])).toEqual([
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0],
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION, 0],
      ['configured', 0, 1],
    ]);
  });

  it('describes this broker (every key, read-only unless dynamic, secrets hidden) and the cluster defaults', () => {
    const res = h.handle(req([resource(4, '1', ['num.partitions', 'log.cleaner.threads', 'ssl.keystore.password', 'log.retention.ms']), resource(4, '')]), ctx(32, 4));
    const byName = new Map(res.results[0].configs.map((c) => [c.name, c]));
    expect(byName.get('num.partitions')).toMatchObject({ value: '1', readOnly: true });
    expect(byName.get('log.cleaner.threads')).toMatchObject({ readOnly: false });
    expect(byName.get('ssl.keystore.password')).toMatchObject({ value: null, isSensitive: true, configType: ConfigTypeCode.PASSWORD });
    expect(byName.get('log.retention.ms')).toMatchObject({ value: '3600000', configSource: ConfigSource.STATIC_BROKER_CONFIG });
    // No dynamic cluster defaults are set.
    expect(res.results[1]).toMatchObject({ errorCode: 0, resourceName: '', configs: [] });
    const every = h.handle(req([resource(4, '1')]), ctx(32, 4)).results[0].configs;
    expect(every.length).toBeGreaterThan(100);
  });

  it('answers another broker id or a non-numeric one with INVALID_REQUEST', () => {
    const res = h.handle(req([resource(4, '2'), resource(4, 'abc')]), ctx(32, 4));
    expect(res.results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 1 or empty string, but received 2'],
      [ErrorCode.INVALID_REQUEST, 'Broker id must be an integer, but it is: abc'],
    ]);
  });

  it('describes BROKER_LOGGER as the root logger level', () => {
    const res = h.handle(req([resource(8, '1'), resource(8, '')]), ctx(32, 4));
    expect(res.results[0].configs).toEqual([
      {
        name: 'root',
        value: 'INFO',
        readOnly: false,
        isDefault: false,
        configSource: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
        isSensitive: false,
        synonyms: [],
        configType: 0,
        documentation: '',
      },
    ]);
    expect(res.results[1].errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('answers GROUP resources per resource and an unknown type for the whole request', () => {
    expect(h.handle(req([resource(32, 'g')]), ctx(32, 4)).results[0].errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(() => h.handle(req([resource(99, 'x')]), ctx(32, 4))).toThrow(expect.objectContaining({ errorCode: ErrorCode.INVALID_REQUEST }));
    const err = h.errorResponse(req([resource(99, 'x')]), ErrorCode.INVALID_REQUEST);
    expect(err.results).toEqual([{ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: expect.any(String), resourceType: 99, resourceName: 'x', configs: [] }]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION once a topic is deleted', async () => {
    await tb.broker.services.topics.createTopic({ name: 'short-lived', numPartitions: 1, replicationFactor: 1, configs: {} });
    expect(h.handle(req([resource(2, 'short-lived')]), ctx(32, 4)).results[0].errorCode).toBe(0);
    await tb.broker.services.topics.deleteTopic('short-lived');
    expect(h.handle(req([resource(2, 'short-lived')]), ctx(32, 4)).results[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});
