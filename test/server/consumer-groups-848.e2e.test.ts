/**
 * KIP-848 consumer groups end to end over TCP (raw frames, as the Java client and librdkafka
 * speak them): ApiVersions advertises the APIs, two members reconcile (revocation before
 * assignment), commits with member epochs, the group in ListGroups/DescribeGroups, new partitions
 * reassigned, and the group replayed from __consumer_offsets after a broker restart.
 */
import { RawClient } from '../support/raw-client';
import { ErrorCode } from '../../src/protocol/error-codes';
import { startBroker, tempDir, type TestBroker } from './handlers/helpers';

jest.setTimeout(60_000);

const CGH = 68;
const CGD = 69;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Owned {
  topicId: string;
  partitions: number[];
}

class Member {
  epoch = 0;
  owned: Owned[] = [];

  constructor(
    private readonly c: RawClient,
    readonly groupId: string,
    readonly memberId: string,
    private readonly topics: string[],
  ) {}

  async join(): Promise<any> {
    const r = await this.c.request(CGH, 1, {
      groupId: this.groupId, memberId: this.memberId, memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: this.topics, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [],
    });
    return this.apply(r);
  }

  /** A heartbeat reporting what it owns; takes (or gives up) what the answer says, as a client does. */
  async beat(): Promise<any> {
    const r = await this.c.request(CGH, 1, {
      groupId: this.groupId, memberId: this.memberId, memberEpoch: this.epoch, instanceId: null, rackId: null, rebalanceTimeoutMs: -1,
      subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: this.owned,
    });
    return this.apply(r);
  }

  partitions(): number[] {
    return this.owned.flatMap((o) => o.partitions).sort((a, b) => a - b);
  }

  private apply(r: any): any {
    expect(r.errorCode).toBe(ErrorCode.NONE);
    this.epoch = r.memberEpoch;
    if (r.assignment) this.owned = r.assignment.topicPartitions;
    return r;
  }
}

async function createTopic(c: RawClient, name: string, partitions: number): Promise<string> {
  const r = await c.request(19, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  expect(r.topics[0].errorCode).toBe(0);
  return r.topics[0].topicId;
}

describe('KIP-848 consumer groups over TCP', () => {
  const dir = tempDir('tributary-848-');
  let b: TestBroker;
  let c: RawClient;
  let topicId: string;

  beforeAll(async () => {
    b = await startBroker(['offsets.topic.num.partitions=2'], dir);
    c = await RawClient.connect(b.host, b.port, 'e2e');
    const fc = await c.request(10, 4, { key: '', keyType: 0, coordinatorKeys: ['shop'] });
    expect(fc.coordinators[0].errorCode).toBe(0);
    topicId = await createTopic(c, 'orders', 6);
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('ApiVersions advertises ConsumerGroupHeartbeat and ConsumerGroupDescribe v0-1', async () => {
    const r = await c.request(18, 3, { clientSoftwareName: 'e2e', clientSoftwareVersion: '1' });
    expect(r.apiKeys.filter((k: { apiKey: number }) => k.apiKey === CGH || k.apiKey === CGD)).toEqual([
      { apiKey: CGH, minVersion: 0, maxVersion: 1 },
      { apiKey: CGD, minVersion: 0, maxVersion: 1 },
    ]);
  });

  it('two members split the topic; a partition changes owner only after it was revoked', async () => {
    const a = new Member(c, 'shop', 'member-a', ['orders']);
    const m2 = new Member(c, 'shop', 'member-b', ['orders']);
    await a.join();
    expect(a.partitions()).toEqual([0, 1, 2, 3, 4, 5]);
    await m2.join();
    expect(m2.partitions()).toEqual([]);
    // A new target assignment is computed at most once per group.consumer.assignment.interval.ms (1 s).
    await sleep(1100);
    await m2.beat();
    expect(m2.partitions()).toEqual([]); // a still owns them
    await a.beat(); // told to revoke three
    expect(a.partitions()).toHaveLength(3);
    await m2.beat();
    expect(m2.partitions()).toEqual([]); // a has not confirmed
    await a.beat(); // confirms: epoch bump
    await m2.beat(); // now b gets its three
    expect([...a.partitions(), ...m2.partitions()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(a.epoch).toBe(m2.epoch);

    // Commits with the member epoch (OffsetCommit v9), fetches with it (OffsetFetch v9).
    const commit = await c.request(8, 9, {
      groupId: 'shop', generationIdOrMemberEpoch: a.epoch, memberId: 'member-a', groupInstanceId: null, retentionTimeMs: -1,
      topics: [{ name: 'orders', topicId, partitions: a.partitions().map((p) => ({ partitionIndex: p, committedOffset: 10n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' })) }],
    });
    expect(commit.topics[0].partitions.every((p: { errorCode: number }) => p.errorCode === 0)).toBe(true);
    const stale = await c.request(8, 9, {
      groupId: 'shop', generationIdOrMemberEpoch: a.epoch + 1, memberId: 'member-a', groupInstanceId: null, retentionTimeMs: -1,
      topics: [{ name: 'orders', topicId, partitions: [{ partitionIndex: a.partitions()[0], committedOffset: 11n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }],
    });
    expect(stale.topics[0].partitions[0].errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    const fetched = await c.request(9, 9, { groups: [{ groupId: 'shop', memberId: 'member-a', memberEpoch: a.epoch, topics: [{ name: 'orders', partitionIndexes: a.partitions() }] }], requireStable: false });
    expect(fetched.groups[0].topics[0].partitions.map((p: { committedOffset: bigint }) => p.committedOffset)).toEqual([10n, 10n, 10n]);
    const fetchStale = await c.request(9, 9, { groups: [{ groupId: 'shop', memberId: 'member-a', memberEpoch: 99, topics: null }], requireStable: false });
    expect(fetchStale.groups[0].errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);

    // The group as the admin APIs see it.
    const listed = await c.request(16, 5, { statesFilter: [], typesFilter: ['consumer'] });
    expect(listed.groups).toEqual([{ groupId: 'shop', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]);
    const described = await c.request(CGD, 1, { groupIds: ['shop'], includeAuthorizedOperations: false });
    expect(described.groups[0].members.map((m: { memberId: string }) => m.memberId).sort()).toEqual(['member-a', 'member-b']);
    const classic = await c.request(15, 6, { groups: ['shop'], includeAuthorizedOperations: false });
    expect(classic.groups[0]).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, groupState: 'Dead' });

    // New partitions: the next heartbeat sees them and the group is rebalanced.
    const grow = await c.request(37, 3, { topics: [{ name: 'orders', count: 8, assignments: null }], timeoutMs: 5000, validateOnly: false });
    expect(grow.results[0].errorCode).toBe(0);
    await sleep(1100);
    for (let i = 0; i < 4; i++) {
      await a.beat();
      await m2.beat();
    }
    expect([...a.partitions(), ...m2.partitions()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(a.partitions()).toHaveLength(4);
  });

  it('a restarted broker replays the group from __consumer_offsets; members carry on', async () => {
    const before = (await c.request(CGD, 1, { groupIds: ['shop'], includeAuthorizedOperations: false })).groups[0];
    await c.close();
    await b.stop(true);
    b = await startBroker(['offsets.topic.num.partitions=2'], dir);
    c = await RawClient.connect(b.host, b.port, 'e2e');
    let after: any;
    for (let i = 0; i < 50; i++) {
      after = (await c.request(CGD, 1, { groupIds: ['shop'], includeAuthorizedOperations: false })).groups[0];
      if (after.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && after.errorCode !== ErrorCode.NOT_COORDINATOR) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(after).toEqual(before);
    const a = new Member(c, 'shop', 'member-a', ['orders']);
    const m = before.members.find((x: { memberId: string }) => x.memberId === 'member-a');
    a.epoch = m.memberEpoch;
    a.owned = m.assignment.topicPartitions.map((tp: { topicId: string; partitions: number[] }) => ({ topicId: tp.topicId, partitions: tp.partitions }));
    const r = await a.beat();
    expect(r.memberEpoch).toBe(m.memberEpoch);
    // Leaving for good: the group epoch moves on.
    const left = await c.request(CGH, 1, { groupId: 'shop', memberId: 'member-a', memberEpoch: -1, instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null });
    expect(left.errorCode).toBe(0);
    const now = (await c.request(CGD, 1, { groupIds: ['shop'], includeAuthorizedOperations: false })).groups[0];
    expect(now.groupEpoch).toBe(before.groupEpoch + 1);
    expect(now.members).toHaveLength(1);
  });
});
