import { ErrorCode } from '../../../src/protocol/error-codes';
import { decodeMetadataRequest, encodeMetadataRequest, type MetadataRequest } from '../../../src/protocol/generated/metadata';
import { Reader } from '../../../src/protocol/primitives/reader';
import { Writer } from '../../../src/protocol/primitives/writer';
import { KafkaError } from '../../../src/protocol/kafka-errors';
import { ZERO_UUID } from '../../../src/protocol/primitives/tagged';
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS, TOPIC_OPERATIONS } from '../../../src/server/handlers/authorized-operations';
import { MetadataHandler } from '../../../src/server/handlers/metadata';
import { ctx, startBroker, type TestBroker } from './helpers';

const req = (topics: (string | { name: string | null; topicId: string })[] | null, extra: Partial<MetadataRequest> = {}): MetadataRequest => ({
  topics: topics === null ? null : topics.map((t) => (typeof t === 'string' ? { name: t, topicId: ZERO_UUID } : t)),
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
  ...extra,
});

describe('MetadataHandler', () => {
  let tb: TestBroker;
  let h: MetadataHandler;

  beforeAll(async () => {
    tb = await startBroker(['num.partitions=3']);
    h = new MetadataHandler(tb.broker.services);
    await tb.broker.services.topics.createTopic({ name: 'alpha', numPartitions: 2, replicationFactor: 1, configs: {} });
    await tb.broker.services.topics.createTopic({ name: 'beta', numPartitions: 1, replicationFactor: 1, configs: {} });
  });
  afterAll(() => tb.stop());

  it('describes brokers, cluster id, controller and the topics asked for', async () => {
    const res = await h.handle(req(['alpha']), ctx(3, 12));
    expect(res.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: tb.port, rack: null }]);
    expect(res.clusterId).toBe(tb.broker.clusterId);
    expect(res.controllerId).toBe(1);
    expect(res.topics).toHaveLength(1);
    const t = res.topics[0];
    expect(t).toMatchObject({ errorCode: 0, name: 'alpha', isInternal: false, topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED });
    expect(t.topicId).toBe(tb.broker.services.metadata.topic('alpha')!.topicId);
    expect(t.partitions).toEqual([
      { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
      { errorCode: 0, partitionIndex: 1, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
    ]);
    expect(res.clusterAuthorizedOperations).toBe(AUTHORIZED_OPERATIONS_OMITTED);
  });

  it('null topics means all topics (v1+), an empty list none; at v0 an empty list means all', async () => {
    expect((await h.handle(req(null), ctx(3, 1))).topics.map((t) => t.name)).toEqual(expect.arrayContaining(['alpha', 'beta']));
    expect((await h.handle(req([]), ctx(3, 1))).topics).toEqual([]);
    expect((await h.handle(req([]), ctx(3, 0))).topics.map((t) => t.name)).toEqual(expect.arrayContaining(['alpha', 'beta']));
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a missing topic and INVALID_TOPIC_EXCEPTION for an illegal name', async () => {
    const res = await h.handle(req(['nope', 'bad name!', 'alpha']), ctx(3, 12));
    const byName = new Map(res.topics.map((t) => [t.name, t]));
    expect(byName.get('nope')).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topicId: ZERO_UUID, partitions: [] });
    expect(byName.get('bad name!')).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, partitions: [] });
    expect(byName.get('alpha')!.errorCode).toBe(0);
    expect(tb.broker.services.metadata.topic('nope')).toBeUndefined();
  });

  it('fills in authorized operations only when asked (cluster ones only up to v10)', async () => {
    const asked = { includeTopicAuthorizedOperations: true, includeClusterAuthorizedOperations: true };
    const v10 = await h.handle(req(['alpha', 'nope'], asked), ctx(3, 10));
    expect(v10.topics.map((t) => t.topicAuthorizedOperations)).toEqual([TOPIC_OPERATIONS, TOPIC_OPERATIONS]);
    expect(v10.clusterAuthorizedOperations).toBe(CLUSTER_OPERATIONS);
    expect(TOPIC_OPERATIONS).toBe(3576);
    expect(CLUSTER_OPERATIONS).toBe(8096);
    const v11 = await h.handle(req(['alpha'], asked), ctx(3, 11));
    expect(v11.clusterAuthorizedOperations).toBe(AUTHORIZED_OPERATIONS_OMITTED);
    const v7 = await h.handle(req(['alpha'], asked), ctx(3, 7));
    expect(v7.topics[0].topicAuthorizedOperations).toBe(AUTHORIZED_OPERATIONS_OMITTED);
  });

  it('auto-creates a missing topic with num.partitions and answers UNKNOWN_TOPIC_OR_PARTITION as Kafka 4 does, then describes it', async () => {
    const first = await h.handle(req(['auto-1'], { allowAutoTopicCreation: true }), ctx(3, 12));
    expect(first.topics).toEqual([
      { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: 'auto-1', topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED },
    ]);
    const second = await h.handle(req(['auto-1'], { allowAutoTopicCreation: true }), ctx(3, 12));
    expect(second.topics[0].errorCode).toBe(0);
    expect(second.topics[0].partitions).toHaveLength(3);
    expect(tb.broker.services.logs.getLog({ topic: 'auto-1', partition: 2 })).toBeDefined();
  });

  it('auto-creates before v4 (no such field: a v0-3 request decodes as allowing it), not when a v4+ request says no', async () => {
    const w = new Writer();
    encodeMetadataRequest(w, req(['auto-v3'], { allowAutoTopicCreation: false }), 3);
    const decodedV3 = decodeMetadataRequest(new Reader(w.toBuffer()), 3);
    expect(decodedV3.allowAutoTopicCreation).toBe(true);
    expect((await h.handle(decodedV3, ctx(3, 3))).topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(tb.broker.services.metadata.topic('auto-v3')).toBeDefined();
    const v4 = await h.handle(req(['auto-v4'], { allowAutoTopicCreation: false }), ctx(3, 4));
    expect(v4.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(tb.broker.services.metadata.topic('auto-v4')).toBeUndefined();
  });

  it('reports LEADER_NOT_AVAILABLE for a partition led here whose log does not exist yet', async () => {
    // Metadata changed, logs not created yet: the window between the two steps of a creation.
    await tb.broker.services.metadata.createTopic({ name: 'half-made', numPartitions: 1, replicationFactor: 1, configs: {} });
    const res = await h.handle(req(['half-made']), ctx(3, 12));
    expect(res.topics[0].errorCode).toBe(0);
    expect(res.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE, leaderId: -1 });
  });

  it('never auto-creates when asked for all topics, nor an illegal name', async () => {
    const before = tb.broker.services.metadata.topics().length;
    await h.handle(req(null, { allowAutoTopicCreation: true }), ctx(3, 12));
    const bad = await h.handle(req(['bad/name'], { allowAutoTopicCreation: true }), ctx(3, 12));
    expect(bad.topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(tb.broker.services.metadata.topics()).toHaveLength(before);
  });

  it('shares one creation between concurrent requests for the same topic', async () => {
    const results = await Promise.all([1, 2, 3].map(() => h.handle(req(['auto-race'], { allowAutoTopicCreation: true }), ctx(3, 12))));
    for (const r of results) expect(r.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(tb.broker.services.metadata.topics().filter((t) => t.name === 'auto-race')).toHaveLength(1);
  });

  it('auto-creates __consumer_offsets with the coordinator settings and reports it internal', async () => {
    await h.handle(req(['__consumer_offsets'], { allowAutoTopicCreation: true }), ctx(3, 12));
    const res = await h.handle(req(['__consumer_offsets']), ctx(3, 12));
    expect(res.topics[0]).toMatchObject({ errorCode: 0, isInternal: true });
    expect(res.topics[0].partitions).toHaveLength(tb.broker.services.config().get('offsets.topic.num.partitions'));
    expect(tb.broker.services.metadata.topic('__consumer_offsets')!.configs['cleanup.policy']).toBe('compact');
  });

  it('looks topics up by id from v12, answering UNKNOWN_TOPIC_ID for an unknown id', async () => {
    const alpha = tb.broker.services.metadata.topic('alpha')!;
    const unknown = 'kHqG6Yf8SEu1ZfK5x1m9dw';
    const res = await h.handle(req([{ name: null, topicId: alpha.topicId }, { name: null, topicId: unknown }]), ctx(3, 12));
    expect(res.topics.map((t) => [t.errorCode, t.name, t.topicId])).toEqual([
      [ErrorCode.UNKNOWN_TOPIC_ID, null, unknown],
      [0, 'alpha', alpha.topicId],
    ]);
  });

  it('rejects topic ids and null names before v12 with INVALID_REQUEST for the whole request', async () => {
    const alpha = tb.broker.services.metadata.topic('alpha')!;
    for (const bad of [{ name: 'alpha', topicId: alpha.topicId }, { name: null, topicId: alpha.topicId }]) {
      const p = h.handle(req([bad]), ctx(3, 10));
      await expect(p).rejects.toBeInstanceOf(KafkaError);
      await expect(p).rejects.toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
    }
    const err = h.errorResponse(req([{ name: null, topicId: alpha.topicId }]), ErrorCode.INVALID_REQUEST);
    expect(err).toMatchObject({ brokers: [], clusterId: null, controllerId: -1 });
    expect(err.topics).toEqual([
      { errorCode: ErrorCode.INVALID_REQUEST, name: '', topicId: alpha.topicId, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED },
    ]);
  });

  it('tells a client on another listener no broker and no leader', async () => {
    const v12 = await h.handle(req(['alpha']), ctx(3, 12, 'INTERNAL'));
    expect(v12.brokers).toEqual([]);
    expect(v12.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.LISTENER_NOT_FOUND, leaderId: -1, replicaNodes: [1] });
    const v5 = await h.handle(req(['alpha']), ctx(3, 5, 'INTERNAL'));
    expect(v5.topics[0].partitions[0].errorCode).toBe(ErrorCode.LEADER_NOT_AVAILABLE);
    const v0 = await h.handle(req(['alpha']), ctx(3, 0, 'INTERNAL'));
    // v0 also leaves out replicas the client cannot reach.
    expect(v0.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE, replicaNodes: [], isrNodes: [] });
  });

  it('reports a deleted topic as unknown, by name and by id', async () => {
    const gone = await tb.broker.services.topics.createTopic({ name: 'gone', numPartitions: 1, replicationFactor: 1, configs: {} });
    await tb.broker.services.topics.deleteTopic('gone');
    const byName = await h.handle(req(['gone']), ctx(3, 12));
    expect(byName.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const byId = await h.handle(req([{ name: null, topicId: gone.topicId }]), ctx(3, 13));
    expect(byId.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });
});

describe('MetadataHandler with auto.create.topics.enable=false', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startBroker(['auto.create.topics.enable=false']);
  });
  afterAll(() => tb.stop());

  it('does not create missing topics', async () => {
    const h = new MetadataHandler(tb.broker.services);
    const res = await h.handle(req(['wanted'], { allowAutoTopicCreation: true }), ctx(3, 12));
    expect(res.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(tb.broker.services.metadata.topic('wanted')).toBeUndefined();
  });
});
