import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { connect, createTopic, groupBroker } from './group-support';
import { ConsumerGroupHeartbeatHandler } from '../../../src/server/handlers/consumer-group-heartbeat';

const CGH = 68;

function hb(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    groupId: 'g', memberId: 'member-1', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [], ...extra,
  };
}

describe('ConsumerGroupHeartbeat', () => {
  let b: TestBroker;
  let c: RawClient;
  let topicId: string;
  beforeAll(async () => {
    b = await groupBroker();
    c = await connect(b);
    topicId = await createTopic(b, 't', 3);
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('a member joins, gets the partitions, heartbeats, leaves (v0 and v1)', async () => {
    for (const v of [0, 1]) {
      const group = `join-v${v}`;
      const j = await c.request(CGH, v, hb({ groupId: group, memberId: v === 0 ? '' : 'client-chosen-id' }));
      expect(j).toMatchObject({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, memberEpoch: 2, heartbeatIntervalMs: 5000 });
      expect(j.memberId).toBe(v === 0 ? j.memberId : 'client-chosen-id');
      expect(j.memberId).toHaveLength(v === 0 ? 22 : 16);
      expect(j.assignment).toEqual({ topicPartitions: [{ topicId, partitions: [0, 1, 2] }] });
      const beat = await c.request(CGH, v, hb({ groupId: group, memberId: j.memberId, memberEpoch: 2, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: null }));
      expect(beat).toMatchObject({ errorCode: 0, memberEpoch: 2, assignment: null });
      const left = await c.request(CGH, v, hb({ groupId: group, memberId: j.memberId, memberEpoch: -1, topicPartitions: null }));
      expect(left).toEqual({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, memberId: j.memberId, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null });
    }
  });

  it('malformed requests are INVALID_REQUEST with Kafka\'s messages', async () => {
    const cases: Array<[number, Record<string, unknown>, string]> = [
      [1, { memberId: '' }, "MemberId can't be empty."],
      [0, { memberId: '', memberEpoch: 3 }, "MemberId can't be empty."],
      [1, { groupId: ' ' }, "GroupId can't be empty."],
      [1, { instanceId: '' }, "InstanceId can't be empty."],
      [1, { rackId: '' }, "RackId can't be empty."],
      [1, { rebalanceTimeoutMs: -1 }, 'RebalanceTimeoutMs must be provided in first request.'],
      [1, { topicPartitions: null }, 'TopicPartitions must be empty when (re-)joining.'],
      [1, { topicPartitions: [{ topicId, partitions: [0] }] }, 'TopicPartitions must be empty when (re-)joining.'],
      [1, { subscribedTopicNames: null }, 'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.'],
      [1, { memberEpoch: -2 }, "InstanceId can't be null."],
      [1, { memberEpoch: -3 }, 'MemberEpoch is invalid.'],
    ];
    for (const [v, extra, message] of cases) {
      const r = await c.request(CGH, v, hb(extra));
      expect([r.errorCode, r.errorMessage]).toEqual([ErrorCode.INVALID_REQUEST, message]);
      expect(r).toMatchObject({ memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    }
  });

  it('an assignor not in group.consumer.assignors is UNSUPPORTED_ASSIGNOR', async () => {
    const r = await c.request(CGH, 1, hb({ serverAssignor: 'sticky' }));
    expect([r.errorCode, r.errorMessage]).toEqual([ErrorCode.UNSUPPORTED_ASSIGNOR, 'ServerAssignor sticky is not supported. Supported assignors: uniform, range.']);
  });

  it('v0 carries no regex: a v0 join with only a regex field set is invalid', async () => {
    // The field is not on the wire in v0; the request has names set, so it is valid.
    const r = await c.request(CGH, 0, hb({ groupId: 'v0-regex', memberId: '', subscribedTopicRegex: 't.*' }));
    expect(r.errorCode).toBe(0);
  });

  it('errorResponse has no member id and epoch 0', () => {
    const h = new ConsumerGroupHeartbeatHandler(b.broker.services);
    expect(h.errorResponse(hb({}) as never, ErrorCode.NOT_COORDINATOR)).toEqual({
      throttleTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null,
    });
  });
});

describe('ConsumerGroupHeartbeat before __consumer_offsets exists, and when the protocol is disabled', () => {
  it('NOT_COORDINATOR until FindCoordinator created __consumer_offsets', async () => {
    const b = await groupBroker([], false);
    const c = await connect(b);
    try {
      expect((await c.request(CGH, 1, hb({}))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    } finally {
      await c.close();
      await b.stop();
    }
  });

  it('UNSUPPORTED_VERSION when group.coordinator.rebalance.protocols lacks consumer', async () => {
    const b = await groupBroker(['group.coordinator.rebalance.protocols=classic']);
    const c = await connect(b);
    try {
      expect((await c.request(CGH, 1, hb({}))).errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
      expect((await c.request(69, 0, { groupIds: ['g'], includeAuthorizedOperations: false })).groups[0].errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    } finally {
      await c.close();
      await b.stop();
    }
  });
});
