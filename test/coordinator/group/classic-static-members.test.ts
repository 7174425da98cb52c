import { ErrorCode } from '../../../src/protocol/error-codes';
import { ClassicGroupState } from '../../../src/coordinator/group/classic/classic-group-state';
import { GroupHarness, subscription } from '../support/group-harness';

const { PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE } = ClassicGroupState;

/** Two static members (instances i1, i2) in a Stable group, generation 1. */
async function staticGroup(h: GroupHarness): Promise<{ m1: string; m2: string; leader: string }> {
  const j1 = h.join({ groupId: 'g', groupInstanceId: 'i1' });
  const j2 = h.join({ groupId: 'g', groupInstanceId: 'i2' });
  await h.advance(0);
  const [r1, r2] = await Promise.all([j1.promise, j2.promise]);
  expect(r1.memberId).toMatch(/^i1-[0-9a-f-]{36}$/);
  const leader = r1.leader;
  const s1 = h.sync({ groupId: 'g', memberId: r1.memberId, groupInstanceId: 'i1', generationId: 1, assignments: leader === r1.memberId ? [{ memberId: r1.memberId, assignment: Buffer.from('a1') }, { memberId: r2.memberId, assignment: Buffer.from('a2') }] : [] });
  const s2 = h.sync({ groupId: 'g', memberId: r2.memberId, groupInstanceId: 'i2', generationId: 1, assignments: leader === r2.memberId ? [{ memberId: r1.memberId, assignment: Buffer.from('a1') }, { memberId: r2.memberId, assignment: Buffer.from('a2') }] : [] });
  await h.settle();
  await Promise.all([s1.promise, s2.promise]);
  expect(h.group('g').state).toBe(STABLE);
  return { m1: r1.memberId, m2: r2.memberId, leader };
}

describe('static membership (KIP-345)', () => {
  let h: GroupHarness;
  beforeEach(async () => {
    h = await GroupHarness.create();
  });

  it('a restarted static member gets its assignment back with a new member id, same generation, no rebalance', async () => {
    const { m1, leader } = await staticGroup(h);
    const follower = m1 === leader ? 'i2' : 'i1';
    const appends = h.log.appends;
    const r = await h.join({ groupId: 'g', groupInstanceId: follower }).promise;
    expect(r.errorCode).toBe(0);
    expect(r.generationId).toBe(1);
    expect(r.memberId).toMatch(new RegExp(`^${follower}-`));
    expect(r.members).toEqual([]);
    expect(r.skipAssignment).toBe(false);
    expect(h.group('g').state).toBe(STABLE);
    expect(h.log.appends).toBe(appends + 1); // the new member id is persisted
    const s = await h.sync({ groupId: 'g', memberId: r.memberId, groupInstanceId: follower, generationId: 1 }).promise;
    expect(s.assignment.toString()).toBe(follower === 'i1' ? 'a1' : 'a2');
  });

  it('the old member id is fenced: FENCED_INSTANCE_ID for heartbeat, commit, sync and leave', async () => {
    const { m1 } = await staticGroup(h);
    const r = await h.join({ groupId: 'g', groupInstanceId: 'i1' }).promise;
    expect(r.memberId).not.toBe(m1);
    expect(await h.heartbeat('g', m1, 1, 'i1')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: m1, groupInstanceId: 'i1', offsets: { t: { 0: 1n } } })).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await h.sync({ groupId: 'g', memberId: m1, groupInstanceId: 'i1', generationId: 1 }).promise).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await h.join({ groupId: 'g', memberId: m1, groupInstanceId: 'i1' }).promise).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(await h.leave('g', [{ memberId: m1, groupInstanceId: 'i1' }])).toMatchObject({ members: [{ errorCode: ErrorCode.FENCED_INSTANCE_ID }] });
    // The new id works.
    expect(await h.heartbeat('g', r.memberId, 1, 'i1')).toBe(ErrorCode.NONE);
    // An instance id the group does not know: UNKNOWN_MEMBER_ID.
    expect(await h.heartbeat('g', r.memberId, 1, 'i9')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a parked request of the replaced member is answered FENCED_INSTANCE_ID', async () => {
    const { m1, m2 } = await staticGroup(h);
    // Rebalance: i1 rejoins and parks; then "another process" with the same instance id joins.
    const parked = h.join({ groupId: 'g', memberId: m1, groupInstanceId: 'i1' });
    await h.settle();
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
    const dup = h.join({ groupId: 'g', groupInstanceId: 'i1' });
    await h.settle();
    expect(await parked.promise).toMatchObject({ errorCode: ErrorCode.FENCED_INSTANCE_ID, memberId: m1 });
    expect(dup.value).toBeUndefined(); // it waits for the rebalance like any member
    h.join({ groupId: 'g', memberId: m2, groupInstanceId: 'i2' });
    await h.settle();
    expect((await dup.promise).generationId).toBe(2);
  });

  it('from JoinGroup v9 the static leader is told to skip the assignment; before, it is given the old leader id', async () => {
    const { m1, m2, leader } = await staticGroup(h);
    const leaderInstance = leader === m1 ? 'i1' : 'i2';
    const v9 = await h.join({ groupId: 'g', groupInstanceId: leaderInstance }).promise;
    expect(v9).toMatchObject({ errorCode: 0, generationId: 1, skipAssignment: true, leader: v9.memberId });
    expect(v9.members.map((m) => m.groupInstanceId).sort()).toEqual(['i1', 'i2']);
    const v8 = await h.join({ groupId: 'g', groupInstanceId: leaderInstance }, { apiVersion: 8 }).promise;
    expect(v8).toMatchObject({ errorCode: 0, generationId: 1, skipAssignment: false, leader: v9.memberId, members: [] });
    expect(v8.memberId).not.toBe(v9.memberId);
    expect(h.group('g').leader).toBe(v8.memberId);
    expect([m1, m2]).toContain(leader);
  });

  it('a static member rejoining with new protocols that keep the selected one causes no rebalance', async () => {
    await staticGroup(h);
    const r = h.join({ groupId: 'g', groupInstanceId: 'i1', protocols: [{ name: 'roundrobin', metadata: subscription(['t']) }, { name: 'range', metadata: subscription(['t']) }] });
    await h.settle();
    // i2 supports only range, so range stays selected.
    expect(h.group('g').state).toBe(STABLE);
    expect((await r.promise).generationId).toBe(1);
  });

  it('a static member rejoining with protocols that change the selection triggers a rebalance', async () => {
    const both = [{ name: 'range', metadata: subscription(['t']) }, { name: 'roundrobin', metadata: subscription(['t']) }];
    const j = h.join({ groupId: 's', groupInstanceId: 'solo', protocols: both });
    await h.advance(0);
    const first = await j.promise;
    expect(first.protocolName).toBe('range');
    await h.sync({ groupId: 's', memberId: first.memberId, groupInstanceId: 'solo', generationId: 1, assignments: [{ memberId: first.memberId, assignment: Buffer.from('x') }] }).promise;
    await h.settle();
    const r = h.join({ groupId: 's', groupInstanceId: 'solo', protocols: [both[1]!] });
    await h.settle();
    expect(await r.promise).toMatchObject({ errorCode: 0, generationId: 2, protocolName: 'roundrobin' });
    expect(h.group('s').state).toBe(COMPLETING_REBALANCE);
  });

  it('a static member rejoining during CompletingRebalance forces another rebalance', async () => {
    const { m1, m2 } = await staticGroup(h);
    const a = h.join({ groupId: 'g', memberId: m1, groupInstanceId: 'i1', protocols: [{ name: 'range', metadata: Buffer.from('new') }] });
    const b = h.join({ groupId: 'g', memberId: m2, groupInstanceId: 'i2' });
    await h.settle();
    await Promise.all([a.promise, b.promise]);
    expect(h.group('g').state).toBe(COMPLETING_REBALANCE);
    h.join({ groupId: 'g', groupInstanceId: 'i2' });
    await h.settle();
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
  });

  it('static members are not removed when the rebalance timeout passes without them', async () => {
    const { m1, m2 } = await staticGroup(h);
    const a = h.join({ groupId: 'g', memberId: m1, groupInstanceId: 'i1', protocols: [{ name: 'range', metadata: Buffer.from('x') }] });
    // i2 keeps its session alive but does not rejoin within the 30 s rebalance timeout.
    for (let t = 0; t < 30_000; t += 5_000) {
      expect(await h.heartbeat('g', m2, 1, 'i2')).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect(a.value).toBeUndefined();
      await h.advance(5_000);
    }
    expect((await a.promise).generationId).toBe(2);
    expect(h.group('g').hasMember(m2)).toBe(true);
  });

  it('LeaveGroup by instance id with an empty member id removes the static member (admin removal)', async () => {
    const { m1 } = await staticGroup(h);
    const r = await h.leave('g', [{ memberId: '', groupInstanceId: 'i1' }, { memberId: 'other', groupInstanceId: 'i1' }]);
    expect(r).toEqual({
      errorCode: 0,
      members: [
        { memberId: '', groupInstanceId: 'i1', errorCode: 0 },
        { memberId: 'other', groupInstanceId: 'i1', errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      ],
    });
    expect(h.group('g').hasMember(m1)).toBe(false);
    expect(h.group('g').hasStaticMember('i1')).toBe(false);
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
  });

  it('a static member restart survives a coordinator restart (its member id is persisted)', async () => {
    await staticGroup(h);
    const r = await h.join({ groupId: 'g', groupInstanceId: 'i1' }).promise;
    await h.settle();
    const h2 = await h.restart();
    const g = h2.group('g');
    expect(g.state).toBe(STABLE);
    expect(g.staticMemberId('i1')).toBe(r.memberId);
    expect(await h2.heartbeat('g', r.memberId, 1, 'i1')).toBe(ErrorCode.NONE);
  });
});
