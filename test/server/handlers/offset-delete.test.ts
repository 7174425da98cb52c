import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { commitRequest, connect, createTopic, groupBroker, OFFSET_COMMIT, OFFSET_DELETE, OFFSET_FETCH, soloMember } from './group-support';

describe('OffsetDelete', () => {
  let b: TestBroker;
  let c: RawClient;
  beforeAll(async () => {
    b = await groupBroker();
    c = await connect(b);
    await createTopic(b, 't', 2);
    await createTopic(b, 'old', 1);
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('deletes offsets of topics the group does not subscribe to; GROUP_SUBSCRIBED_TO_TOPIC for the others; unknown partitions first', async () => {
    // The member subscribes to t (its JoinGroup metadata says so).
    const { memberId, generationId } = await soloMember(c, 'g');
    await c.request(OFFSET_COMMIT, 8, commitRequest('g', [{ name: 't', partitions: [[0, 1n]] }, { name: 'old', partitions: [[0, 2n]] }], { generationIdOrMemberEpoch: generationId, memberId }));
    const r = await c.request(OFFSET_DELETE, 0, { groupId: 'g', topics: [{ name: 'old', partitions: [{ partitionIndex: 0 }, { partitionIndex: 4 }] }, { name: 't', partitions: [{ partitionIndex: 0 }] }, { name: 'nope', partitions: [{ partitionIndex: 0 }] }] });
    expect(r).toEqual({
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [
        { name: 'old', partitions: [{ partitionIndex: 4, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }, { partitionIndex: 0, errorCode: 0 }] },
        { name: 'nope', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
        { name: 't', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] },
      ],
    });
    const left = await c.request(OFFSET_FETCH, 6, { groupId: 'g', topics: null, groups: [], requireStable: false });
    expect(left.topics.map((t: { name: string }) => t.name)).toEqual(['t']);
  });

  it('group errors replace the whole response', async () => {
    expect(await c.request(OFFSET_DELETE, 0, { groupId: 'nope', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] })).toEqual({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, throttleTimeMs: 0, topics: [] });
    expect((await c.request(OFFSET_DELETE, 0, { groupId: '', topics: [] })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('offsets of a deleted topic are dropped (tombstones, as Kafka does on partition deletion)', async () => {
    await createTopic(b, 'gone', 2);
    await c.request(OFFSET_COMMIT, 8, commitRequest('d', [{ name: 'gone', partitions: [[0, 4n], [1, 5n]] }, { name: 't', partitions: [[1, 6n]] }]));
    await b.broker.services.topics.deleteTopic('gone');
    await b.broker.services.groups.whenIdle();
    const left = await c.request(OFFSET_FETCH, 6, { groupId: 'd', topics: null, groups: [], requireStable: false });
    expect(left.topics.map((t: { name: string }) => t.name)).toEqual(['t']);
  });
});
