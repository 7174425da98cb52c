import type { TestBroker } from './helpers';
import { API_VERSIONS, connect, txnBroker } from './txn-support';

describe('ApiVersions features', () => {
  let b: TestBroker;
  beforeAll(async () => (b = await txnBroker()));
  afterAll(() => b.stop());

  it('v3+ advertise transactions v2, KIP-848 groups and metadata.version as Kafka 4.4', async () => {
    const c = await connect(b);
    const r = await c.request(API_VERSIONS, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1.0' });
    expect(r.supportedFeatures).toEqual([
      { name: 'group.version', minVersion: 0, maxVersion: 1 },
      { name: 'metadata.version', minVersion: 7, maxVersion: 33 },
      { name: 'transaction.version', minVersion: 0, maxVersion: 2 },
    ]);
    expect(r.finalizedFeatures).toEqual([
      { name: 'group.version', minVersionLevel: 1, maxVersionLevel: 1 },
      { name: 'metadata.version', minVersionLevel: 33, maxVersionLevel: 33 },
      { name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 },
    ]);
    // Clients keep the finalized features of the highest epoch seen; -1 would be ignored.
    expect(r.finalizedFeaturesEpoch).toBeGreaterThanOrEqual(0n);
    const keys = new Map(r.apiKeys.map((k: { apiKey: number; minVersion: number; maxVersion: number }) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect([22, 24, 25, 26, 27, 28, 61, 65, 66].map((k) => keys.get(k))).toEqual([[0, 5], [0, 5], [0, 4], [0, 5], [1, 2], [0, 6], [0, 0], [0, 0], [0, 2]]);
    // Before v3 there is no room for features.
    const v2 = await c.request(API_VERSIONS, 2, {});
    expect(v2.supportedFeatures).toEqual([]);
    await c.close();
  });

  it('v5 (KIP-1242) answers INVALID_REQUEST, with no API keys, for another cluster id or node id, as Kafka 4.4', async () => {
    const c = await connect(b);
    const base = { clientSoftwareName: 'test', clientSoftwareVersion: '1.0' };
    const ok = await c.request(API_VERSIONS, 5, { ...base, clusterId: b.broker.clusterId, nodeId: 1 });
    expect(ok.errorCode).toBe(0);
    expect(ok.apiKeys.length).toBeGreaterThan(30);
    const anyTarget = await c.request(API_VERSIONS, 5, { ...base, clusterId: null, nodeId: -1 });
    expect(anyTarget.errorCode).toBe(0);
    const otherCluster = await c.request(API_VERSIONS, 5, { ...base, clusterId: 'AAAAAAAAAAAAAAAAAAAAAQ', nodeId: -1 });
    expect(otherCluster).toMatchObject({ errorCode: 42, apiKeys: [], supportedFeatures: [] });
    const otherNode = await c.request(API_VERSIONS, 5, { ...base, clusterId: null, nodeId: 99 });
    expect(otherNode).toMatchObject({ errorCode: 42, apiKeys: [] });
    await c.close();
  });
});
