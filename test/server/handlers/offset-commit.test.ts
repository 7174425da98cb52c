import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { commitRequest, connect, createTopic, groupBroker, OFFSET_COMMIT, OFFSET_FETCH, soloMember, ZERO } from './group-support';

describe('OffsetCommit', () => {
  let b: TestBroker;
  let c: RawClient;
  let tid: string;
  beforeAll(async () => {
    b = await groupBroker(['offset.metadata.max.bytes=10']);
    c = await connect(b);
    tid = await createTopic(b, 't', 2);
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  const fetch = async (groupId: string, partitions = [0, 1]) =>
    (await c.request(OFFSET_FETCH, 7, { groupId, topics: [{ name: 't', partitionIndexes: partitions }], groups: [], requireStable: false })).topics[0].partitions.map((p: { committedOffset: bigint; metadata: string }) => [p.committedOffset, p.metadata]);

  it('unknown topics and partitions come first with UNKNOWN_TOPIC_OR_PARTITION; the rest is committed', async () => {
    const r = await c.request(OFFSET_COMMIT, 9, commitRequest('s', [{ name: 'nope', partitions: [[0, 5n]] }, { name: 't', partitions: [[0, 7n, 'm'], [9, 1n]] }]));
    expect(r).toEqual({
      throttleTimeMs: 0,
      topics: [
        { name: 'nope', topicId: ZERO, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
        { name: 't', topicId: ZERO, partitions: [{ partitionIndex: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }, { partitionIndex: 0, errorCode: 0 }] },
      ],
    });
    expect(await fetch('s')).toEqual([[7n, 'm'], [-1n, '']]);
  });

  it('v10: topics by id; an unknown id is UNKNOWN_TOPIC_ID; metadata over offset.metadata.max.bytes is refused', async () => {
    const unknownId = 'AAAAAAAAAAAAAAAAAAAAAQ';
    const r = await c.request(OFFSET_COMMIT, 10, commitRequest('s', [{ topicId: unknownId, partitions: [[0, 1n]] }, { topicId: tid, partitions: [[0, 8n], [1, 2n, 'x'.repeat(11)]] }]));
    expect(r.topics).toEqual([
      { name: '', topicId: unknownId, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }] },
      { name: '', topicId: tid, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE }] },
    ]);
    expect(await fetch('s')).toEqual([[8n, ''], [-1n, '']]);
  });

  it('a generation for a group that does not exist: ILLEGAL_GENERATION before v9, GROUP_ID_NOT_FOUND from v9', async () => {
    const req = commitRequest('missing', [{ name: 't', partitions: [[0, 1n]] }], { generationIdOrMemberEpoch: 3, memberId: 'm' });
    expect((await c.request(OFFSET_COMMIT, 8, req)).topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await c.request(OFFSET_COMMIT, 9, req)).topics[0].partitions[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    // Nothing valid to commit: the group is not even looked at.
    expect((await c.request(OFFSET_COMMIT, 9, commitRequest('missing', [{ name: 'nope', partitions: [[0, 1n]] }], { generationIdOrMemberEpoch: 3 }))).topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('members commit with their generation; others are refused; the empty group id is accepted', async () => {
    const { memberId, generationId } = await soloMember(c, 'g');
    const ok = await c.request(OFFSET_COMMIT, 8, commitRequest('g', [{ name: 't', partitions: [[1, 42n]] }], { generationIdOrMemberEpoch: generationId, memberId }));
    expect(ok.topics[0].partitions).toEqual([{ partitionIndex: 1, errorCode: 0 }]);
    expect((await c.request(OFFSET_COMMIT, 8, commitRequest('g', [{ name: 't', partitions: [[1, 1n]] }]))).topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await c.request(OFFSET_COMMIT, 8, commitRequest('g', [{ name: 't', partitions: [[1, 1n]] }], { generationIdOrMemberEpoch: generationId + 1, memberId }))).topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await fetch('g')).toEqual([[-1n, ''], [42n, '']]);
    expect((await c.request(OFFSET_COMMIT, 9, commitRequest('', [{ name: 't', partitions: [[0, 3n]] }]))).topics[0].partitions[0].errorCode).toBe(0);
    expect(await fetch('')).toEqual([[3n, ''], [-1n, '']]);
  });

  it('v1 (explicit commit time) and v2 (retention time) are served', async () => {
    const v1 = commitRequest('old', [{ name: 't', partitions: [[0, 10n]] }]);
    (v1.topics as Array<{ partitions: Array<{ commitTimestamp: bigint }> }>)[0]!.partitions[0]!.commitTimestamp = 1_000n;
    expect((await c.request(OFFSET_COMMIT, 1, v1)).topics[0].partitions[0].errorCode).toBe(0);
    expect((await c.request(OFFSET_COMMIT, 2, commitRequest('old', [{ name: 't', partitions: [[1, 11n]] }], { retentionTimeMs: 60_000n }))).topics[0].partitions[0].errorCode).toBe(0);
    expect(await fetch('old')).toEqual([[10n, ''], [11n, '']]);
  });
});
