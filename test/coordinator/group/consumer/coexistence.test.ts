import { ErrorCode } from '../../../../src/protocol/error-codes';
import { ClassicGroup } from '../../../../src/coordinator/group/classic/classic-group';
import { ConsumerGroup } from '../../../../src/coordinator/group/consumer/consumer-group';
import type { JoinResult } from '../../../../src/coordinator/group/classic/classic-group-member';
import { RCTX, subscription } from '../../support/group-harness';
import { ConsumerHarness } from './consumer-harness';

/** A classic JoinGroup (v3: no member id round trip); the zero initial delay is let pass. */
async function classicJoin(h: ConsumerHarness, groupId: string, memberId = ''): Promise<JoinResult> {
  const joined = new Promise<JoinResult>((resolve) => {
    void h.runtime.scheduleWriteOperation('join', 0, (s) =>
      s.classicGroupJoin({ ...RCTX, apiVersion: 3 }, {
        groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, memberId, groupInstanceId: null,
        protocolType: 'consumer', protocols: [{ name: 'range', metadata: subscription(['t']) }], reason: null,
      }, resolve),
    );
  });
  await h.advance(0);
  return joined;
}

describe('both group protocols on one coordinator', () => {
  let h: ConsumerHarness;
  beforeEach(async () => {
    h = await ConsumerHarness.create();
    h.topic('t', 2);
  });

  it('ListGroups shows consumer groups with their type, protocol type and state; filters apply', async () => {
    await h.join('cg', 'a', ['t']);
    await classicJoin(h, 'classic');
    await h.advance(0);
    const all = h.shard.listGroups([], []);
    expect(all).toEqual(expect.arrayContaining([
      { groupId: 'cg', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' },
      expect.objectContaining({ groupId: 'classic', groupType: 'classic' }),
    ]));
    expect(h.shard.listGroups([], ['consumer']).map((g) => g.groupId)).toEqual(['cg']);
    expect(h.shard.listGroups([], ['CLASSIC']).map((g) => g.groupId)).toEqual(['classic']);
    expect(h.shard.listGroups(['stable'], ['consumer']).map((g) => g.groupId)).toEqual(['cg']);
    expect(h.shard.listGroups(['assigning', 'reconciling', 'empty'], ['consumer'])).toEqual([]);
  });

  it('ConsumerGroupDescribe: state, epochs, assignor, members with owned and target partitions', async () => {
    await h.join('cg', 'a', ['t'], { rackId: 'r1', instanceId: 'i-1' });
    const [d] = h.shard.consumerGroupDescribe(['cg']);
    expect(d).toEqual({
      errorCode: ErrorCode.NONE, errorMessage: null, groupId: 'cg', groupState: 'Stable', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'uniform',
      members: [{
        memberId: 'a', instanceId: 'i-1', rackId: 'r1', memberEpoch: 2, clientId: 'client', clientHost: '/127.0.0.1',
        subscribedTopicNames: ['t'], subscribedTopicRegex: '',
        assignment: { topicPartitions: [{ topicId: h.topicId('t'), topicName: 't', partitions: [0, 1] }] },
        targetAssignment: { topicPartitions: [{ topicId: h.topicId('t'), topicName: 't', partitions: [0, 1] }] },
        memberType: 1,
      }],
    });
    await classicJoin(h, 'classic');
    expect(h.shard.consumerGroupDescribe(['nope', 'classic']).map((g) => [g.errorCode, g.errorMessage])).toEqual([
      [ErrorCode.GROUP_ID_NOT_FOUND, 'Group nope not found.'],
      [ErrorCode.GROUP_ID_NOT_FOUND, 'Group classic is not a consumer group.'],
    ]);
  });

  it('DescribeGroups (classic API) answers a consumer group Dead / GROUP_ID_NOT_FOUND', async () => {
    await h.join('cg', 'a', ['t']);
    const [v6] = h.shard.describeGroups(['cg'], 6);
    expect(v6).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group cg is not a classic group.', groupState: 'Dead' });
    expect(h.shard.describeGroups(['cg'], 5)[0]).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Dead' });
  });

  it('a classic JoinGroup for a consumer group with members is INCONSISTENT_GROUP_PROTOCOL', async () => {
    await h.join('cg', 'a', ['t']);
    expect((await classicJoin(h, 'cg')).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(h.shard.groups.group('cg')).toBeInstanceOf(ConsumerGroup);
  });

  it('a classic JoinGroup for an empty consumer group turns it into a classic group (offsets kept)', async () => {
    await h.join('cg', 'a', ['t']);
    await h.commit('cg', 'a', 2, { t: { 0: 7n } });
    await h.heartbeat({ groupId: 'cg', memberId: 'a', memberEpoch: -1 });
    const r = await classicJoin(h, 'cg');
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(h.shard.groups.group('cg')).toBeInstanceOf(ClassicGroup);
    const h2 = await h.restart();
    expect(h2.shard.groups.group('cg')).toBeInstanceOf(ClassicGroup);
    expect(h2.shard.fetchOffsets({ groupId: 'cg', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0] }] }, false).topics[0]!.partitions[0]!.committedOffset).toBe(7n);
  });

  it('a ConsumerGroupHeartbeat for a classic group with members is GROUP_ID_NOT_FOUND', async () => {
    await classicJoin(h, 'classic');
    const r = await h.join('classic', 'a', ['t']);
    expect(r.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(r.errorMessage).toBe('Cannot upgrade classic group classic to consumer group because online upgrade is disabled.');
  });

  it('a group that only holds offsets (empty classic group) becomes a consumer group', async () => {
    await h.commit('simple', '', -1, { t: { 1: 3n } });
    expect(h.shard.groups.group('simple')).toBeInstanceOf(ClassicGroup);
    const r = await h.join('simple', 'a', ['t']);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(h.shard.groups.group('simple')).toBeInstanceOf(ConsumerGroup);
    const h2 = await h.restart();
    expect(h2.shard.groups.group('simple')).toBeInstanceOf(ConsumerGroup);
    expect(h2.shard.fetchOffsets({ groupId: 'simple', memberId: 'a', memberEpoch: 2, topics: [{ name: 't', partitionIndexes: [1] }] }, false).topics[0]!.partitions[0]!.committedOffset).toBe(3n);
  });

  it('a classic Heartbeat for a consumer group is UNKNOWN_MEMBER_ID', async () => {
    await h.join('cg', 'a', ['t']);
    const hb = await h.runtime.scheduleWriteOperation('hb', 0, (s) => s.classicGroupHeartbeat({ groupId: 'cg', memberId: 'a', generationId: 1, groupInstanceId: null })).catch((e: { errorCode: number }) => e.errorCode);
    expect(hb).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe('server assignors and the assignment interval', () => {
  it('a member may ask for the range assignor; the most requested assignor is used', async () => {
    const h = await ConsumerHarness.create();
    h.topic('t', 4);
    await h.join('g', 'b', ['t'], { serverAssignor: 'range' });
    await h.join('g', 'a', ['t'], { serverAssignor: 'range' });
    expect(h.shard.consumerGroupDescribe(['g'])[0]!.assignorName).toBe('range');
    // Range: a (sorted first) gets 0-1, b gets 2-3 in the target.
    const g = h.group('g');
    expect([...g.targetAssignment('a').get(h.topicId('t'))!].sort()).toEqual([0, 1]);
    expect([...g.targetAssignment('b').get(h.topicId('t'))!].sort()).toEqual([2, 3]);
  });

  it('a new target assignment is computed at most once per group.consumer.assignment.interval.ms (KIP-1263)', async () => {
    const h = await ConsumerHarness.create({ assignmentIntervalMs: 1000 });
    h.topic('t', 4);
    await h.join('g', 'a', ['t']);
    const b = await h.join('g', 'b', ['t']);
    // Within the interval: the group epoch moved, the assignment did not.
    expect(h.group('g').groupEpoch).toBe(3);
    expect(h.group('g').assignmentEpoch).toBe(2);
    expect(h.group('g').state).toBe('Assigning');
    expect(b.memberEpoch).toBe(2);
    expect(b.partitions).toEqual({});
    await h.advance(1000);
    const a = await h.beat('g', 'a', 2, { t: [0, 1, 2, 3] });
    expect(h.group('g').assignmentEpoch).toBe(3);
    expect(a.partitions!.t).toHaveLength(2);
  });
});
