import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { connect, createTopic, groupBroker, soloMember } from './group-support';

const CGH = 68;
const CGD = 69;
const INT32_MIN = -2147483648;

describe('ConsumerGroupDescribe', () => {
  let b: TestBroker;
  let c: RawClient;
  let topicId: string;
  beforeAll(async () => {
    b = await groupBroker();
    c = await connect(b, 'describer');
    topicId = await createTopic(b, 't', 2);
    await c.request(CGH, 1, {
      groupId: 'cg', memberId: 'm1', memberEpoch: 0, instanceId: 'i-1', rackId: 'rack-a', rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: 'range', topicPartitions: [],
    });
    await soloMember(c, 'classic');
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('describes a consumer group, v0 and v1 (member type), in request order', async () => {
    for (const v of [0, 1]) {
      const r = await c.request(CGD, v, { groupIds: ['cg', 'nope', 'classic', ''], includeAuthorizedOperations: false });
      expect(r.groups[0]).toEqual({
        errorCode: 0, errorMessage: null, groupId: 'cg', groupState: 'Stable', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'range',
        members: [{
          memberId: 'm1', instanceId: 'i-1', rackId: 'rack-a', memberEpoch: 2, clientId: 'describer', clientHost: '/127.0.0.1',
          subscribedTopicNames: ['t'], subscribedTopicRegex: '',
          assignment: { topicPartitions: [{ topicId, topicName: 't', partitions: [0, 1] }] },
          targetAssignment: { topicPartitions: [{ topicId, topicName: 't', partitions: [0, 1] }] },
          memberType: v >= 1 ? 1 : -1,
        }],
        authorizedOperations: INT32_MIN,
      });
      expect(r.groups.slice(1).map((g: { groupId: string; errorCode: number; errorMessage: string | null }) => [g.groupId, g.errorCode, g.errorMessage])).toEqual([
        ['nope', ErrorCode.GROUP_ID_NOT_FOUND, 'Group nope not found.'],
        ['classic', ErrorCode.GROUP_ID_NOT_FOUND, 'Group classic is not a consumer group.'],
        ['', ErrorCode.INVALID_GROUP_ID, null],
      ]);
    }
  });

  it('authorized operations when asked: every group operation (no authorizer)', async () => {
    const r = await c.request(CGD, 1, { groupIds: ['cg', 'nope'], includeAuthorizedOperations: true });
    expect(r.groups[0].authorizedOperations).toBe((1 << 3) | (1 << 6) | (1 << 8) | (1 << 10) | (1 << 11));
    expect(r.groups[1].authorizedOperations).toBe(INT32_MIN);
  });
});
