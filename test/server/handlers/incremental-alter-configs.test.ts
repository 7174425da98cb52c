import { BROKER_SCHEMA, TOPIC_SCHEMA } from '../../../src/config';
import { ErrorCode } from '../../../src/protocol/error-codes';
import type {
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsRequestAlterConfigsResource,
} from '../../../src/protocol/generated/incremental-alter-configs';
import { ResourceError } from '../../../src/server/handlers/config-resources';
import { ConfigOperation, IncrementalAlterConfigsHandler, applyOperations } from '../../../src/server/handlers/incremental-alter-configs';
import { ctx, startBroker, type TestBroker } from './helpers';

type Op = [name: string, op: number, value: string | null];
const resource = (resourceType: number, resourceName: string, ops: Op[]): IncrementalAlterConfigsRequestAlterConfigsResource => ({
  resourceType,
  resourceName,
  configs: ops.map(([name, configOperation, value]) => ({ name, configOperation, value })),
});
const req = (resources: IncrementalAlterConfigsRequestAlterConfigsResource[], validateOnly = false): IncrementalAlterConfigsRequest => ({ resources, validateOnly });
const { SET, DELETE, APPEND, SUBTRACT } = ConfigOperation;
const topicDef = (k: string) => TOPIC_SCHEMA.get(k);

describe('applyOperations', () => {
  it('sets and deletes keys', () => {
    expect(applyOperations({ a: '1', b: '2' }, [{ name: 'a', configOperation: SET, value: '3' }, { name: 'b', configOperation: DELETE, value: null }], topicDef)).toEqual({ a: '3' });
  });

  it('appends to and subtracts from a LIST, starting from the key default when unset', () => {
    const appended = applyOperations({}, [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }], topicDef);
    expect(appended).toEqual({ 'cleanup.policy': 'delete,compact' });
    const again = applyOperations(appended, [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact,delete' }], topicDef);
    expect(again).toEqual({ 'cleanup.policy': 'delete,compact' });
    const subtracted = applyOperations(appended, [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete,absent' }], topicDef);
    expect(subtracted).toEqual({ 'cleanup.policy': 'compact' });
    expect(applyOperations(subtracted, [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'compact' }], topicDef)).toEqual({ 'cleanup.policy': '' });
  });

  it('refuses APPEND / SUBTRACT on keys that are not lists', () => {
    expect(() => applyOperations({}, [{ name: 'retention.ms', configOperation: APPEND, value: '5' }], topicDef)).toThrow(ResourceError);
    expect(() => applyOperations({}, [{ name: 'no.such.key', configOperation: SUBTRACT, value: '5' }], (k) => BROKER_SCHEMA.get(k))).toThrow(
      "Can't SUBTRACT to key no.such.key because its type is not LIST.",
    );
  });
});

describe('IncrementalAlterConfigsHandler', () => {
  let tb: TestBroker;
  let h: IncrementalAlterConfigsHandler;
  const topicConfigs = (name: string) => tb.broker.services.metadata.topic(name)!.configs;

  beforeAll(async () => {
    tb = await startBroker();
    h = new IncrementalAlterConfigsHandler(tb.broker.services);
    await tb.broker.services.topics.createTopic({ name: 'inc', numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': '1000' } });
  });
  afterAll(() => tb.stop());

  it('changes only the keys named, applied to the topic logs', async () => {
    const res = await h.handle(req([resource(2, 'inc', [['segment.bytes', SET, '1048576'], ['cleanup.policy', APPEND, 'compact']])]), ctx(44, 1));
    expect(res.responses).toEqual([{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'inc' }]);
    expect(topicConfigs('inc')).toEqual({ 'retention.ms': '1000', 'segment.bytes': '1048576', 'cleanup.policy': 'delete,compact' });
    expect(tb.broker.services.logs.getLog({ topic: 'inc', partition: 0 })!.config['segment.bytes']).toBe(1048576);
    await h.handle(req([resource(2, 'inc', [['retention.ms', DELETE, null], ['cleanup.policy', SUBTRACT, 'delete']])]), ctx(44, 0));
    expect(topicConfigs('inc')).toEqual({ 'segment.bytes': '1048576', 'cleanup.policy': 'compact' });
  });

  it('validate_only changes nothing', async () => {
    expect((await h.handle(req([resource(2, 'inc', [['segment.bytes', SET, '2097152']])], true), ctx(44, 1))).responses[0].errorCode).toBe(0);
    expect(topicConfigs('inc')['segment.bytes']).toBe('1048576');
  });

  it('answers per resource with Kafka error codes', async () => {
    const res = await h.handle(
      req([
        resource(2, 'inc', [['retention.ms', APPEND, '5']]),
        resource(2, 'missing', [['retention.ms', SET, '5']]),
        resource(2, 'inc2', [['retention.ms', SET, '5'], ['retention.ms', SET, '6']]),
        resource(2, 'inc3', [['retention.ms', SET, null]]),
        resource(2, 'inc4', [['retention.ms', 7, '1']]),
        resource(2, 'inc5', [['retention.ms', SET, 'x']]),
        resource(8, '1', [['root', SET, 'DEBUG']]),
        resource(16, 'm', []),
        resource(99, 'z', []),
      ]),
      ctx(44, 1),
    );
    expect(res.responses.map((r) => [r.resourceName, r.errorCode])).toEqual([
      ['inc', ErrorCode.INVALID_CONFIG],
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['inc2', ErrorCode.INVALID_REQUEST],
      ['inc3', ErrorCode.INVALID_REQUEST],
      ['inc4', ErrorCode.INVALID_REQUEST],
      ['inc5', ErrorCode.INVALID_CONFIG],
      ['1', ErrorCode.INVALID_REQUEST],
      ['m', ErrorCode.INVALID_REQUEST],
      ['z', ErrorCode.INVALID_REQUEST],
    ]);
    expect(res.responses[0].errorMessage).toBe("Can't APPEND to key retention.ms because its type is not LIST.");
    expect(topicConfigs('inc')).toEqual({ 'segment.bytes': '1048576', 'cleanup.policy': 'compact' });
  });

  it('deleting an unset key is fine', async () => {
    expect((await h.handle(req([resource(2, 'inc', [['flush.ms', DELETE, null]])]), ctx(44, 1))).responses[0].errorCode).toBe(0);
  });

  it('changes dynamic broker configs and refuses per-broker keys as cluster defaults', async () => {
    const res = await h.handle(
      req([resource(4, '1', [['log.cleaner.threads', SET, '3']]), resource(4, '', [['listeners', SET, 'PLAINTEXT://:9092']])]),
      ctx(44, 1),
    );
    expect(res.responses.map((r) => r.errorCode)).toEqual([0, ErrorCode.INVALID_REQUEST]);
    expect(tb.broker.services.config().get('log.cleaner.threads')).toBe(3);
    await h.handle(req([resource(4, '1', [['log.cleaner.threads', DELETE, null]])]), ctx(44, 1));
    expect(tb.broker.services.config().get('log.cleaner.threads')).toBe(1);
  });

  it('applies concurrent changes to one topic one after the other, losing none', async () => {
    await tb.broker.services.topics.createTopic({ name: 'busy', numPartitions: 1, replicationFactor: 1, configs: {} });
    const keys = ['retention.ms', 'segment.bytes', 'flush.ms', 'delete.retention.ms'];
    await Promise.all(keys.map((k) => h.handle(req([resource(2, 'busy', [[k, SET, '2000000']])]), ctx(44, 1))));
    expect(Object.keys(topicConfigs('busy')).sort()).toEqual([...keys].sort());
  });
});
