/**
 * Classic consumer groups. A full lifecycle at the lowest and at the highest versions both brokers
 * share: join (MEMBER_ID_REQUIRED from v4, KIP-394), sync, heartbeat, commit, fetch offsets,
 * describe, list, a second member joining (rebalance), leave, delete offsets, delete the group;
 * with the error paths on the way (wrong generation, unknown member, non-empty group, deleted
 * group). FindCoordinator, OffsetCommit and OffsetFetch are also played at every tested version.
 */
import type { Session, SessionEnv, SessionItem, SideContext, Step } from '../lib/session';
import { Writer } from '../../../src/protocol/primitives/writer';
import { encodeConsumerProtocolAssignment } from '../../../src/protocol/generated/consumer-protocol-assignment';
import { encodeConsumerProtocolSubscription } from '../../../src/protocol/generated/consumer-protocol-subscription';
import { ApiKey, setupTopics, topicIdOf, UNKNOWN_TOPIC_ID } from './support';

function subscription(topic: string): Buffer {
  const w = new Writer();
  w.int16(0);
  encodeConsumerProtocolSubscription(w, { topics: [topic], userData: null, ownedPartitions: [], generationId: -1, rackId: null }, 0);
  return w.toBuffer();
}

function assignment(topic: string, partitions: number[]): Buffer {
  const w = new Writer();
  w.int16(0);
  encodeConsumerProtocolAssignment(w, { assignedPartitions: [{ topic, partitions }], userData: null }, 0);
  return w.toBuffer();
}

/** Set-up (not compared): FindCoordinator until the group coordinator is ready (Kafka creates __consumer_offsets on first use). */
function awaitCoordinator(env: SessionEnv, group: string, keyType = 0): Step {
  const v = env.common(ApiKey.FindCoordinator, 'max');
  return {
    api: ApiKey.FindCoordinator,
    version: v,
    title: `wait for the coordinator of ${group}`,
    compare: false,
    request: () => ({ key: group, keyType, coordinatorKeys: [group] }),
    until: (body: { errorCode: number; coordinators: Array<{ errorCode: number }> }) => (v >= 4 ? body.coordinators[0]?.errorCode === 0 : body.errorCode === 0),
  };
}

type Member = 'm1' | 'm2';

const LIFECYCLE_OFFSETS = [{ partitionIndex: 0, committedOffset: 2, committedMetadata: 'lifecycle' }];

function lifecycle(env: SessionEnv, end: 'min' | 'max', topic: string): SessionItem[] {
  const v = (api: number): number => env.common(api, end);
  const jv = v(ApiKey.JoinGroup);
  const g = env.name(`grp-${end}`);
  const id = (ctx: SideContext, m: Member): string => ctx.get(`${g}:${m}`);
  const gen = (ctx: SideContext): number => ctx.get(`${g}:gen`);
  const joinBody = (ctx: SideContext, m: Member, first: boolean) => ({
    groupId: g,
    sessionTimeoutMs: 30_000,
    rebalanceTimeoutMs: 10_000,
    memberId: first ? '' : id(ctx, m),
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(topic) }],
    reason: jv >= 8 ? 'differential test' : null,
  });
  type JoinAnswer = { errorCode: number; memberId: string; generationId: number };
  const join = (m: Member, first: boolean, title: string): Step => ({
    api: ApiKey.JoinGroup,
    version: jv,
    conn: m,
    title,
    request: (ctx) => joinBody(ctx, m, first),
    save: (body: JoinAnswer, ctx) => {
      if (body.memberId) ctx.set(`${g}:${m}`, body.memberId);
      if (body.errorCode === 0) ctx.set(`${g}:gen`, body.generationId);
    },
    timeoutMs: 20_000,
  });
  // From v4 the first join of a member only hands out its id (KIP-394); it joins again with it.
  const joinFully = (m: Member, what: string): Step[] => (jv >= 4 ? [join(m, true, `${what}: first join (member id required)`), join(m, false, `${what}: join with the given id`)] : [join(m, true, `${what}: join`)]);
  const sync = (m: Member, title: string, leaderAssigns: boolean): Step => ({
    api: ApiKey.SyncGroup,
    version: v(ApiKey.SyncGroup),
    conn: m,
    title,
    request: (ctx) => ({
      groupId: g,
      generationId: gen(ctx),
      memberId: id(ctx, m),
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: leaderAssigns
        ? (['m1', 'm2'] as const).filter((x) => ctx.has(`${g}:${x}`)).map((x, i) => ({ memberId: id(ctx, x), assignment: assignment(topic, i === 0 ? [0] : [1]) }))
        : [],
    }),
    timeoutMs: 20_000,
  });
  const heartbeat = (title: string, m: Member, tweak: (ctx: SideContext) => Record<string, unknown> = () => ({})): Step => ({
    api: ApiKey.Heartbeat,
    version: v(ApiKey.Heartbeat),
    conn: m,
    title,
    request: (ctx) => ({ groupId: g, generationId: gen(ctx), memberId: id(ctx, m), ...tweak(ctx) }),
  });
  const ov = v(ApiKey.OffsetCommit);
  const commit = (title: string, tweak: (ctx: SideContext) => Record<string, unknown> = () => ({})): Step => ({
    api: ApiKey.OffsetCommit,
    version: ov,
    title,
    request: (ctx) => ({
      groupId: g,
      generationIdOrMemberEpoch: gen(ctx),
      memberId: id(ctx, 'm1'),
      topics: [ov >= 10 ? { topicId: topicIdOf(ctx, topic), partitions: LIFECYCLE_OFFSETS } : { name: topic, partitions: LIFECYCLE_OFFSETS }],
      ...tweak(ctx),
    }),
  });
  const fv = v(ApiKey.OffsetFetch);
  const fetchOffsets = (title: string, topics: Array<Record<string, unknown>> | null): Step => ({
    api: ApiKey.OffsetFetch,
    version: fv,
    title,
    request: (ctx) => (fv >= 8 ? { groups: [{ groupId: g, topics: topics?.map((t) => (fv >= 10 ? { topicId: topicIdOf(ctx, topic), partitionIndexes: t.partitionIndexes } : t)) ?? null }] } : { groupId: g, topics }),
  });
  const describe = (title: string): Step => ({ api: ApiKey.DescribeGroups, version: v(ApiKey.DescribeGroups), title, request: () => ({ groups: [g], includeAuthorizedOperations: true }) });
  const lv = v(ApiKey.LeaveGroup);
  const leave = (title: string, m: Member | 'unknown'): Step => ({
    api: ApiKey.LeaveGroup,
    version: lv,
    conn: m === 'unknown' ? 'm1' : m,
    title,
    request: (ctx) => {
      const memberId = m === 'unknown' ? 'no-such-member' : id(ctx, m);
      return lv >= 3 ? { groupId: g, members: [{ memberId, reason: lv >= 5 ? 'differential test' : null }] } : { groupId: g, memberId };
    },
  });
  const deleteGroup = (title: string): Step => ({ api: ApiKey.DeleteGroups, version: v(ApiKey.DeleteGroups), title, request: () => ({ groupsNames: [g] }) });
  const lsv = v(ApiKey.ListGroups);
  return [
    awaitCoordinator(env, g),
    ...joinFully('m1', 'member 1'),
    sync('m1', 'leader syncs its assignment', true),
    heartbeat('heartbeat', 'm1'),
    heartbeat('heartbeat with a wrong generation', 'm1', (ctx) => ({ generationId: gen(ctx) + 5 })),
    heartbeat('heartbeat from an unknown member', 'm1', () => ({ memberId: 'no-such-member' })),
    commit('commit offset 2'),
    commit('commit with a wrong generation', (ctx) => ({ generationIdOrMemberEpoch: gen(ctx) + 5 })),
    commit('commit from an unknown member', () => ({ memberId: 'no-such-member' })),
    fetchOffsets('fetch committed offsets (partitions 0 and 1)', [{ name: topic, partitionIndexes: [0, 1] }]),
    ...(fv >= 2 ? [fetchOffsets('fetch all committed offsets', null)] : []),
    describe('describe the stable group'),
    {
      api: ApiKey.ListGroups,
      version: lsv,
      title: 'list groups',
      request: () => ({ statesFilter: [], typesFilter: [] }),
      normalise: (body: { groups: Array<{ groupId: string }> }) => ({ ...body, groups: body.groups.filter((x) => x.groupId.endsWith(`-${env.runId}`)) }),
    },
    deleteGroup('delete a group that has members'),
    // A second member: its join waits for member 1 to rejoin, which it does on seeing the rebalance.
    ...(jv >= 4 ? [join('m2', true, 'member 2: first join (member id required)')] : []),
    {
      parallel: [
        join('m2', jv < 4, jv >= 4 ? 'member 2: join with the given id (waits for the rebalance)' : 'member 2: join (waits for the rebalance)'),
        [{ ...heartbeat('member 1 heartbeat during the rebalance', 'm1'), delayMs: 300 }, join('m1', false, 'member 1 rejoins')],
      ],
    },
    { parallel: [sync('m1', 'leader syncs two assignments', true), sync('m2', 'follower syncs', false)] },
    describe('describe the group with two members'),
    leave('member 2 leaves', 'm2'),
    leave('an unknown member leaves', 'unknown'),
    { ...join('m1', false, 'member 1 rejoins alone'), conn: 'm1' },
    leave('member 1 leaves', 'm1'),
    describe('describe the empty group'),
    {
      api: ApiKey.OffsetDelete,
      version: 0,
      title: 'delete the committed offset of partition 0',
      request: () => ({ groupId: g, topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }] }),
    },
    deleteGroup('delete the empty group'),
    deleteGroup('delete it again'),
    describe('describe the deleted group'),
  ];
}

function findCoordinatorSteps(env: SessionEnv): Step[] {
  // Kafka creates __consumer_offsets on the first lookup and answers COORDINATOR_NOT_AVAILABLE
  // until it is ready; that start-up transient is not what is compared.
  const steps: Step[] = [awaitCoordinator(env, env.name('grp-fc-warmup'))];
  for (const v of env.versions(ApiKey.FindCoordinator)) {
    const g = env.name(`grp-fc-v${v}`);
    const find = (title: string, keys: string[], keyType = 0): Step => ({
      api: ApiKey.FindCoordinator,
      version: v,
      title,
      request: () => ({ key: keys[0], keyType, coordinatorKeys: keys }),
    });
    steps.push(find('a group', [g]));
    if (v >= 4) steps.push(find('two groups in one request', [g, env.name(`grp-fc2-v${v}`)]));
    if (v >= 1) {
      steps.push({ ...find('a transactional id, once the coordinator is ready', [env.name('txn-fc')], 1), until: (b: { errorCode: number; coordinators: Array<{ errorCode: number }> }) => (v >= 4 ? b.coordinators[0]?.errorCode === 0 : b.errorCode === 0), attempts: 25 });
      steps.push(find('key type 9 (unknown)', [g], 9));
    }
    steps.push(find('empty group id', ['']));
  }
  return steps;
}

function offsetSteps(env: SessionEnv, topic: string): Step[] {
  const steps: Step[] = [];
  const g = env.name('grp-simple');
  steps.push(awaitCoordinator(env, g));
  for (const v of env.versions(ApiKey.OffsetCommit)) {
    const commit = (title: string, partitions: Array<Record<string, unknown>>, tweak: Record<string, unknown> = {}, t = topic): Step => ({
      api: ApiKey.OffsetCommit,
      version: v,
      title,
      request: (ctx) => ({
        groupId: g,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        topics: [v >= 10 ? { topicId: t === topic ? topicIdOf(ctx, topic) : UNKNOWN_TOPIC_ID, partitions } : { name: t, partitions }],
        ...tweak,
      }),
    });
    steps.push(commit('simple commit (no member)', [{ partitionIndex: 0, committedOffset: 3 + v, committedMetadata: `v${v}` }]));
    steps.push(commit('unknown topic', [{ partitionIndex: 0, committedOffset: 1, committedMetadata: null }], {}, env.name('grp-missing')));
    steps.push(commit('metadata of 5000 bytes', [{ partitionIndex: 0, committedOffset: 1, committedMetadata: 'x'.repeat(5000) }]));
    steps.push(commit('a member of an empty group', [{ partitionIndex: 0, committedOffset: 1, committedMetadata: null }], { memberId: 'no-such-member', generationIdOrMemberEpoch: 3 }));
  }
  for (const v of env.versions(ApiKey.OffsetFetch)) {
    const fetch = (title: string, group: string, topics: Array<{ name: string; partitionIndexes: number[] }> | null, extra: Record<string, unknown> = {}): Step => ({
      api: ApiKey.OffsetFetch,
      version: v,
      title,
      request: (ctx) =>
        v >= 8
          ? { groups: [{ groupId: group, topics: topics?.map((t) => (v >= 10 ? { topicId: topicIdOf(ctx, t.name), partitionIndexes: t.partitionIndexes } : t)) ?? null }], ...extra }
          : { groupId: group, topics, ...extra },
    });
    steps.push(fetch('committed offset of partition 0', g, [{ name: topic, partitionIndexes: [0] }]));
    if (v >= 2) steps.push(fetch('all committed offsets', g, null));
    steps.push(fetch('unknown group', env.name('grp-none'), [{ name: topic, partitionIndexes: [0] }]));
    if (v >= 7) steps.push(fetch('require stable', g, [{ name: topic, partitionIndexes: [0] }], { requireStable: true }));
    if (v >= 8) {
      steps.push({
        api: ApiKey.OffsetFetch,
        version: v,
        title: 'two groups in one request',
        request: () => ({ groups: [{ groupId: g, topics: null }, { groupId: env.name('grp-none'), topics: null }] }),
      });
    }
  }
  return steps;
}

export const groupsSession: Session = {
  name: 'groups',
  description: 'Classic group lifecycle at the lowest and highest shared versions; FindCoordinator, OffsetCommit, OffsetFetch at each version',
  build(env) {
    const topic = env.name('grp-topic');
    return [
      ...setupTopics(env, [{ name: topic, partitions: 2 }]),
      ...findCoordinatorSteps(env),
      ...offsetSteps(env, topic),
      ...lifecycle(env, 'min', topic),
      ...lifecycle(env, 'max', topic),
    ];
  },
};
