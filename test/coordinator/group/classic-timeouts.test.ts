import { ErrorCode } from '../../../src/protocol/error-codes';
import { ClassicGroupState } from '../../../src/coordinator/group/classic/classic-group-state';
import { GroupHarness, stableGroup } from '../support/group-harness';

const { EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE } = ClassicGroupState;

describe('classic group timeouts', () => {
  let h: GroupHarness;
  beforeEach(async () => {
    h = await GroupHarness.create();
  });

  it('a member that stops heartbeating is removed after its session timeout (Stable → PreparingRebalance)', async () => {
    const { members } = await stableGroup(h, 'g', 2, { sessionTimeoutMs: 10_000 });
    const [a, b] = members as [string, string];
    for (let i = 0; i < 2; i++) {
      await h.advance(4_000);
      expect(await h.heartbeat('g', a, 1)).toBe(ErrorCode.NONE);
    }
    expect(h.group('g').hasMember(b)).toBe(true);
    await h.advance(2_000);
    // b never heartbeated: removed after 10 s, which starts a rebalance for a.
    expect(h.group('g').hasMember(b)).toBe(false);
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
    expect(await h.heartbeat('g', a, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(await h.heartbeat('g', b, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const rejoin = h.join({ groupId: 'g', memberId: a });
    await h.settle();
    expect(await rejoin.promise).toMatchObject({ errorCode: 0, generationId: 2, leader: a });
  });

  it('an offset commit keeps the session alive like a heartbeat', async () => {
    const { members } = await stableGroup(h, 'g', 1, { sessionTimeoutMs: 10_000 });
    for (let i = 0; i < 5; i++) {
      await h.advance(6_000);
      expect(await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: members[0]!, offsets: { t: { 0: BigInt(i) } } })).not.toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    expect(h.group('g').state).toBe(STABLE);
  });

  it('the rebalance timeout removes dynamic members that did not rejoin', async () => {
    const { members, leader } = await stableGroup(h, 'g', 3, { rebalanceTimeoutMs: 20_000, sessionTimeoutMs: 30_000 });
    const others = members.filter((m) => m !== leader);
    // The leader rejoins (a rebalance); one follower rejoins, one does not.
    const l = h.join({ groupId: 'g', memberId: leader, rebalanceTimeoutMs: 20_000, sessionTimeoutMs: 30_000 });
    const f = h.join({ groupId: 'g', memberId: others[0]!, rebalanceTimeoutMs: 20_000, sessionTimeoutMs: 30_000 });
    await h.advance(19_999);
    expect(l.value).toBeUndefined();
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
    await h.advance(1);
    expect((await l.promise).generationId).toBe(2);
    expect((await f.promise).generationId).toBe(2);
    expect((await l.promise).members.map((m) => m.memberId).sort()).toEqual([leader, others[0]!].sort());
    expect(h.group('g').hasMember(others[1]!)).toBe(false);
    expect(h.group('g').state).toBe(COMPLETING_REBALANCE);
  });

  it('a new leader is elected when the leader does not rejoin', async () => {
    const { members, leader } = await stableGroup(h, 'g', 2, { rebalanceTimeoutMs: 5_000 });
    const follower = members.find((m) => m !== leader)!;
    const f = h.join({ groupId: 'g', memberId: follower, protocols: [{ name: 'range', metadata: Buffer.from('changed') }], rebalanceTimeoutMs: 5_000 });
    await h.advance(5_000);
    expect(await f.promise).toMatchObject({ errorCode: 0, generationId: 2, leader: follower, memberId: follower });
    expect(h.group('g').hasMember(leader)).toBe(false);
  });

  it('members that do not send SyncGroup within the rebalance timeout are removed and the group rebalances', async () => {
    const a = await h.joinNew({ groupId: 'g', rebalanceTimeoutMs: 8_000 });
    const b = await h.joinNew({ groupId: 'g', rebalanceTimeoutMs: 8_000 });
    await h.advance(0);
    const [ra, rb] = await Promise.all([a.promise, b.promise]);
    const leader = ra.leader;
    const follower = leader === ra.memberId ? rb.memberId : ra.memberId;
    // Only the follower syncs; the leader never does.
    const s = h.sync({ groupId: 'g', memberId: follower, generationId: 1 });
    await h.advance(8_000);
    expect((await s.promise).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(h.group('g').hasMember(leader)).toBe(false);
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
  });

  it('a pending member (MEMBER_ID_REQUIRED) that never rejoins expires after its session timeout', async () => {
    const r = await h.join({ groupId: 'g', sessionTimeoutMs: 7_000 }).promise;
    expect(h.group('g').isPendingMember(r.memberId)).toBe(true);
    await h.advance(7_000);
    expect(h.group('g').isPendingMember(r.memberId)).toBe(false);
    // Its late rejoin is a join with an unknown member id.
    expect((await h.join({ groupId: 'g', memberId: r.memberId }).promise).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a parked JoinGroup of a new member expires after the new-member join timeout', async () => {
    const { members } = await stableGroup(h, 'g', 1, { rebalanceTimeoutMs: 600_000, sessionTimeoutMs: 600_000 });
    // A new member joins; the old one never rejoins, so the join phase waits up to 10 minutes.
    const n = await h.joinNew({ groupId: 'g', rebalanceTimeoutMs: 600_000, sessionTimeoutMs: 600_000 });
    await h.advance(300_000);
    expect(await n.promise).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: '' });
    expect(h.group('g').size).toBe(1);
    expect(h.group('g').hasMember(members[0]!)).toBe(true);
  });

  it('a rebalance where nobody rejoins waits for the session timeouts, then empties the group', async () => {
    const { members } = await stableGroup(h, 'g', 1, { rebalanceTimeoutMs: 5_000, sessionTimeoutMs: 12_000 });
    const n = await h.joinNew({ groupId: 'g', rebalanceTimeoutMs: 5_000 });
    await h.leave('g', [{ memberId: members[0]! }]);
    // Only the new member was parked: it completes the rebalance alone.
    await h.settle();
    expect((await n.promise).generationId).toBe(2);
    // It never syncs nor heartbeats: removed after its session timeout → Empty.
    await h.advance(12_000);
    expect(h.group('g').state).toBe(EMPTY);
    expect(h.group('g').generationId).toBe(3);
  });

  describe('group.initial.rebalance.delay.ms', () => {
    it('delays the first rebalance and extends the delay while members keep joining, within the rebalance timeout', async () => {
      h.config = { ...h.config, initialRebalanceDelayMs: 3_000 };
      const a = await h.joinNew({ groupId: 'g', rebalanceTimeoutMs: 10_000 });
      await h.advance(2_000);
      const b = await h.joinNew({ groupId: 'g', rebalanceTimeoutMs: 10_000 });
      await h.advance(1_000); // t = 3 s: a member joined during the delay → wait another 3 s
      expect(a.value).toBeUndefined();
      expect(h.group('g').state).toBe(PREPARING_REBALANCE);
      await h.advance(2_999);
      expect(a.value).toBeUndefined();
      await h.advance(1); // t = 6 s
      expect((await a.promise).generationId).toBe(1);
      expect((await b.promise).generationId).toBe(1);
      expect((await a.promise).members).toHaveLength((await a.promise).leader === (await a.promise).memberId ? 2 : 0);
    });

    it('never waits longer than the rebalance timeout', async () => {
      h.config = { ...h.config, initialRebalanceDelayMs: 3_000 };
      const a = await h.joinNew({ groupId: 'g', rebalanceTimeoutMs: 7_000 });
      // A member joins in every delay window: 3 + 3 + 1 (what is left of the 7 s).
      for (let t = 1_000; t < 7_000; t += 2_000) {
        await h.advance(2_000);
        await h.joinNew({ groupId: 'g', rebalanceTimeoutMs: 7_000 });
      }
      expect(a.value).toBeUndefined();
      await h.advance(1_000); // t = 7 s
      expect((await a.promise).errorCode).toBe(0);
      expect(h.group('g').state).toBe(COMPLETING_REBALANCE);
      expect(h.group('g').size).toBe(4);
    });
  });
});
