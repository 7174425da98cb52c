import { ErrorCode } from '../../../../src/protocol/error-codes';
import { ConsumerGroupState } from '../../../../src/coordinator/group/consumer/consumer-group-state';
import { MemberState } from '../../../../src/coordinator/group/consumer/member-state';
import { ConsumerHarness } from './consumer-harness';

const ok = (name: string, partitions: number[]): unknown => ({ topics: [{ name, partitions: partitions.map((p) => ({ partitionIndex: p, errorCode: ErrorCode.NONE })) }] });

describe('offsets of consumer groups (member epoch as generation)', () => {
  let h: ConsumerHarness;
  beforeEach(async () => {
    h = await ConsumerHarness.create();
    h.topic('t', 2);
    await h.join('g', 'a', ['t']);
  });

  it('the member commits at its epoch; fetches with its epoch see the offsets', async () => {
    expect(await h.commit('g', 'a', 2, { t: { 0: 5n, 1: 6n } })).toEqual(ok('t', [0, 1]));
    const f = h.shard.fetchOffsets({ groupId: 'g', memberId: 'a', memberEpoch: 2, topics: [{ name: 't', partitionIndexes: [0, 1] }] }, false);
    expect(f.errorCode).toBe(ErrorCode.NONE);
    expect(f.topics[0]!.partitions.map((p) => p.committedOffset)).toEqual([5n, 6n]);
  });

  it('an epoch newer than the member\'s is STALE_MEMBER_EPOCH; an unknown member UNKNOWN_MEMBER_ID', async () => {
    expect(await h.commit('g', 'a', 3, { t: { 0: 5n } })).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(await h.commit('g', 'zz', 2, { t: { 0: 5n } })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(() => h.shard.fetchOffsets({ groupId: 'g', memberId: 'a', memberEpoch: 7, topics: null }, false)).toThrow(expect.objectContaining({ errorCode: ErrorCode.STALE_MEMBER_EPOCH }));
  });

  it('an older epoch may commit partitions the member owned since then (KIP-1251)', async () => {
    await h.join('g', 'b', ['t']);
    const a = await h.beat('g', 'a', 2, { t: [0, 1] });
    await h.beat('g', 'a', 2, { t: a.partitions!.t! }); // a moves to epoch 3, keeping one partition from epoch 2
    expect(h.group('g').member('a')!.memberEpoch).toBe(3);
    const kept = a.partitions!.t![0]!;
    const gone = 1 - kept;
    expect(await h.commit('g', 'a', 2, { t: { [kept]: 9n } })).toEqual(ok('t', [kept]));
    expect(await h.commit('g', 'a', 2, { t: { [gone]: 9n } })).toBe(ErrorCode.STALE_MEMBER_EPOCH);
  });

  it('members of consumer groups must use OffsetCommit v9+', async () => {
    expect(await h.commit('g', 'a', 2, { t: { 0: 5n } }, 8)).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('generation -1 commits are refused while the group has members, accepted once it is empty', async () => {
    expect(await h.commit('g', '', -1, { t: { 0: 1n } })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await h.heartbeat({ groupId: 'g', memberId: 'a', memberEpoch: -1 });
    expect(await h.commit('g', '', -1, { t: { 0: 1n } })).toEqual(ok('t', [0]));
  });

  it('offsets of subscribed topics cannot be deleted; DeleteGroups needs an empty group', async () => {
    await h.commit('g', 'a', 2, { t: { 0: 5n } });
    const del = await h.runtime.scheduleWriteOperation('od', 0, (s) => s.deleteOffsets({ groupId: 'g', topics: [{ name: 't', partitions: [0] }] }));
    expect(del.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    expect(await h.runtime.scheduleWriteOperation('dg', 0, (s) => s.deleteGroups(['g']))).toEqual([{ groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP }]);
    await h.heartbeat({ groupId: 'g', memberId: 'a', memberEpoch: -1 });
    expect(await h.runtime.scheduleWriteOperation('dg', 0, (s) => s.deleteGroups(['g']))).toEqual([{ groupId: 'g', errorCode: ErrorCode.NONE }]);
    await h.settle();
    expect(h.shard.groups.group('g')).toBeUndefined();
    const h2 = await h.restart();
    expect(h2.shard.groups.group('g')).toBeUndefined();
  });
});

describe('consumer group state across coordinator restarts', () => {
  it('a restarted coordinator has the groups, members, epochs, assignments and offsets', async () => {
    const h = await ConsumerHarness.create();
    h.topic('t', 4);
    await h.join('g', 'a', ['t'], { instanceId: 'i-a', rackId: 'r1', serverAssignor: 'range' });
    await h.join('g', 'b', ['t']);
    const a = await h.beat('g', 'a', 2, { t: [0, 1, 2, 3] });
    await h.commit('g', 'a', 2, { t: { 0: 42n } });
    const before = h.group('g');
    const h2 = await h.restart();
    const g = h2.group('g');
    expect(g.groupEpoch).toBe(before.groupEpoch);
    expect(g.assignmentEpoch).toBe(before.assignmentEpoch);
    expect(g.metadataHash).toBe(before.metadataHash);
    expect(g.state).toBe(ConsumerGroupState.RECONCILING);
    expect(g.member('a')).toEqual(before.member('a'));
    expect(g.member('b')).toEqual(before.member('b'));
    expect(g.member('a')!.state).toBe(MemberState.UNREVOKED_PARTITIONS);
    expect(g.preferredServerAssignor()).toBe('range');
    expect(g.targetAssignment('b')).toEqual(before.targetAssignment('b'));
    expect(g.currentPartitionEpoch(h.topicId('t'), a.partitions!.t![0]!)).toBe(2);
    // The members carry on.
    const a2 = await h2.beat('g', 'a', 2, { t: a.partitions!.t! });
    expect(a2.memberEpoch).toBe(3);
    const b = await h2.beat('g', 'b', 3, {});
    expect(Object.values(b.partitions!).flat()).toHaveLength(2);
    const f = h2.shard.fetchOffsets({ groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0] }] }, false);
    expect(f.topics[0]!.partitions[0]!.committedOffset).toBe(42n);
  });

  it('members of a loaded group that never come back expire after the session timeout', async () => {
    const h = await ConsumerHarness.create();
    h.topic('t', 2);
    await h.join('g', 'a', ['t']);
    const h2 = await h.restart();
    await h2.advance(45_000);
    expect(h2.group('g').state).toBe(ConsumerGroupState.EMPTY);
    const h3 = await h2.restart();
    expect(h3.group('g').state).toBe(ConsumerGroupState.EMPTY);
    expect(h3.group('g').groupEpoch).toBe(3);
  });

  it('resolved regexes survive a restart', async () => {
    const h = await ConsumerHarness.create();
    h.topic('x-1', 1);
    await h.join('g', 'a', { regex: 'x-.*' });
    await h.advance(0);
    const h2 = await h.restart();
    expect([...h2.group('g').resolvedRegularExpressions.get('x-.*')!.topics]).toEqual(['x-1']);
    expect(h2.group('g').isSubscribedToTopic('x-1')).toBe(true);
  });
});
