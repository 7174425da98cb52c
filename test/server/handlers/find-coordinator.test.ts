import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { connect, FIND_COORDINATOR, groupBroker } from './group-support';

describe('FindCoordinator', () => {
  let b: TestBroker;
  let c: RawClient;
  beforeAll(async () => {
    b = await groupBroker([], false);
    c = await connect(b);
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('creates __consumer_offsets on the first group lookup (internal, compacted, offsets.topic.num.partitions)', async () => {
    expect(b.broker.services.metadata.topic('__consumer_offsets')).toBeUndefined();
    // Before that, group operations send the client to FindCoordinator (as Kafka does).
    expect((await c.request(12, 4, { groupId: 'g1', generationId: 1, memberId: 'm', groupInstanceId: null })).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await c.request(9, 6, { groupId: 'g1', topics: null, groups: [], requireStable: false })).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(b.broker.services.metadata.topic('__consumer_offsets')).toBeUndefined();
    const r = await c.request(FIND_COORDINATOR, 3, { key: 'g1', keyType: 0, coordinatorKeys: [] });
    expect(r).toEqual({ throttleTimeMs: 0, errorCode: 0, errorMessage: 'NONE', nodeId: 1, host: '127.0.0.1', port: b.port, coordinators: [] });
    const t = b.broker.services.metadata.topic('__consumer_offsets')!;
    expect(t.internal).toBe(true);
    expect(t.partitions).toHaveLength(3);
    expect(t.configs['cleanup.policy']).toBe('compact');
  });

  it('v0 (groups only, no error message) to v3', async () => {
    for (const v of [0, 1, 2]) {
      const r = await c.request(FIND_COORDINATOR, v, { key: 'g', keyType: 0, coordinatorKeys: [] });
      expect(r).toMatchObject({ errorCode: 0, nodeId: 1, host: '127.0.0.1', port: b.port });
      expect(r.errorMessage).toBe(v === 0 ? '' : 'NONE');
    }
  });

  it('v4+: several keys, one result each; transactional ids are coordinated here too', async () => {
    const r = await c.request(FIND_COORDINATOR, 4, { key: '', keyType: 0, coordinatorKeys: ['a', 'b', ''] });
    expect(r.coordinators).toEqual(['a', 'b', ''].map((key) => ({ key, nodeId: 1, host: '127.0.0.1', port: b.port, errorCode: 0, errorMessage: '' })));
    const t = await c.request(FIND_COORDINATOR, 6, { key: '', keyType: 1, coordinatorKeys: ['tx'] });
    expect(t.coordinators).toEqual([{ key: 'tx', nodeId: 1, host: '127.0.0.1', port: b.port, errorCode: 0, errorMessage: '' }]);
  });

  it('share-group keys: INVALID_REQUEST (no share coordinator); an unknown key type fails the request', async () => {
    const s = await c.request(FIND_COORDINATOR, 6, { key: '', keyType: 2, coordinatorKeys: ['s'] });
    expect(s.coordinators).toEqual([{ key: 's', nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: '' }]);
    const u = await c.request(FIND_COORDINATOR, 3, { key: 'g', keyType: 5, coordinatorKeys: [] });
    expect(u).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, nodeId: -1, host: '', port: -1 });
    const u4 = await c.request(FIND_COORDINATOR, 4, { key: '', keyType: 5, coordinatorKeys: ['x'] });
    expect(u4.coordinators).toEqual([{ key: 'x', nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: '' }]);
  });
});

describe('FindCoordinator when __consumer_offsets cannot be created', () => {
  it('answers COORDINATOR_NOT_AVAILABLE (more replicas than brokers, as Kafka)', async () => {
    const b = await groupBroker(['offsets.topic.replication.factor=3'], false);
    const c = await connect(b);
    try {
      const r = await c.request(FIND_COORDINATOR, 3, { key: 'g', keyType: 0, coordinatorKeys: [] });
      expect(r).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1, host: '', port: -1 });
      const j = await c.request(11, 9, { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null });
      expect(j.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    } finally {
      await c.close();
      await b.stop();
    }
  });
});

describe('__consumer_offsets created by someone else (a Metadata request naming it)', () => {
  it('is loaded by the first group operation', async () => {
    const b = await groupBroker([], false);
    const c = await connect(b);
    try {
      await b.broker.services.topics.createTopic({ name: '__consumer_offsets', numPartitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' }, internal: true });
      expect((await c.request(12, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect((await c.request(FIND_COORDINATOR, 3, { key: 'g', keyType: 0, coordinatorKeys: [] })).errorCode).toBe(0);
    } finally {
      await c.close();
      await b.stop();
    }
  });
});
