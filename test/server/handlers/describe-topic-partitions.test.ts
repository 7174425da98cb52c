import { ErrorCode } from '../../../src/protocol/error-codes';
import type { DescribeTopicPartitionsRequest } from '../../../src/protocol/generated/describe-topic-partitions';
import { ZERO_UUID } from '../../../src/protocol/primitives/tagged';
import { AUTHORIZED_OPERATIONS_OMITTED, TOPIC_OPERATIONS } from '../../../src/server/handlers/authorized-operations';
import { DescribeTopicPartitionsHandler } from '../../../src/server/handlers/describe-topic-partitions';
import { ctx, startBroker, type TestBroker } from './helpers';

const req = (topics: string[], responsePartitionLimit: number, cursor: [string, number] | null = null): DescribeTopicPartitionsRequest => ({
  topics: topics.map((name) => ({ name })),
  responsePartitionLimit,
  cursor: cursor && { topicName: cursor[0], partitionIndex: cursor[1] },
});

/** topic → partition indexes of a response, in order. */
const pages = (res: ReturnType<DescribeTopicPartitionsHandler['handle']>) => res.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)]);

describe('DescribeTopicPartitionsHandler', () => {
  let tb: TestBroker;
  let h: DescribeTopicPartitionsHandler;
  beforeAll(async () => {
    tb = await startBroker(['max.request.partition.size.limit=5']);
    h = new DescribeTopicPartitionsHandler(tb.broker.services);
    await tb.broker.services.topics.createTopic({ name: 'ta', numPartitions: 3, replicationFactor: 1, configs: {} });
    await tb.broker.services.topics.createTopic({ name: 'tb', numPartitions: 2, replicationFactor: 1, configs: {} });
    await tb.broker.services.topics.createTopic({ name: 'tc', numPartitions: 4, replicationFactor: 1, configs: {} });
  });
  afterAll(() => tb.stop());

  it('describes topics in name order with their partitions and operations', () => {
    const res = h.handle(req(['tb', 'ta'], 100), ctx(75, 0));
    expect(pages(res)).toEqual([
      ['ta', 0, [0, 1, 2]],
      ['tb', 0, [0, 1]],
    ]);
    expect(res.nextCursor).toBeNull();
    const ta = res.topics[0];
    expect(ta).toMatchObject({ topicId: tb.broker.services.metadata.topic('ta')!.topicId, isInternal: false, topicAuthorizedOperations: TOPIC_OPERATIONS });
    expect(ta.partitions[0]).toEqual({
      errorCode: 0,
      partitionIndex: 0,
      leaderId: 1,
      leaderEpoch: 0,
      replicaNodes: [1],
      isrNodes: [1],
      eligibleLeaderReplicas: [],
      lastKnownElr: [],
      offlineReplicas: [],
    });
  });

  it('pages with a cursor: inside a topic, and at a topic boundary', () => {
    const first = h.handle(req(['ta', 'tb', 'tc'], 2), ctx(75, 0));
    expect(pages(first)).toEqual([['ta', 0, [0, 1]]]);
    expect(first.nextCursor).toEqual({ topicName: 'ta', partitionIndex: 2 });
    const second = h.handle(req(['ta', 'tb', 'tc'], 3, ['ta', 2]), ctx(75, 0));
    expect(pages(second)).toEqual([
      ['ta', 0, [2]],
      ['tb', 0, [0, 1]],
    ]);
    // The limit was used up exactly: the next page starts at the next topic.
    expect(second.nextCursor).toEqual({ topicName: 'tc', partitionIndex: 0 });
    const third = h.handle(req(['ta', 'tb', 'tc'], 3, ['tc', 0]), ctx(75, 0));
    expect(pages(third)).toEqual([['tc', 0, [0, 1, 2]]]);
    expect(third.nextCursor).toEqual({ topicName: 'tc', partitionIndex: 3 });
  });

  it('caps the page at max.request.partition.size.limit and at least 1', () => {
    const capped = h.handle(req([], 1000), ctx(75, 0));
    expect(capped.topics.flatMap((t) => t.partitions)).toHaveLength(5);
    expect(capped.nextCursor).toEqual({ topicName: 'tc', partitionIndex: 0 });
    const zero = h.handle(req(['ta'], 0), ctx(75, 0));
    expect(pages(zero)).toEqual([['ta', 0, [0]]]);
  });

  it('lists missing and illegal topics with their error when named, using none of the limit', () => {
    const res = h.handle(req(['nope', 'ta', 'bad name!'], 3), ctx(75, 0));
    expect(pages(res)).toEqual([
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION, []],
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
      ['ta', 0, [0, 1, 2]],
    ]);
    expect(res.topics[1].topicId).toBe(ZERO_UUID);
  });

  it('gives an empty page for a cursor past the end of its topic', () => {
    const res = h.handle(req(['ta'], 5, ['ta', 7]), ctx(75, 0));
    expect(pages(res)).toEqual([['ta', 0, []]]);
    expect(res.nextCursor).toBeNull();
  });

  it('fails the whole request for a cursor outside the topic list or with a negative partition', () => {
    expect(() => h.handle(req(['ta'], 5, ['zz', 0]), ctx(75, 0))).toThrow(expect.objectContaining({ errorCode: ErrorCode.INVALID_REQUEST }));
    expect(() => h.handle(req(['ta'], 5, ['ta', -1]), ctx(75, 0))).toThrow(expect.objectContaining({ errorCode: ErrorCode.INVALID_REQUEST }));
    expect(h.errorResponse(req(['ta'], 5, ['ta', -1]), ErrorCode.INVALID_REQUEST)).toEqual({
      throttleTimeMs: 0,
      topics: [{ errorCode: ErrorCode.INVALID_REQUEST, name: 'ta', topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED }],
      nextCursor: null,
    });
  });
});
