import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { connect, groupBroker, JOIN, joinRequest, SYNC } from './group-support';

describe('SyncGroup', () => {
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

  const sync = (memberId: string, generationId: number, extra: Record<string, unknown> = {}) => ({
    groupId: 'g', generationId, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [], ...extra,
  });

  it('hands out the leader assignment; v5 requires and returns protocol type and name', async () => {
    const j = await c.request(JOIN, 3, joinRequest('g'));
    // v5 with a null protocol type is refused before reaching the group.
    expect(await c.request(SYNC, 5, sync(j.memberId, 1, { protocolType: null }))).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    expect((await c.request(SYNC, 5, sync(j.memberId, 1, { protocolName: 'roundrobin' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await c.request(SYNC, 5, sync(j.memberId, 2))).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await c.request(SYNC, 5, sync('who', 1))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const r = await c.request(SYNC, 5, sync(j.memberId, 1, { assignments: [{ memberId: j.memberId, assignment: Buffer.from([1, 2, 3]) }] }));
    expect(r).toEqual({ throttleTimeMs: 0, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from([1, 2, 3]) });
    // v0 / v4: no protocol fields on the wire.
    expect(await c.request(SYNC, 0, sync(j.memberId, 1, { protocolType: null, protocolName: null }))).toMatchObject({ errorCode: 0, protocolType: null, protocolName: null, assignment: Buffer.from([1, 2, 3]) });
    expect((await c.request(SYNC, 4, sync(j.memberId, 1, { protocolType: null, protocolName: null }))).assignment).toEqual(Buffer.from([1, 2, 3]));
  });

  it('a missing group or an empty group id', async () => {
    expect((await c.request(SYNC, 5, { ...sync('m', 1), groupId: 'nope' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await c.request(SYNC, 5, { ...sync('m', 1), groupId: '' })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });
});
