import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { connect, groupBroker, HEARTBEAT, soloMember } from './group-support';

describe('Heartbeat', () => {
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

  it('NONE for a member of the current generation; errors otherwise, at every version', async () => {
    const { memberId, generationId } = await soloMember(c, 'g');
    for (const v of [0, 1, 2, 3, 4]) {
      expect(await c.request(HEARTBEAT, v, { groupId: 'g', generationId, memberId, groupInstanceId: null })).toEqual({ throttleTimeMs: 0, errorCode: 0 });
      expect((await c.request(HEARTBEAT, v, { groupId: 'g', generationId: generationId + 1, memberId, groupInstanceId: null })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
      expect((await c.request(HEARTBEAT, v, { groupId: 'g', generationId, memberId: 'who', groupInstanceId: null })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect((await c.request(HEARTBEAT, v, { groupId: 'nope', generationId, memberId, groupInstanceId: null })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      expect((await c.request(HEARTBEAT, v, { groupId: '', generationId, memberId, groupInstanceId: null })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    }
  });

  it('v3+: a static member replaced by a newer instance is FENCED_INSTANCE_ID', async () => {
    const old = await soloMember(c, 's', { groupInstanceId: 'inst' });
    const fresh = await soloMember(c, 's', { groupInstanceId: 'inst' });
    expect(fresh.generationId).toBe(old.generationId);
    expect((await c.request(HEARTBEAT, 3, { groupId: 's', generationId: old.generationId, memberId: old.memberId, groupInstanceId: 'inst' })).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await c.request(HEARTBEAT, 4, { groupId: 's', generationId: fresh.generationId, memberId: fresh.memberId, groupInstanceId: 'inst' })).errorCode).toBe(0);
  });
});
