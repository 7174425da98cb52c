import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { connect, DESCRIBE_GROUPS, groupBroker, JOIN, joinRequest, soloMember, subscription } from './group-support';

describe('DescribeGroups', () => {
  let b: TestBroker;
  let c: RawClient;
  beforeAll(async () => {
    b = await groupBroker();
    c = await connect(b, 'describer');
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('a Stable group: protocol, members with metadata and assignment; authorized operations when asked (v3+)', async () => {
    const { memberId } = await soloMember(c, 'g', { groupInstanceId: 'inst-1' });
    const r = await c.request(DESCRIBE_GROUPS, 5, { groups: ['g'], includeAuthorizedOperations: true });
    expect(r).toEqual({
      throttleTimeMs: 0,
      groups: [
        {
          errorCode: 0,
          errorMessage: null,
          groupId: 'g',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'range',
          members: [{ memberId, groupInstanceId: 'inst-1', clientId: 'describer', clientHost: '/127.0.0.1', memberMetadata: subscription(['t']), memberAssignment: Buffer.from('assigned') }],
          // READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS: what Kafka 4.4 answers with no authorizer.
          authorizedOperations: 3400,
        },
      ],
    });
    const v2 = await c.request(DESCRIBE_GROUPS, 2, { groups: ['g'], includeAuthorizedOperations: false });
    expect(v2.groups[0].authorizedOperations).toBe(-2147483648);
    expect(v2.groups[0].members[0].groupInstanceId).toBeNull();
  });

  it('while rebalancing: no protocol, members without metadata', async () => {
    await c.request(JOIN, 3, joinRequest('r', '', { sessionTimeoutMs: 10_000 }));
    const r = await c.request(DESCRIBE_GROUPS, 5, { groups: ['r'], includeAuthorizedOperations: false });
    expect(r.groups[0]).toMatchObject({ groupState: 'CompletingRebalance', protocolType: 'consumer', protocolData: '' });
    expect(r.groups[0].members[0]).toMatchObject({ memberMetadata: Buffer.alloc(0), memberAssignment: Buffer.alloc(0) });
  });

  it('an unknown group is Dead; from v6 also GROUP_ID_NOT_FOUND with a message', async () => {
    const v5 = await c.request(DESCRIBE_GROUPS, 5, { groups: ['nope'], includeAuthorizedOperations: true });
    expect(v5.groups).toEqual([{ errorCode: 0, errorMessage: null, groupId: 'nope', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: 3400 }]);
    const v6 = await c.request(DESCRIBE_GROUPS, 6, { groups: ['nope', 'g'], includeAuthorizedOperations: true });
    expect(v6.groups[0]).toEqual({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group nope not found.', groupId: 'nope', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 });
    expect(v6.groups[1]).toMatchObject({ groupId: 'g', errorCode: 0, groupState: 'Stable' });
  });
});
