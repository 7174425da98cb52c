import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { connect, groupBroker, JOIN, joinRequest, soloMember, subscription } from './group-support';

describe('JoinGroup', () => {
  let b: TestBroker;
  let c: RawClient;
  beforeAll(async () => {
    b = await groupBroker(['group.min.session.timeout.ms=6000', 'group.max.session.timeout.ms=60000']);
    c = await connect(b, 'joiner');
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('checks the request: INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT, INCONSISTENT_GROUP_PROTOCOL', async () => {
    const err = { generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, members: [] };
    expect(await c.request(JOIN, 9, joinRequest(''))).toMatchObject({ ...err, errorCode: ErrorCode.INVALID_GROUP_ID, memberId: '' });
    expect(await c.request(JOIN, 9, joinRequest('g', '', { sessionTimeoutMs: 5_999 }))).toMatchObject({ ...err, errorCode: ErrorCode.INVALID_SESSION_TIMEOUT });
    expect(await c.request(JOIN, 9, joinRequest('g', '', { sessionTimeoutMs: 60_001 }))).toMatchObject({ errorCode: ErrorCode.INVALID_SESSION_TIMEOUT });
    expect(await c.request(JOIN, 9, joinRequest('g', '', { protocols: [] }))).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL });
    expect(await c.request(JOIN, 9, joinRequest('g', '', { protocolType: '' }))).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL });
    expect(await c.request(JOIN, 9, joinRequest('nope', 'abc'))).toMatchObject({ ...err, errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: 'abc' });
  });

  it('v4+: MEMBER_ID_REQUIRED with a generated id, then the join; the leader gets the members (v9)', async () => {
    const first = await c.request(JOIN, 9, joinRequest('g9'));
    expect(first).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1, protocolName: null, leader: '' });
    expect(first.memberId).toMatch(/^joiner-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const r = await c.request(JOIN, 9, joinRequest('g9', first.memberId));
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: first.memberId, memberId: first.memberId, skipAssignment: false });
    expect(r.members).toEqual([{ memberId: first.memberId, groupInstanceId: null, metadata: subscription(['t']) }]);
  });

  it('v0-v3 add the member at once; v6 says an unknown protocol name is "", v7 null', async () => {
    const r = await c.request(JOIN, 0, joinRequest('g0'));
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' });
    expect(r.leader).toBe(r.memberId);
    expect((await c.request(JOIN, 6, joinRequest('g6'))).protocolName).toBe('');
    expect((await c.request(JOIN, 7, joinRequest('g7'))).protocolName).toBeNull();
  });

  it('a second member makes the leader rejoin: both get generation 2', async () => {
    const c2 = await connect(b, 'second');
    try {
      const a = await soloMember(c, 'pair');
      const id2 = (await c2.request(JOIN, 5, joinRequest('pair'))).memberId;
      const joinB = c2.request(JOIN, 5, joinRequest('pair', id2));
      expect(await c.request(12, 3, { groupId: 'pair', generationId: 1, memberId: a.memberId, groupInstanceId: null })).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.REBALANCE_IN_PROGRESS });
      const joinA = await c.request(JOIN, 5, joinRequest('pair', a.memberId));
      const rb = await joinB;
      expect(joinA.generationId).toBe(2);
      expect(rb.generationId).toBe(2);
      expect(joinA.members).toHaveLength(2);
      expect(rb.members).toEqual([]);
    } finally {
      await c2.close();
    }
  });
});
