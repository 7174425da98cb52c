import { ErrorCode } from '../../../src/protocol/error-codes';
import type { CreatePartitionsRequest, CreatePartitionsRequestCreatePartitionsTopic } from '../../../src/protocol/generated/create-partitions';
import { CreatePartitionsHandler } from '../../../src/server/handlers/create-partitions';
import { ctx, startBroker, type TestBroker } from './helpers';

const grow = (name: string, count: number, assignments: number[][] | null = null): CreatePartitionsRequestCreatePartitionsTopic => ({
  name,
  count,
  assignments: assignments === null ? null : assignments.map((brokerIds) => ({ brokerIds })),
});
const req = (topics: CreatePartitionsRequestCreatePartitionsTopic[], validateOnly = false, timeoutMs = 5000): CreatePartitionsRequest => ({ topics, timeoutMs, validateOnly });

describe('CreatePartitionsHandler', () => {
  let tb: TestBroker;
  let h: CreatePartitionsHandler;
  const create = (name: string, numPartitions = 1) => tb.broker.services.topics.createTopic({ name, numPartitions, replicationFactor: 1, configs: {} });
  const count = (name: string) => tb.broker.services.metadata.topic(name)!.partitions.length;

  beforeAll(async () => {
    tb = await startBroker();
    h = new CreatePartitionsHandler(tb.broker.services);
  });
  afterAll(() => tb.stop());

  it('grows a topic and creates the new partitions logs', async () => {
    await create('grow-me', 1);
    const res = await h.handle(req([grow('grow-me', 3)]), ctx(37, 3));
    expect(res.results).toEqual([{ name: 'grow-me', errorCode: 0, errorMessage: null }]);
    expect(count('grow-me')).toBe(3);
    expect(tb.broker.services.logs.getLog({ topic: 'grow-me', partition: 2 })).toBeDefined();
    expect(tb.broker.services.metadata.topic('grow-me')!.partitions[2]).toMatchObject({ partition: 2, leader: 1, replicas: [1], isr: [1] });
  });

  it('takes explicit assignments, one per new partition', async () => {
    await create('assigned', 1);
    const res = await h.handle(req([grow('assigned', 3, [[1], [1]])]), ctx(37, 0));
    expect(res.results[0].errorCode).toBe(0);
    expect(count('assigned')).toBe(3);
  });

  it('refuses anything but an increase, and bad assignments', async () => {
    await create('fixed', 2);
    const res = await h.handle(
      req([grow('fixed', 2), grow('nope', 3), grow('bad name!', 3)]),
      ctx(37, 3),
    );
    expect(res.results.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual([
      ['fixed', ErrorCode.INVALID_PARTITIONS, 'Topic already has 2 partition(s).'],
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null],
      ['bad name!', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null],
    ]);
    const fewer = await h.handle(req([grow('fixed', 1)]), ctx(37, 3));
    expect(fewer.results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: expect.stringContaining('would not be an increase') });
    const cases: [number[][], number][] = [
      [[[1]], ErrorCode.INVALID_REPLICA_ASSIGNMENT], // 2 new partitions, 1 assignment
      [[[1], [2]], ErrorCode.INVALID_REPLICA_ASSIGNMENT], // unknown broker
      [[[1], [1, 1]], ErrorCode.INVALID_REPLICA_ASSIGNMENT], // broker twice
      [[[1], []], ErrorCode.INVALID_REPLICA_ASSIGNMENT], // empty
    ];
    for (const [assignments, code] of cases) {
      expect((await h.handle(req([grow('fixed', 4, assignments)]), ctx(37, 3))).results[0].errorCode).toBe(code);
    }
    expect(count('fixed')).toBe(2);
  });

  it('validate_only checks without growing', async () => {
    await create('dry', 1);
    expect((await h.handle(req([grow('dry', 5)], true), ctx(37, 3))).results[0].errorCode).toBe(0);
    expect(count('dry')).toBe(1);
  });

  it('answers a topic named twice with INVALID_REQUEST, once, before the others', async () => {
    await create('dup', 1);
    await create('other', 1);
    const res = await h.handle(req([grow('dup', 2), grow('other', 2), grow('dup', 3)]), ctx(37, 3));
    expect(res.results.map((r) => [r.name, r.errorCode])).toEqual([
      ['dup', ErrorCode.INVALID_REQUEST],
      ['other', 0],
    ]);
    expect(count('dup')).toBe(1);
  });

  it('fails every topic on a timeout of 0 and beyond 10000 new partitions', async () => {
    await create('limits', 1);
    const late = await h.handle(req([grow('limits', 2)], false, 0), ctx(37, 3));
    expect(late.results[0].errorCode).toBe(ErrorCode.REQUEST_TIMED_OUT);
    const huge = await h.handle(req([grow('limits', 20000)]), ctx(37, 3));
    expect(huge.results[0].errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    expect(count('limits')).toBe(1);
  });

  it('answers one of two concurrent growths to the same count with INVALID_PARTITIONS', async () => {
    await create('race', 1);
    const [a, b] = await Promise.all([h.handle(req([grow('race', 2)]), ctx(37, 3)), h.handle(req([grow('race', 2)]), ctx(37, 3))]);
    expect([a.results[0].errorCode, b.results[0].errorCode].sort()).toEqual([0, ErrorCode.INVALID_PARTITIONS]);
    expect(count('race')).toBe(2);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a deleted topic', async () => {
    await create('deleted', 1);
    await tb.broker.services.topics.deleteTopic('deleted');
    expect((await h.handle(req([grow('deleted', 2)]), ctx(37, 3))).results[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});
