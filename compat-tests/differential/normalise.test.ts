/**
 * The differential runner's pure parts: normalisation, the field-by-field diff, pair
 * classification, version selection, spec-driven request completion, the summary.
 */
import { buildRecordBatch } from '../../src/protocol/records';
import { diffResponses, show } from './lib/diff';
import { Aliases, IGNORED, normaliseBody, ZERO_UUID } from './lib/normalise';
import { BROKER_TIME, viewRecords } from './lib/records-view';
import { buildTable, summarise } from './lib/report';
import { comparePair, type PairResult } from './lib/runner';
import { commonVersion, versionsToTest } from './lib/session';
import { completeRequest, pruneResponse } from './lib/spec-model';

const TOPIC_ID_A = 'AAAAAAAAAAAAAAAAAAAAAQ';
const TOPIC_ID_B = 'BBBBBBBBBBBBBBBBBBBBBQ';

describe('normaliseBody', () => {
  it('ignores throttle times and error texts, null or not, but keeps error codes', () => {
    const n = normaliseBody({ throttleTimeMs: 120, errorCode: 3, errorMessage: 'no such topic' }, new Aliases());
    const m = normaliseBody({ throttleTimeMs: 0, errorCode: 3, errorMessage: null }, new Aliases());
    expect(n).toEqual({ throttleTimeMs: IGNORED, errorCode: 3, errorMessage: IGNORED });
    expect(diffResponses(n, m)).toEqual([]);
  });

  it('replaces hosts, ports and log directories, keeps a null rack', () => {
    const n = normaliseBody({ brokers: [{ nodeId: 1, host: '127.0.0.1', port: 39092, rack: null }], logDir: '/tmp/x' }, new Aliases());
    expect(n).toEqual({ brokers: [{ nodeId: '<broker#1>', host: '<host>', port: '<port>', rack: null }], logDir: '<log-dir>' });
  });

  it('aliases broker ids consistently across fields and keeps -1', () => {
    const a = new Aliases();
    const n = normaliseBody({ controllerId: 5, topics: [{ name: 't', partitions: [{ partitionIndex: 0, leaderId: 5, replicaNodes: [5], isrNodes: [5] }] }], other: { leaderId: -1 } }, a) as any;
    expect(n.controllerId).toBe('<broker#1>');
    expect(n.topics[0].partitions[0]).toMatchObject({ leaderId: '<broker#1>', replicaNodes: ['<broker#1>'], isrNodes: ['<broker#1>'] });
    expect(n.other.leaderId).toBe(-1);
  });

  it('labels a topic id with its topic name, so order of appearance does not matter', () => {
    const kafka = normaliseBody({ topics: [{ name: 'b', topicId: TOPIC_ID_B }, { name: 'a', topicId: TOPIC_ID_A }] }, new Aliases());
    const trib = normaliseBody({ topics: [{ name: 'a', topicId: TOPIC_ID_B }, { name: 'b', topicId: TOPIC_ID_A }] }, new Aliases());
    expect(kafka).toEqual({ topics: [{ name: 'a', topicId: '<topic-id:a>' }, { name: 'b', topicId: '<topic-id:b>' }] });
    expect(diffResponses(kafka, trib)).toEqual([]);
  });

  it('keeps the zero topic id and values the session made up', () => {
    const a = new Aliases({ [TOPIC_ID_A]: '<made-up>' });
    expect(normaliseBody({ topicId: ZERO_UUID }, a)).toEqual({ topicId: ZERO_UUID });
    expect(normaliseBody({ topicId: TOPIC_ID_A }, a)).toEqual({ topicId: '<made-up>' });
  });

  it('keeps the relation between a JoinGroup leader and the member ids', () => {
    const a = new Aliases();
    const first = normaliseBody({ memberId: 'consumer-1-abc', leader: 'consumer-1-abc', members: [] }, a);
    const second = normaliseBody({ memberId: 'consumer-2-def', leader: 'consumer-1-abc', members: [] }, a);
    expect(first).toEqual({ memberId: '<member#1>', leader: '<member#1>', members: [] });
    expect(second).toEqual({ memberId: '<member#2>', leader: '<member#1>', members: [] });
    expect(normaliseBody({ memberId: '' }, a)).toEqual({ memberId: '' });
  });

  it('aliases producer ids (0 included) but keeps -1', () => {
    const a = new Aliases();
    expect(normaliseBody({ producerId: 0n }, a)).toEqual({ producerId: '<producer#1>' });
    expect(normaliseBody({ producerId: -1n }, a)).toEqual({ producerId: -1n });
    expect(normaliseBody({ producerId: 7000n }, a)).toEqual({ producerId: '<producer#2>' });
  });

  it('keeps fetch session 0 ("none") and aliases real session ids', () => {
    const a = new Aliases();
    expect(normaliseBody({ sessionId: 0 }, a)).toEqual({ sessionId: 0 });
    expect(normaliseBody({ sessionId: 123456 }, a)).toEqual({ sessionId: '<fetch-session#1>' });
  });

  it('blanks broker clocks except their -1 "none" value', () => {
    expect(normaliseBody({ logAppendTimeMs: 1_700_000_000_123n }, new Aliases())).toEqual({ logAppendTimeMs: BROKER_TIME });
    expect(normaliseBody({ logAppendTimeMs: -1n }, new Aliases())).toEqual({ logAppendTimeMs: -1n });
  });

  it('sorts hash-ordered collections by their identity fields, numerically', () => {
    const n = normaliseBody({ topics: [{ name: 'b', partitions: [{ partitionIndex: 10 }, { partitionIndex: 9 }] }, { name: 'a', partitions: [] }] }, new Aliases()) as any;
    expect(n.topics.map((t: any) => t.name)).toEqual(['a', 'b']);
    expect(n.topics[1].partitions.map((p: any) => p.partitionIndex)).toEqual([9, 10]);
  });

  it('keeps the order of arrays whose order means something (config synonyms)', () => {
    const synonyms = [{ name: 'retention.ms', source: 1 }, { name: 'log.retention.ms', source: 4 }, { name: 'log.retention.hours', source: 5 }];
    const n = normaliseBody({ configs: [{ name: 'retention.ms', synonyms }] }, new Aliases()) as any;
    expect(n.configs[0].synonyms.map((s: any) => s.source)).toEqual([1, 4, 5]);
  });

  it('turns record data into batch views with aliased producer ids', () => {
    const records = buildRecordBatch({ records: [{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1000 }], producerId: 4242n, producerEpoch: 0, baseSequence: 0 });
    const n = normaliseBody({ records }, new Aliases()) as any;
    expect(n.records).toHaveLength(1);
    expect(n.records[0]).toMatchObject({ baseOffset: 0n, magic: 2, crcValid: true, producerId: '<producer#1>', recordCount: 1, timestampType: 'CreateTime', baseTimestamp: 1000n });
    expect(n.records[0].records).toEqual([{ offsetDelta: 0, timestampDelta: 0, key: 'k', value: 'v', headers: [] }]);
  });
});

describe('viewRecords', () => {
  const batch = buildRecordBatch({ records: [{ value: Buffer.from([0, 1, 2]) }, { value: Buffer.from('two') }], timestampType: 1, logAppendTime: 5555 });

  it('blanks LogAppendTime timestamps, which are the broker clock', () => {
    const [v] = viewRecords(batch) as any[];
    expect(v).toMatchObject({ timestampType: 'LogAppendTime', baseTimestamp: BROKER_TIME, maxTimestamp: BROKER_TIME });
    expect(v.records.map((r: any) => r.value)).toEqual(['0x000102', 'two']);
  });

  it('reports a corrupted CRC and a batch cut short by a size limit', () => {
    const bad = Buffer.from(batch);
    bad[bad.length - 1] ^= 0xff;
    expect((viewRecords(bad) as any[])[0].crcValid).toBe(false);
    expect(viewRecords(Buffer.concat([batch, batch.subarray(0, 20)]))).toEqual([expect.objectContaining({ magic: 2 }), { partialBytes: 20 }]);
    expect(viewRecords(null)).toBeNull();
  });
});

describe('diffResponses', () => {
  it('matches array elements by identity and names error codes', () => {
    const kafka = { topics: [{ name: 'a', errorCode: 0 }, { name: 'b', errorCode: 3 }] };
    const trib = { topics: [{ name: 'b', errorCode: 5 }, { name: 'c', errorCode: 0 }] };
    expect(diffResponses(kafka, trib)).toEqual([
      { path: 'topics[name=a]', kafka: '{"name":"a","errorCode":0}', tributary: '(absent)' },
      { path: 'topics[name=b].errorCode', kafka: '3 UNKNOWN_TOPIC_OR_PARTITION', tributary: '5 LEADER_NOT_AVAILABLE' },
      { path: 'topics[name=c]', kafka: '(absent)', tributary: '{"name":"c","errorCode":0}' },
    ]);
  });

  it('compares by position when elements have no identity, and bigints by value', () => {
    expect(diffResponses({ offsets: [1n, 2n] }, { offsets: [1n, 3n, 4n] })).toEqual([
      { path: 'offsets[1]', kafka: '2', tributary: '3' },
      { path: 'offsets[2]', kafka: '(absent)', tributary: '4' },
    ]);
    expect(diffResponses({ a: 1n }, { a: 1 })).toEqual([{ path: 'a', kafka: '1', tributary: '1' }]);
    expect(diffResponses({ a: { b: [1, { c: null }] } }, { a: { b: [1, { c: null }] } })).toEqual([]);
  });

  it('reports fields present on one side only', () => {
    expect(diffResponses({ x: 1 }, { x: 1, y: 'extra' })).toEqual([{ path: 'y', kafka: '(absent)', tributary: '"extra"' }]);
  });

  it('shortens long values', () => {
    expect(show('x'.repeat(500)).length).toBeLessThan(520);
    expect(show({ big: 'y'.repeat(500) }).endsWith('…')).toBe(true);
  });
});

describe('comparePair', () => {
  const resp = (normalised: unknown) => ({ result: { kind: 'response' as const, body: {}, elapsedMs: 1 }, normalised });
  it('classifies same, differs and unsupported sides', () => {
    expect(comparePair(resp({ a: 1 }), resp({ a: 1 })).status).toBe('same');
    expect(comparePair(resp({ a: 1 }), resp({ a: 2 })).status).toBe('differs');
    expect(comparePair(resp({}), { result: { kind: 'unsupported', reason: 'x' } }).status).toBe('unsupported-tributary');
    expect(comparePair({ result: { kind: 'skipped', reason: 'x' } }, resp({})).status).toBe('unsupported-kafka');
    expect(comparePair({ result: { kind: 'unsupported', reason: 'x' } }, { result: { kind: 'skipped', reason: 'y' } }).status).toBe('unsupported-both');
  });

  it('treats two closed connections as the same answer, a close against a response as a difference', () => {
    const closed = { result: { kind: 'closed' as const, elapsedMs: 0 } };
    expect(comparePair(closed, closed).status).toBe('same');
    const d = comparePair(closed, resp({ a: 1 }));
    expect(d.status).toBe('differs');
    expect(d.differences[0].kafka).toMatch(/connection closed/);
  });
});

describe('versions to test', () => {
  it('takes each side\'s bounds within the spec range', () => {
    expect(versionsToTest({ min: 4, max: 18 }, { min: 0, max: 18 }, { min: 0, max: 18 })).toEqual([0, 4, 18]);
    expect(versionsToTest({ min: 0, max: 5 }, undefined, { min: 0, max: 5 })).toEqual([0, 5]);
    expect(versionsToTest(undefined, undefined, { min: 0, max: 2 })).toEqual([0, 2]);
  });

  it('picks the shared bounds, else Kafka\'s', () => {
    expect(commonVersion({ min: 2, max: 10 }, { min: 1, max: 9 }, { min: 0, max: 10 }, 'min')).toBe(2);
    expect(commonVersion({ min: 2, max: 10 }, { min: 1, max: 9 }, { min: 0, max: 10 }, 'max')).toBe(9);
    expect(commonVersion({ min: 0, max: 5 }, undefined, { min: 0, max: 5 }, 'max')).toBe(5);
  });
});

describe('spec-model', () => {
  it('fills every field a session leaves out with the spec default, int64 numbers as bigint', () => {
    const body = completeRequest(2, { topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] });
    expect(body).toEqual({
      replicaId: 0,
      isolationLevel: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }],
      timeoutMs: 0,
    });
  });

  it('rejects a field the spec does not have', () => {
    expect(() => completeRequest(3, { topicz: [] })).toThrow(/no field "topicz"/);
  });

  it('drops decoded fields that are not on the wire at that version', () => {
    const decoded = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 0, host: '', port: 0, coordinators: [{ key: 'g', nodeId: 1, host: 'h', port: 1, errorCode: 0, errorMessage: null }] };
    expect(pruneResponse(10, 4, decoded)).toEqual({ throttleTimeMs: 0, coordinators: decoded.coordinators });
    expect(pruneResponse(10, 0, decoded)).toEqual({ errorCode: 0, nodeId: 0, host: '', port: 0 });
  });
});

describe('report', () => {
  const pair = (api: string, version: number, status: PairResult['status']): PairResult => ({
    session: 's', step: 'x', apiKey: api === 'Fetch' ? 1 : 3, api, version, status, differences: [], kafka: { outcome: '' }, tributary: { outcome: '' },
  });

  it('counts pairs into the summary line and a per-API, per-version table', () => {
    const pairs = [pair('Metadata', 12, 'same'), pair('Metadata', 12, 'differs'), pair('Fetch', 0, 'unsupported-kafka'), pair('Fetch', 4, 'same')];
    expect(summarise(pairs).line).toBe('2/4 request-response pairs match (1 differ, 0 unsupported on Tributary, 1 unsupported on Kafka)');
    expect(buildTable(pairs).map((r) => [r.api, r.version, r.verdict])).toEqual([
      ['Fetch', 0, 'unsupported on Kafka'],
      ['Fetch', 4, 'same'],
      ['Metadata', 12, 'differs'],
    ]);
  });
});
