import type { TestBroker } from './helpers';
import { API_VERSIONS, connect, txnBroker } from './txn-support';

describe('ApiVersions features', () => {
  let b: TestBroker;
  beforeAll(async () => (b = await txnBroker()));
  afterAll(() => b.stop());

  it('v3+ advertise transactions v2 and metadata.version as Kafka 4.4, and no KIP-848 groups', async () => {
    const c = await connect(b);
    const r = await c.request(API_VERSIONS, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1.0' });
    expect(r.supportedFeatures).toEqual([
      { name: 'group.version', minVersion: 0, maxVersion: 0 },
      { name: 'metadata.version', minVersion: 7, maxVersion: 33 },
      { name: 'transaction.version', minVersion: 0, maxVersion: 2 },
    ]);
    expect(r.finalizedFeatures).toEqual([
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
});
