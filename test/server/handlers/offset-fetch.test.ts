import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { commitRequest, connect, createTopic, groupBroker, OFFSET_COMMIT, OFFSET_FETCH, ZERO } from './group-support';

const part = (partitionIndex: number, committedOffset: bigint, metadata = '', errorCode = 0) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, metadata, errorCode });

describe('OffsetFetch', () => {
  let b: TestBroker;
  let c: RawClient;
  let tid: string;
  beforeAll(async () => {
    b = await groupBroker();
    c = await connect(b);
    tid = await createTopic(b, 't', 2);
    await createTopic(b, 'u', 1);
    await c.request(OFFSET_COMMIT, 9, commitRequest('g', [{ name: 't', partitions: [[0, 7n, 'm']] }, { name: 'u', partitions: [[0, 3n]] }]));
    await c.request(OFFSET_COMMIT, 9, commitRequest('h', [{ name: 'u', partitions: [[0, 9n]] }]));
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('v1-v7: one group; -1 where nothing is committed (unknown topics and groups are not errors); null topics = all (v2+)', async () => {
    const r = await c.request(OFFSET_FETCH, 1, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }, { name: 'nope', partitionIndexes: [0] }], groups: [], requireStable: false });
    expect(r).toEqual({ throttleTimeMs: 0, errorCode: 0, groups: [], topics: [{ name: 't', partitions: [part(0, 7n, 'm'), part(1, -1n)] }, { name: 'nope', partitions: [part(0, -1n)] }] });
    const all = await c.request(OFFSET_FETCH, 5, { groupId: 'g', topics: null, groups: [], requireStable: false });
    expect(all.topics).toEqual([{ name: 't', partitions: [part(0, 7n, 'm')] }, { name: 'u', partitions: [part(0, 3n)] }]);
    const unknown = await c.request(OFFSET_FETCH, 7, { groupId: 'zz', topics: [{ name: 't', partitionIndexes: [0] }], groups: [], requireStable: true });
    expect(unknown).toEqual({ throttleTimeMs: 0, errorCode: 0, groups: [], topics: [{ name: 't', partitions: [part(0, -1n)] }] });
  });

  it('v8+: several groups in one request', async () => {
    const r = await c.request(OFFSET_FETCH, 8, {
      groupId: '',
      topics: [],
      requireStable: false,
      groups: [
        { groupId: 'g', memberId: null, memberEpoch: -1, topics: null },
        { groupId: 'h', memberId: null, memberEpoch: -1, topics: [{ name: 'u', topicId: ZERO, partitionIndexes: [0] }] },
        { groupId: 'zz', memberId: null, memberEpoch: -1, topics: null },
      ],
    });
    expect(r.groups).toEqual([
      { groupId: 'g', errorCode: 0, topics: [{ name: 't', topicId: ZERO, partitions: [part(0, 7n, 'm')] }, { name: 'u', topicId: ZERO, partitions: [part(0, 3n)] }] },
      { groupId: 'h', errorCode: 0, topics: [{ name: 'u', topicId: ZERO, partitions: [part(0, 9n)] }] },
      { groupId: 'zz', errorCode: 0, topics: [] },
    ]);
  });

  it('v10: topics by id; an unknown id is UNKNOWN_TOPIC_ID', async () => {
    const unknownId = 'AAAAAAAAAAAAAAAAAAAAAQ';
    const r = await c.request(OFFSET_FETCH, 10, {
      groupId: '',
      topics: [],
      requireStable: false,
      groups: [
        { groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: '', topicId: tid, partitionIndexes: [0, 1] }, { name: '', topicId: unknownId, partitionIndexes: [0] }] },
        { groupId: 'g', memberId: null, memberEpoch: -1, topics: null },
      ],
    });
    expect(r.groups[0]).toEqual({ groupId: 'g', errorCode: 0, topics: [{ name: '', topicId: tid, partitions: [part(0, 7n, 'm'), part(1, -1n)] }, { name: '', topicId: unknownId, partitions: [part(0, -1n, '', ErrorCode.UNKNOWN_TOPIC_ID)] }] });
    expect(r.groups[1].topics.map((t: { topicId: string }) => t.topicId)).toEqual([tid, b.broker.services.metadata.topic('u')!.topicId]);
  });
});
