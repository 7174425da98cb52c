import { ErrorCode } from '../../../src/protocol/error-codes';
import { ClassicGroup } from '../../../src/coordinator/group/classic/classic-group';
import { CLASSIC_GROUP_STATES, ClassicGroupState, isValidTransition } from '../../../src/coordinator/group/classic/classic-group-state';
import { ManualClock } from '../../../src/util/clock';
import { InvariantError } from '../../../src/util/invariant';
import { GroupHarness, stableGroup, subscription } from '../support/group-harness';

const { EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE, DEAD } = ClassicGroupState;

describe('classic group state table', () => {
  it('allows exactly the transitions Kafka allows, and transitionTo asserts them', () => {
    const allowed = Object.entries(CLASSIC_GROUP_STATES).flatMap(([to, spec]) => spec.validPrevious.map((from) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(
      [
        'PreparingRebalance->Empty',
        'Stable->PreparingRebalance',
        'CompletingRebalance->PreparingRebalance',
        'Empty->PreparingRebalance',
        'PreparingRebalance->CompletingRebalance',
        'CompletingRebalance->Stable',
        'Stable->Dead',
        'PreparingRebalance->Dead',
        'CompletingRebalance->Dead',
        'Empty->Dead',
        'Dead->Dead',
      ].sort(),
    );
    const clock = new ManualClock();
    for (const from of Object.values(ClassicGroupState)) {
      for (const to of Object.values(ClassicGroupState)) {
        const g = new ClassicGroup('g', from, clock);
        if (isValidTransition(from, to)) {
          clock.advance(5);
          g.transitionTo(to);
          expect(g.state).toBe(to);
          expect(g.previousState).toBe(from);
          expect(g.currentStateTimestamp).toBe(clock.now());
        } else {
          expect(() => g.transitionTo(to)).toThrow(InvariantError);
          expect(g.state).toBe(from);
        }
      }
    }
  });
});

describe('classic group rebalances', () => {
  let h: GroupHarness;
  beforeEach(async () => {
    h = await GroupHarness.create();
  });

  it('asks a new member to rejoin with its id from JoinGroup v4 (KIP-394), not before', async () => {
    const first = await h.join({ groupId: 'g' }).promise;
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^client-[0-9a-f-]{36}$/);
    expect(h.group('g').state).toBe(EMPTY);
    expect(h.group('g').isPendingMember(first.memberId)).toBe(true);

    const old = h.join({ groupId: 'g3' }, { apiVersion: 3 });
    await h.advance(0);
    const r = await old.promise;
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.generationId).toBe(1);
    expect(r.leader).toBe(r.memberId);
  });

  it('Empty → PreparingRebalance → CompletingRebalance → Stable: leader gets the members, followers their assignment', async () => {
    const a = await h.joinNew({ groupId: 'g' });
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
    const b = await h.joinNew({ groupId: 'g', protocols: [{ name: 'range', metadata: subscription(['t', 'u']) }] });
    expect(a.value).toBeUndefined();
    await h.advance(0);
    const [ra, rb] = await Promise.all([a.promise, b.promise]);
    expect(h.group('g').state).toBe(COMPLETING_REBALANCE);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
    expect(ra.protocolName).toBe('range');
    expect(ra.protocolType).toBe('consumer');
    expect(ra.leader).toBe(ra.memberId);
    expect(rb.leader).toBe(ra.memberId);
    expect(ra.members.map((m) => m.memberId).sort()).toEqual([ra.memberId, rb.memberId].sort());
    expect(ra.members.find((m) => m.memberId === rb.memberId)!.metadata).toEqual(subscription(['t', 'u']));
    expect(rb.members).toEqual([]);

    // The follower parks until the leader's assignment is appended.
    const sb = h.sync({ groupId: 'g', memberId: rb.memberId, generationId: 1 });
    await h.settle();
    expect(sb.value).toBeUndefined();
    const sa = h.sync({
      groupId: 'g', memberId: ra.memberId, generationId: 1,
      assignments: [{ memberId: ra.memberId, assignment: Buffer.from('A') }, { memberId: rb.memberId, assignment: Buffer.from('B') }],
    });
    await h.settle();
    expect((await sa.promise).assignment).toEqual(Buffer.from('A'));
    const rsb = await sb.promise;
    expect(rsb.errorCode).toBe(ErrorCode.NONE);
    expect(rsb.assignment).toEqual(Buffer.from('B'));
    expect(rsb.protocolName).toBe('range');
    expect(h.group('g').state).toBe(STABLE);
    expect(h.group('g').subscribedTopics).toEqual(new Set(['t', 'u']));
    // A SyncGroup in Stable returns the current assignment.
    expect((await h.sync({ groupId: 'g', memberId: rb.memberId, generationId: 1 }).promise).assignment).toEqual(Buffer.from('B'));
  });

  it('Stable → PreparingRebalance when a member joins; heartbeats answer REBALANCE_IN_PROGRESS; rejoins complete generation 2', async () => {
    const { members, leader } = await stableGroup(h, 'g', 2);
    const c = await h.joinNew({ groupId: 'g' });
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
    expect(await h.heartbeat('g', members[1]!, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect((await h.sync({ groupId: 'g', memberId: members[1]!, generationId: 1 }).promise).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // Offsets of the previous generation are still accepted during PreparingRebalance.
    expect(await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: members[0]!, offsets: { t: { 0: 5n } } })).toEqual({ topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });
    const rejoins = members.map((m) => h.join({ groupId: 'g', memberId: m }));
    await h.settle();
    const all = await Promise.all([c.promise, ...rejoins.map((r) => r.promise)]);
    expect(all.map((r) => r.generationId)).toEqual([2, 2, 2]);
    expect(all.every((r) => r.leader === leader)).toBe(true);
    expect(h.group('g').state).toBe(COMPLETING_REBALANCE);
    // A heartbeat between JoinGroup and SyncGroup is fine.
    expect(await h.heartbeat('g', members[0]!, 2)).toBe(ErrorCode.NONE);
    expect(await h.heartbeat('g', members[0]!, 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('CompletingRebalance → PreparingRebalance when a member leaves; parked SyncGroups answer REBALANCE_IN_PROGRESS', async () => {
    const a = await h.joinNew({ groupId: 'g' });
    const b = await h.joinNew({ groupId: 'g' });
    await h.advance(0);
    const [ra, rb] = await Promise.all([a.promise, b.promise]);
    const follower = ra.leader === ra.memberId ? rb : ra;
    const leader = ra.leader === ra.memberId ? ra : rb;
    const parked = h.sync({ groupId: 'g', memberId: follower.memberId, generationId: 1 });
    await h.settle();
    const left = await h.leave('g', [{ memberId: leader.memberId }]);
    expect(left).toEqual({ errorCode: 0, members: [{ memberId: leader.memberId, groupInstanceId: null, errorCode: 0 }] });
    expect((await parked.promise).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
    const rejoin = h.join({ groupId: 'g', memberId: follower.memberId });
    await h.settle();
    const r = await rejoin.promise;
    expect(r.generationId).toBe(2);
    expect(r.leader).toBe(follower.memberId);
    expect(h.group('g').state).toBe(COMPLETING_REBALANCE);
  });

  it('PreparingRebalance → Empty when the last member leaves; the empty generation is written', async () => {
    const { members } = await stableGroup(h, 'g', 1);
    const appends = h.log.appends;
    await h.leave('g', [{ memberId: members[0]! }]);
    await h.settle();
    const g = h.group('g');
    expect(g.state).toBe(EMPTY);
    expect(g.generationId).toBe(2);
    expect(g.protocolName).toBeNull();
    expect(g.protocolType).toBe('consumer');
    expect(h.log.appends).toBe(appends + 1);
    expect(await h.heartbeat('g', members[0]!, 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('DeleteGroups: NON_EMPTY_GROUP while members remain; an empty group and its offsets are removed (→ Dead)', async () => {
    const { members } = await stableGroup(h, 'g', 1);
    await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: members[0]!, offsets: { t: { 0: 7n } } });
    const del = () => h.runtime.scheduleWriteOperation('delete', 0, (s) => s.deleteGroups(['g', 'nope']));
    expect(await del()).toEqual([{ groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP }, { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND }]);
    await h.leave('g', [{ memberId: members[0]! }]);
    await h.settle();
    const g = h.group('g');
    expect(await del()).toEqual([{ groupId: 'g', errorCode: 0 }, { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND }]);
    expect(g.state).toBe(DEAD);
    expect(h.shard.groups.group('g')).toBeUndefined();
    expect(h.offsetOf('g', 't', 0)).toBe(-1n);
  });

  it('selects the protocol every member supports with the most votes', async () => {
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
    await h.joinNew({ groupId: 'g', protocols: p('range', 'roundrobin') });
    await h.joinNew({ groupId: 'g', protocols: p('roundrobin', 'range') });
    const c = await h.joinNew({ groupId: 'g', protocols: p('range', 'sticky', 'roundrobin') });
    await h.advance(0);
    expect((await c.promise).protocolName).toBe('range');
    const x = await h.joinNew({ groupId: 'x', protocols: p('range', 'roundrobin') });
    await h.joinNew({ groupId: 'x', protocols: p('roundrobin') });
    await h.advance(0);
    expect((await x.promise).protocolName).toBe('roundrobin');
    // A member supporting none of the group's protocols is turned away.
    const bad = await h.join({ groupId: 'x', protocols: p('sticky') }).promise;
    expect(bad.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const badType = await h.join({ groupId: 'x', protocolType: 'connect', protocols: p('roundrobin') }).promise;
    expect(badType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await h.join({ groupId: 'y', protocols: [] }).promise).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('runs several rebalances in a row (cooperative assignors rejoin right after a sync)', async () => {
    const { members, leader } = await stableGroup(h, 'g', 2);
    let generation = 1;
    for (let round = 0; round < 3; round++) {
      // Each member rejoins with new metadata (owned partitions change in a cooperative rebalance).
      const joins = members.map((m, i) => h.join({ groupId: 'g', memberId: m, protocols: [{ name: 'range', metadata: Buffer.from(`owned-r${round}-m${i}`) }] }));
      await h.settle();
      const results = await Promise.all(joins.map((j) => j.promise));
      generation++;
      expect(results.map((r) => r.generationId)).toEqual([generation, generation]);
      expect(results[0]!.protocolName).toBe('range');
      const syncs = members.map((m) => h.sync({ groupId: 'g', memberId: m, generationId: generation, assignments: m === leader ? members.map((id) => ({ memberId: id, assignment: Buffer.from(`${id}@${generation}`) })) : [] }));
      await h.settle();
      const assigned = await Promise.all(syncs.map((s) => s.promise));
      expect(assigned.map((s) => s.assignment.toString())).toEqual(members.map((id) => `${id}@${generation}`));
      expect(h.group('g').state).toBe(STABLE);
    }
  });

  it('a follower rejoining a Stable group with unchanged metadata gets the current generation; the leader triggers a rebalance', async () => {
    const { members, leader } = await stableGroup(h, 'g', 2);
    const follower = members.find((m) => m !== leader)!;
    const same = await h.join({ groupId: 'g', memberId: follower }).promise;
    expect(same).toMatchObject({ errorCode: 0, generationId: 1, leader, members: [] });
    expect(h.group('g').state).toBe(STABLE);
    h.join({ groupId: 'g', memberId: leader });
    await h.settle();
    expect(h.group('g').state).toBe(PREPARING_REBALANCE);
  });

  it('group.max.size: joins beyond it get GROUP_MAX_SIZE_REACHED', async () => {
    h.config = { ...h.config, maxGroupSize: 2 };
    await stableGroup(h, 'g', 2);
    const third = await h.joinNew({ groupId: 'g' });
    const r = await third.promise;
    expect(r.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(h.group('g').size).toBe(2);
    expect(h.group('g').state).toBe(STABLE);
  });

  it('JoinGroup with an unknown member id: UNKNOWN_MEMBER_ID (missing group or not a member)', async () => {
    expect(await h.join({ groupId: 'nope', memberId: 'm1' }).promise).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: 'm1' });
    expect(h.shard.groups.group('nope')).toBeUndefined();
    await stableGroup(h, 'g', 1);
    expect(await h.join({ groupId: 'g', memberId: 'm1' }).promise).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: 'm1' });
  });

  it('SyncGroup checks member, generation and protocol (v5 INCONSISTENT_GROUP_PROTOCOL)', async () => {
    const { members } = await stableGroup(h, 'g', 1);
    const m = members[0]!;
    const code = async (req: Parameters<GroupHarness['sync']>[0]) => (await h.sync(req).promise).errorCode;
    expect(await code({ groupId: 'g', memberId: 'x', generationId: 1 })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await code({ groupId: 'g', memberId: m, generationId: 2 })).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await code({ groupId: 'g', memberId: m, generationId: 1, protocolType: 'connect' })).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(await code({ groupId: 'g', memberId: m, generationId: 1, protocolName: 'roundrobin' })).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(await code({ groupId: 'g', memberId: m, generationId: 1, protocolType: 'consumer', protocolName: 'range' })).toBe(ErrorCode.NONE);
    expect(await code({ groupId: 'nope', memberId: m, generationId: 1 })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('LeaveGroup answers per member; a missing group is UNKNOWN_MEMBER_ID', async () => {
    const { members } = await stableGroup(h, 'g', 2);
    const r = await h.leave('g', [{ memberId: members[0]! }, { memberId: 'ghost' }, { memberId: '', groupInstanceId: 'nobody' }]);
    expect(r).toEqual({
      errorCode: 0,
      members: [
        { memberId: members[0], groupInstanceId: null, errorCode: 0 },
        { memberId: 'ghost', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
        { memberId: '', groupInstanceId: 'nobody', errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      ],
    });
    expect(await h.leave('nope', [{ memberId: 'a' }])).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});
