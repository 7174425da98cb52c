/**
 * Classic-group error paths beyond the lifecycle of groups.ts, at the highest shared versions:
 * a session timeout out of bounds, an inconsistent protocol type, requests for groups that do not
 * exist, SyncGroup with a wrong generation, and static membership (KIP-345) where a new member
 * with the same instance id fences the old one.
 */
import type { Session, SessionEnv, SideContext, Step } from '../lib/session';
import { ApiKey, setupTopics } from './support';

const METADATA = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // an empty v0 ConsumerProtocolSubscription

function steps(env: SessionEnv): Step[] {
  const jv = env.common(ApiKey.JoinGroup, 'max');
  const hv = env.common(ApiKey.Heartbeat, 'max');
  const sv = env.common(ApiKey.SyncGroup, 'max');
  const g = env.name('ge-group');
  const none = env.name('ge-none');
  const staticGroup = env.name('ge-static');
  const join = (title: string, groupId: string, extra: Record<string, unknown> = {}, save?: (b: any, ctx: SideContext) => void): Step => ({
    api: ApiKey.JoinGroup,
    version: jv,
    title,
    request: () => ({ groupId, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: METADATA }], ...extra }),
    save,
    timeoutMs: 20_000,
  });
  const keep = (prefix: string) => (b: { errorCode: number; memberId: string; generationId: number }, ctx: SideContext): void => {
    if (b.memberId) ctx.set(`${prefix}:member`, b.memberId);
    if (b.errorCode === 0) ctx.set(`${prefix}:gen`, b.generationId);
  };
  const member = (ctx: SideContext, prefix: string): string => ctx.get(`${prefix}:member`);
  const out: Step[] = [
    {
      api: ApiKey.FindCoordinator,
      version: env.common(ApiKey.FindCoordinator, 'max'),
      title: 'wait for the group coordinator',
      compare: false,
      request: () => ({ key: g, keyType: 0, coordinatorKeys: [g] }),
      until: (b: { errorCode: number; coordinators: Array<{ errorCode: number }> }) => (b.coordinators?.[0]?.errorCode ?? b.errorCode) === 0,
    },
    join('session timeout of 1 s (below group.min.session.timeout.ms)', g, { sessionTimeoutMs: 1000 }),
    join('session timeout of 1 h (above group.max.session.timeout.ms)', g, { sessionTimeoutMs: 3_600_000 }),
    join('no protocols', g, { protocols: [] }),
    join('empty protocol type', g, { protocolType: '' }),
    join('first member: id required', g, {}, keep('a')),
  ];
  if (jv >= 4) out.push({ ...join('first member joins', g, {}, keep('a')), request: (ctx) => ({ ...join('', g).request(ctx), memberId: member(ctx, 'a') }) });
  out.push(
    {
      api: ApiKey.SyncGroup,
      version: sv,
      title: 'sync with a wrong generation',
      request: (ctx) => ({ groupId: g, generationId: ctx.get<number>('a:gen') + 3, memberId: member(ctx, 'a'), protocolType: 'consumer', protocolName: 'range', assignments: [] }),
    },
    join('a member with another protocol type', g, { protocolType: 'connect' }),
    join('a member with no protocol in common', g, { protocols: [{ name: 'roundrobin-only', metadata: METADATA }] }),
    { api: ApiKey.Heartbeat, version: hv, title: 'heartbeat to a group that does not exist', request: () => ({ groupId: none, generationId: 1, memberId: 'x' }) },
    {
      api: ApiKey.SyncGroup,
      version: sv,
      title: 'sync to a group that does not exist',
      request: () => ({ groupId: none, generationId: 1, memberId: 'x', protocolType: 'consumer', protocolName: 'range', assignments: [] }),
    },
    {
      api: ApiKey.LeaveGroup,
      version: env.common(ApiKey.LeaveGroup, 'max'),
      title: 'leave a group that does not exist',
      request: () => ({ groupId: none, memberId: 'x', members: [{ memberId: 'x' }] }),
    },
    { api: ApiKey.DescribeGroups, version: env.common(ApiKey.DescribeGroups, 'max'), title: 'describe a group that does not exist', request: () => ({ groups: [none] }) },
    { api: ApiKey.DeleteGroups, version: env.common(ApiKey.DeleteGroups, 'max'), title: 'delete a group that does not exist', request: () => ({ groupsNames: [none] }) },
    { api: ApiKey.OffsetDelete, version: 0, title: 'delete offsets of a group that does not exist', request: () => ({ groupId: none, topics: [{ name: env.name('ge-topic'), partitions: [{ partitionIndex: 0 }] }] }) },
  );
  if (jv >= 5) {
    // Static members get their id at once (no MEMBER_ID_REQUIRED round).
    out.push(
      join('static member joins', staticGroup, { groupInstanceId: 'instance-1' }, keep('s1')),
      join('the same instance id joins again with no member id (replaces the first)', staticGroup, { groupInstanceId: 'instance-1' }, keep('s2')),
      {
        api: ApiKey.Heartbeat,
        version: hv,
        title: 'heartbeat of the replaced static member',
        request: (ctx) => ({ groupId: staticGroup, generationId: ctx.get<number>('s1:gen'), memberId: member(ctx, 's1'), groupInstanceId: 'instance-1' }),
      },
      {
        api: ApiKey.LeaveGroup,
        version: env.common(ApiKey.LeaveGroup, 'max'),
        title: 'the static member leaves by instance id',
        request: () => ({ groupId: staticGroup, members: [{ memberId: '', groupInstanceId: 'instance-1' }] }),
      },
    );
  }
  return out;
}

export const groupErrorsSession: Session = {
  name: 'group-errors',
  description: 'JoinGroup/SyncGroup/Heartbeat/LeaveGroup error paths and static membership',
  build(env) {
    return [...setupTopics(env, [{ name: env.name('ge-topic') }]), ...steps(env)];
  },
};
