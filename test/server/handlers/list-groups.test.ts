import type { RawClient } from '../../support/raw-client';
import type { TestBroker } from './helpers';
import { commitRequest, connect, FIND_COORDINATOR, groupBroker, JOIN, joinRequest, LIST_GROUPS, OFFSET_COMMIT, soloMember, createTopic } from './group-support';

describe('ListGroups', () => {
  let b: TestBroker;
  let c: RawClient;
  beforeAll(async () => {
    b = await groupBroker([], false);
    c = await connect(b);
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  it('lists nothing before any group exists, and does not create __consumer_offsets', async () => {
    expect(await c.request(LIST_GROUPS, 5, { statesFilter: [], typesFilter: [] })).toEqual({ throttleTimeMs: 0, errorCode: 0, groups: [] });
    expect(b.broker.services.metadata.topic('__consumer_offsets')).toBeUndefined();
  });

  it('lists every group; v4 filters by state (case-insensitive), v5 by type', async () => {
    await c.request(FIND_COORDINATOR, 3, { key: 'stable', keyType: 0, coordinatorKeys: [] });
    await createTopic(b, 't', 1);
    await soloMember(c, 'stable');
    await c.request(JOIN, 3, joinRequest('completing'));
    await c.request(OFFSET_COMMIT, 8, commitRequest('simple', [{ name: 't', partitions: [[0, 5n]] }]));
    const sort = (gs: Array<{ groupId: string }>) => [...gs].sort((x, y) => x.groupId.localeCompare(y.groupId));
    expect(sort((await c.request(LIST_GROUPS, 0, { statesFilter: [], typesFilter: [] })).groups)).toEqual([
      { groupId: 'completing', protocolType: 'consumer', groupState: '', groupType: '' },
      { groupId: 'simple', protocolType: '', groupState: '', groupType: '' },
      { groupId: 'stable', protocolType: 'consumer', groupState: '', groupType: '' },
    ]);
    expect((await c.request(LIST_GROUPS, 4, { statesFilter: ['STABLE', 'empty', 'bogus'], typesFilter: [] })).groups.map((g: { groupId: string; groupState: string }) => [g.groupId, g.groupState]).sort()).toEqual([
      ['simple', 'Empty'],
      ['stable', 'Stable'],
    ]);
    const v5 = await c.request(LIST_GROUPS, 5, { statesFilter: ['CompletingRebalance'], typesFilter: ['Classic'] });
    expect(v5.groups).toEqual([{ groupId: 'completing', protocolType: 'consumer', groupState: 'CompletingRebalance', groupType: 'classic' }]);
    expect((await c.request(LIST_GROUPS, 5, { statesFilter: [], typesFilter: ['consumer'] })).groups).toEqual([]);
  });
});
