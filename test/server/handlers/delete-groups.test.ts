import { ErrorCode } from '../../../src/protocol/error-codes';
import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { commitRequest, connect, createTopic, DELETE_GROUPS, groupBroker, LEAVE, OFFSET_COMMIT, OFFSET_FETCH, soloMember } from './group-support';

describe('DeleteGroups', () => {
  let b: TestBroker;
  let c: RawClient;
  beforeAll(async () => {
    b = await groupBroker();
    c = await connect(b);
    await createTopic(b, 't', 1);
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('deletes empty groups with their offsets; NON_EMPTY_GROUP and GROUP_ID_NOT_FOUND otherwise', async () => {
    const { memberId, generationId } = await soloMember(c, 'busy');
    await c.request(OFFSET_COMMIT, 8, commitRequest('busy', [{ name: 't', partitions: [[0, 3n]] }], { generationIdOrMemberEpoch: generationId, memberId }));
    await c.request(OFFSET_COMMIT, 8, commitRequest('idle', [{ name: 't', partitions: [[0, 7n]] }]));
    const r = await c.request(DELETE_GROUPS, 3, { groupsNames: ['idle', 'busy', 'nope', 'idle'] });
    expect(r).toEqual({
      throttleTimeMs: 0,
      results: [
        { groupId: 'idle', errorCode: 0, errorMessage: null },
        { groupId: 'busy', errorCode: ErrorCode.NON_EMPTY_GROUP, errorMessage: null },
        { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: null },
      ],
    });
    const fetchAll = async (g: string) => (await c.request(OFFSET_FETCH, 6, { groupId: g, topics: null, groups: [], requireStable: false })).topics;
    expect(await fetchAll('idle')).toEqual([]);
    expect((await fetchAll('busy'))).toHaveLength(1);
    await c.request(LEAVE, 3, { groupId: 'busy', memberId: '', members: [{ memberId, groupInstanceId: null, reason: null }] });
    expect((await c.request(DELETE_GROUPS, 0, { groupsNames: ['busy'] })).results).toEqual([{ groupId: 'busy', errorCode: 0, errorMessage: null }]);
    expect(await fetchAll('busy')).toEqual([]);
  });
});
