import { ErrorCode } from '../../../../src/protocol/error-codes';
import { MemberState } from '../../../../src/coordinator/group/consumer/member-state';
import { ConsumerHarness } from './consumer-harness';

describe('static members of consumer groups', () => {
  let h: ConsumerHarness;
  beforeEach(async () => {
    h = await ConsumerHarness.create();
    h.topic('t', 4);
  });

  it('a static member leaving with epoch -2 keeps its place; its next instance takes its partitions back', async () => {
    await h.join('g', 'a1', ['t'], { instanceId: 'i-a' });
    await h.join('g', 'b', ['t']);
    const a = await h.beat('g', 'a1', 2, { t: [0, 1, 2, 3] }, { instanceId: 'i-a' });
    await h.beat('g', 'a1', 2, { t: a.partitions!.t! }, { instanceId: 'i-a' });
    const kept = a.partitions!.t!;

    const left = await h.heartbeat({ groupId: 'g', memberId: 'a1', memberEpoch: -2, instanceId: 'i-a' });
    expect(left).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 'a1', memberEpoch: -2 });
    const g = h.group('g');
    expect(g.member('a1')!.memberEpoch).toBe(-2);
    const epochBefore = g.groupEpoch;
    // Its partitions are not handed to b meanwhile.
    expect(g.targetAssignment('b').get(h.topicId('t'))!.size).toBe(2);

    const back = await h.join('g', 'a2', ['t'], { instanceId: 'i-a' });
    expect(back.errorCode).toBe(ErrorCode.NONE);
    expect(back.memberId).toBe('a2');
    expect(back.partitions).toEqual({ t: kept });
    expect(h.group('g').hasMember('a1')).toBe(false);
    expect(h.group('g').member('a2')!.state).toBe(MemberState.STABLE);
    expect(h.group('g').groupEpoch).toBe(epochBefore); // same subscription: no rebalance
  });

  it('a second instance while the first has not left is UNRELEASED_INSTANCE_ID', async () => {
    await h.join('g', 'a1', ['t'], { instanceId: 'i-a' });
    const r = await h.join('g', 'a2', ['t'], { instanceId: 'i-a' });
    expect(r.errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);
    expect(r.errorMessage).toBe('Static member a2 with instance id i-a cannot join the group because the instance id is owned by a1 member.');
  });

  it('a heartbeat with the instance id of another member id is FENCED_INSTANCE_ID', async () => {
    await h.join('g', 'a1', ['t'], { instanceId: 'i-a' });
    const r = await h.beat('g', 'a-other', 1, {}, { instanceId: 'i-a' });
    expect(r.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(r.errorMessage).toBe('Static member a-other with instance id i-a was fenced by member a1.');
    expect((await h.beat('g', 'x', 1, {}, { instanceId: 'unknown' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a static member leaving with epoch -1 leaves for good', async () => {
    await h.join('g', 'a1', ['t'], { instanceId: 'i-a' });
    await h.heartbeat({ groupId: 'g', memberId: 'a1', memberEpoch: -1, instanceId: 'i-a' });
    expect(h.group('g').numMembers).toBe(0);
    const r = await h.join('g', 'a2', ['t'], { instanceId: 'i-a' });
    expect(r.errorCode).toBe(ErrorCode.NONE);
  });

  it('a departed static member still times out if it never comes back', async () => {
    await h.join('g', 'a1', ['t'], { instanceId: 'i-a' });
    await h.heartbeat({ groupId: 'g', memberId: 'a1', memberEpoch: -2, instanceId: 'i-a' });
    await h.advance(45_000);
    expect(h.group('g').numMembers).toBe(0);
  });

  it('LeaveGroup removes a static member by instance id (admin removal)', async () => {
    await h.join('g', 'a1', ['t'], { instanceId: 'i-a' });
    await h.join('g', 'b', ['t']);
    const r = await h.runtime.scheduleWriteOperation('leave', 0, (s) =>
      s.classicGroupLeave({ groupId: 'g', members: [{ memberId: '', groupInstanceId: 'i-a', reason: null }, { memberId: 'zz', groupInstanceId: null, reason: null }] }),
    );
    await h.settle();
    expect(r).toEqual({
      errorCode: ErrorCode.NONE,
      members: [
        { memberId: '', groupInstanceId: 'i-a', errorCode: ErrorCode.NONE },
        { memberId: 'zz', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      ],
    });
    expect(h.group('g').hasMember('a1')).toBe(false);
    expect(h.group('g').hasMember('b')).toBe(true);
  });
});
