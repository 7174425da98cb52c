import { ErrorCode } from '../../../src/protocol/error-codes';
import { ClassicGroupState } from '../../../src/coordinator/group/classic/classic-group-state';
import { GroupHarness, stableGroup } from '../support/group-harness';

const { EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE, DEAD } = ClassicGroupState;

describe('group state across coordinator restarts and failures', () => {
  let h: GroupHarness;
  beforeEach(async () => {
    h = await GroupHarness.create();
  });

  it('a restarted coordinator has the Stable group (generation, leader, members, assignments) and the offsets', async () => {
    const { members, leader } = await stableGroup(h, 'g', 2);
    await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: members[0]!, offsets: { t: { 0: 11n, 1: 12n } } });
    const h2 = await h.restart();
    const g = h2.group('g');
    expect(g.state).toBe(STABLE);
    expect(g.generationId).toBe(1);
    expect(g.leader).toBe(leader);
    expect(g.allMembers().map((m) => m.memberId).sort()).toEqual([...members].sort());
    expect(g.member(members[1]!)!.clientHost).toBe('/127.0.0.1');
    expect(h2.offsetOf('g', 't', 0)).toBe(11n);
    expect(h2.offsetOf('g', 't', 1)).toBe(12n);
    // The consumers carry on as if nothing happened.
    for (const m of members) expect(await h2.heartbeat('g', m, 1)).toBe(ErrorCode.NONE);
    expect((await h2.sync({ groupId: 'g', memberId: members[1]!, generationId: 1 }).promise).assignment.toString()).toBe(members[1]);
    expect(await h2.commit({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: members[1]!, offsets: { t: { 0: 13n } } })).toEqual({ topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });
  });

  it('members of a loaded group that never come back expire after their session timeout; the group empties', async () => {
    await stableGroup(h, 'g', 2, { sessionTimeoutMs: 10_000 });
    const h2 = await h.restart();
    await h2.advance(10_000);
    const g = h2.group('g');
    expect(g.state).toBe(EMPTY);
    expect(g.size).toBe(0);
    expect(g.generationId).toBe(2);
    const h3 = await h2.restart();
    expect(h3.group('g').state).toBe(EMPTY);
    expect(h3.group('g').generationId).toBe(2);
  });

  it("a failed append of the leader's assignment answers the parked members and starts a new rebalance", async () => {
    const a = await h.joinNew({ groupId: 'g' });
    const b = await h.joinNew({ groupId: 'g' });
    await h.advance(0);
    const [ra, rb] = await Promise.all([a.promise, b.promise]);
    const leader = ra.leader === ra.memberId ? ra : rb;
    const follower = leader === ra ? rb : ra;
    const fs = h.sync({ groupId: 'g', memberId: follower.memberId, generationId: 1 });
    await h.settle();
    h.log.failNext = Object.assign(new Error('disk'), { kafkaErrorCode: ErrorCode.KAFKA_STORAGE_ERROR });
    const ls = h.sync({ groupId: 'g', memberId: leader.memberId, generationId: 1, assignments: [{ memberId: leader.memberId, assignment: Buffer.from('x') }] });
    await h.settle();
    expect((await ls.promise).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await fs.promise).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
  });

  it('unloading answers parked JoinGroup and SyncGroup requests with NOT_COORDINATOR', async () => {
    const { members } = await stableGroup(h, 'g', 2);
    const rejoin = h.join({ groupId: 'g', memberId: members[0]! });
    await h.settle();
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
    const x = await h.joinNew({ groupId: 'x' });
    const y = await h.joinNew({ groupId: 'x' });
    await h.advance(0);
    const rx = await x.promise;
    await y.promise;
    expect(h.group('x').state).toBe(COMPLETING_REBALANCE);
    const parkedSync = h.sync({ groupId: 'x', memberId: rx.leader === rx.memberId ? (await y.promise).memberId : rx.memberId, generationId: 1 });
    await h.settle();
    const g = h.group('g');
    await h.runtime.unload(0);
    expect((await rejoin.promise).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await parkedSync.promise).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(g.state).toBe(DEAD);
  });
});
