import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { connect, DESCRIBE_GROUPS, groupBroker, LEAVE, soloMember } from './group-support';

describe('LeaveGroup', () => {
  let b: TestBroker;
  let c: RawClient;
  beforeAll(async () => {
    b = await groupBroker();
    c = await connect(b);
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('v0-v2: one member, one error code', async () => {
    const { memberId } = await soloMember(c, 'a');
    expect(await c.request(LEAVE, 1, { groupId: 'a', memberId: 'who', members: [] })).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] });
    expect(await c.request(LEAVE, 0, { groupId: 'a', memberId, members: [] })).toEqual({ throttleTimeMs: 0, errorCode: 0, members: [] });
    const d = await c.request(DESCRIBE_GROUPS, 5, { groups: ['a'], includeAuthorizedOperations: false });
    expect(d.groups[0]).toMatchObject({ groupState: 'Empty', members: [] });
    expect((await c.request(LEAVE, 2, { groupId: 'nope', memberId, members: [] })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('v3+: several members, each with its own error; by instance id without a member id', async () => {
    const s = await soloMember(c, 'b', { groupInstanceId: 'i1' });
    const r = await c.request(LEAVE, 5, {
      groupId: 'b',
      memberId: '',
      members: [
        { memberId: '', groupInstanceId: 'i1', reason: 'shutting down' },
        { memberId: s.memberId, groupInstanceId: null, reason: null },
        { memberId: 'ghost', groupInstanceId: null, reason: null },
      ],
    });
    expect(r).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      members: [
        { memberId: '', groupInstanceId: 'i1', errorCode: 0 },
        { memberId: s.memberId, groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
        { memberId: 'ghost', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      ],
    });
    const missing = await c.request(LEAVE, 3, { groupId: 'nope', memberId: '', members: [{ memberId: 'x', groupInstanceId: null, reason: null }] });
    expect(missing).toEqual({ throttleTimeMs: 0, errorCode: 0, members: [{ memberId: 'x', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }] });
    expect((await c.request(LEAVE, 4, { groupId: '', memberId: '', members: [] })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });
});
