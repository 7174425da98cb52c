import { ErrorCode } from '../../../../src/protocol/error-codes';
import { ConsumerGroupState } from '../../../../src/coordinator/group/consumer/consumer-group-state';
import { MemberState } from '../../../../src/coordinator/group/consumer/member-state';
import { allPartitions, ConsumerHarness } from './consumer-harness';

describe('consumer group reconciliation (KIP-848)', () => {
  let h: ConsumerHarness;
  beforeEach(async () => {
    h = await ConsumerHarness.create();
    h.topic('t', 6);
  });

  it('a first member joins: epoch 2 (groups start at 1), every partition, Stable', async () => {
    const r = await h.join('g', 'a', ['t']);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.memberId).toBe('a');
    // Kafka 4.4 creates groups at epoch 1; the first member bumps it to 2.
    expect(r.memberEpoch).toBe(2);
    expect(r.heartbeatIntervalMs).toBe(5000);
    expect(r.partitions).toEqual({ t: [0, 1, 2, 3, 4, 5] });
    const g = h.group('g');
    expect(g.state).toBe(ConsumerGroupState.STABLE);
    expect(g.groupEpoch).toBe(2);
    expect(g.assignmentEpoch).toBe(2);
  });

  it('v0: the coordinator picks the member id (22 base64url characters)', async () => {
    const r = await h.heartbeat({ groupId: 'g', memberEpoch: 0, rebalanceTimeoutMs: 1000, subscribedTopicNames: ['t'], topicPartitions: [] }, 0);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.memberId).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });

  it('a partition moves to a new member only after its owner revoked it', async () => {
    await h.join('g', 'a', ['t']);
    // b joins: the target splits the partitions but a still owns them all.
    const b1 = await h.join('g', 'b', ['t']);
    expect(b1.memberEpoch).toBe(3);
    expect(b1.partitions).toEqual({});
    expect(h.group('g').member('b')!.state).toBe(MemberState.UNRELEASED_PARTITIONS);
    expect(h.group('g').state).toBe(ConsumerGroupState.RECONCILING);
    const bTarget = [...h.group('g').targetAssignment('b').get(h.topicId('t'))!].sort();
    expect(bTarget).toHaveLength(3);

    // a is told to give up b's partitions; it stays at epoch 1 until it has.
    const a1 = await h.beat('g', 'a', 2, { t: [0, 1, 2, 3, 4, 5] });
    expect(a1.memberEpoch).toBe(2);
    const aKept = a1.partitions!.t!;
    expect(aKept).toHaveLength(3);
    expect(aKept.some((p) => bTarget.includes(p))).toBe(false);
    expect(h.group('g').member('a')!.state).toBe(MemberState.UNREVOKED_PARTITIONS);

    // b still waits: a has not confirmed the revocation.
    const b2 = await h.beat('g', 'b', 3, {});
    expect(b2.memberEpoch).toBe(3);
    expect(b2.assignment).toBeNull();

    // a reports only what it kept: revocation done, epoch 2.
    const a2 = await h.beat('g', 'a', 2, { t: aKept });
    expect(a2.memberEpoch).toBe(3);
    expect(h.group('g').member('a')!.state).toBe(MemberState.STABLE);

    // Now b gets its partitions.
    const b3 = await h.beat('g', 'b', 3, {});
    expect(b3.partitions).toEqual({ t: bTarget });
    expect(h.group('g').member('b')!.state).toBe(MemberState.STABLE);
    expect(h.group('g').state).toBe(ConsumerGroupState.STABLE);
    expect(allPartitions([{ t: aKept }, b3.partitions])).toEqual(['t-0', 't-1', 't-2', 't-3', 't-4', 't-5']);
  });

  it('a member that leaves (epoch -1) gives its partitions to the others', async () => {
    await h.join('g', 'a', ['t']);
    await h.join('g', 'b', ['t']);
    const a1 = await h.beat('g', 'a', 2, { t: [0, 1, 2, 3, 4, 5] });
    await h.beat('g', 'a', 2, { t: a1.partitions!.t! });
    await h.beat('g', 'b', 3, {});
    const left = await h.heartbeat({ groupId: 'g', memberId: 'a', memberEpoch: -1 });
    expect(left).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 'a', memberEpoch: -1, heartbeatIntervalMs: 0 });
    expect(h.group('g').hasMember('a')).toBe(false);
    expect(h.group('g').groupEpoch).toBe(4);
    const b = await h.beat('g', 'b', 3, { t: h.named([...h.group('g').member('b')!.assignedPartitions].map(([topicId, ps]) => ({ topicId, partitions: [...ps.keys()] }))).t! });
    expect(b.memberEpoch).toBe(4);
    expect(b.partitions).toEqual({ t: [0, 1, 2, 3, 4, 5] });
  });

  it('the last member leaving empties the group: assignment epoch follows, state Empty', async () => {
    await h.join('g', 'a', ['t']);
    await h.heartbeat({ groupId: 'g', memberId: 'a', memberEpoch: -1 });
    const g = h.group('g');
    expect(g.state).toBe(ConsumerGroupState.EMPTY);
    expect(g.groupEpoch).toBe(3);
    expect(g.assignmentEpoch).toBe(3);
  });

  it('a rejoin with epoch 0 and the same member id gets its assignment back (KIP-1082)', async () => {
    await h.join('g', 'a', ['t']);
    const again = await h.join('g', 'a', ['t']);
    expect(again.memberEpoch).toBe(2);
    expect(again.partitions).toEqual({ t: [0, 1, 2, 3, 4, 5] });
  });

  it('a changed subscription bumps the group epoch and reassigns', async () => {
    h.topic('u', 2);
    await h.join('g', 'a', ['t']);
    const r = await h.heartbeat({ groupId: 'g', memberId: 'a', memberEpoch: 2, subscribedTopicNames: ['u'], topicPartitions: h.owned({ t: [0, 1, 2, 3, 4, 5] }) });
    // t must be revoked before u is given.
    expect(r.memberEpoch).toBe(2);
    expect(r.partitions).toEqual({});
    const r2 = await h.beat('g', 'a', 2, {});
    expect(r2.memberEpoch).toBe(3);
    expect(r2.partitions).toEqual({ u: [0, 1] });
  });
});

describe('consumer group member epochs and fencing', () => {
  let h: ConsumerHarness;
  beforeEach(async () => {
    h = await ConsumerHarness.create();
    h.topic('t', 2);
    await h.join('g', 'a', ['t']);
  });

  it('an epoch ahead of the member is FENCED_MEMBER_EPOCH', async () => {
    const r = await h.beat('g', 'a', 5, {});
    expect(r.errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect(r.errorMessage).toBe('The consumer group member has a greater member epoch (5) than the one known by the group coordinator (2). The member must abandon all its partitions and rejoin.');
  });

  it('the previous epoch is accepted while the member owns only assigned partitions (lost response)', async () => {
    await h.join('g', 'b', ['t']);
    const a = await h.beat('g', 'a', 2, { t: [0, 1] }); // a must revoke one partition, stays at 2
    await h.beat('g', 'a', 2, { t: a.partitions!.t! }); // now epoch 3, previous 2
    expect(h.group('g').member('a')!.memberEpoch).toBe(3);
    expect((await h.beat('g', 'a', 2, { t: a.partitions!.t! })).errorCode).toBe(ErrorCode.NONE);
    expect((await h.beat('g', 'a', 2, { t: [0, 1] })).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
  });

  it('an older epoch that is not the previous one is FENCED_MEMBER_EPOCH', async () => {
    await h.join('g', 'b', ['t']);
    const a = await h.beat('g', 'a', 2, { t: [0, 1] });
    await h.beat('g', 'a', 2, { t: a.partitions!.t! });
    // b is at epoch 3 with previous epoch 0: epoch 1 is neither.
    expect(h.group('g').member('b')).toMatchObject({ memberEpoch: 3, previousMemberEpoch: 0 });
    const r = await h.heartbeat({ groupId: 'g', memberId: 'b', memberEpoch: 1, topicPartitions: [] });
    expect(r.errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect(r.errorMessage).toContain('smaller member epoch (1)');
  });

  it('an unknown member is UNKNOWN_MEMBER_ID; an unknown group GROUP_ID_NOT_FOUND', async () => {
    expect((await h.beat('g', 'zz', 1, {})).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const r = await h.beat('nope', 'a', 1, {});
    expect(r.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(r.errorMessage).toBe('Consumer group nope not found.');
    expect((await h.heartbeat({ groupId: 'nope', memberId: 'a', memberEpoch: -1 })).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect((await h.heartbeat({ groupId: 'g', memberId: 'zz', memberEpoch: -1 })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('group.consumer.max.size turns new members away with GROUP_MAX_SIZE_REACHED', async () => {
    const small = await ConsumerHarness.create({ maxSize: 1 });
    small.topic('t', 2);
    expect((await small.join('g', 'a', ['t'])).errorCode).toBe(ErrorCode.NONE);
    const r = await small.join('g', 'b', ['t']);
    expect(r.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(r.errorMessage).toBe('The consumer group has reached its maximum capacity of 1 members.');
    expect((await small.beat('g', 'a', 2, { t: [0, 1] })).errorCode).toBe(ErrorCode.NONE);
  });
});

describe('consumer group timeouts', () => {
  let h: ConsumerHarness;
  beforeEach(async () => {
    h = await ConsumerHarness.create({ sessionTimeoutMs: 45_000 });
    h.topic('t', 4);
  });

  it('a member that stops heartbeating is removed after the session timeout', async () => {
    await h.join('g', 'a', ['t']);
    await h.join('g', 'b', ['t']);
    await h.advance(30_000);
    await h.beat('g', 'b', 3, {}); // b keeps its session
    await h.advance(15_000); // a's 45 s are up
    expect(h.group('g').hasMember('a')).toBe(false);
    expect(h.group('g').hasMember('b')).toBe(true);
    expect(h.group('g').groupEpoch).toBe(4);
    const b = await h.beat('g', 'b', 3, {});
    expect(b.memberEpoch).toBe(4);
    expect(b.partitions).toEqual({ t: [0, 1, 2, 3] });
    await h.advance(45_000);
    expect(h.group('g').state).toBe(ConsumerGroupState.EMPTY);
  });

  it('a member that does not revoke within its rebalance timeout is fenced', async () => {
    await h.join('g', 'a', ['t'], { rebalanceTimeoutMs: 10_000 });
    await h.join('g', 'b', ['t']);
    await h.beat('g', 'a', 2, { t: [0, 1, 2, 3] }); // told to revoke
    await h.advance(5_000);
    await h.beat('g', 'a', 2, { t: [0, 1, 2, 3] }); // still owns them
    await h.beat('g', 'b', 3, {});
    await h.advance(5_000);
    expect(h.group('g').hasMember('a')).toBe(false);
    const b = await h.beat('g', 'b', 3, {});
    expect(b.partitions).toEqual({ t: [0, 1, 2, 3] });
  });

  it('revoking in time cancels the rebalance timeout', async () => {
    await h.join('g', 'a', ['t'], { rebalanceTimeoutMs: 10_000 });
    await h.join('g', 'b', ['t']);
    const a = await h.beat('g', 'a', 2, { t: [0, 1, 2, 3] });
    await h.beat('g', 'a', 2, { t: a.partitions!.t! });
    await h.beat('g', 'b', 3, {});
    await h.advance(10_000);
    expect(h.group('g').hasMember('a')).toBe(true);
  });
});
