/**
 * @platformatic/kafka (pinned in package.json) against the target broker. The scenarios live in
 * scenarios/*.mjs (see support.ts for why); each prints what it observed and the expectations
 * are here. The client speaks the newest flexible versions of each API it uses (Metadata v12,
 * CreateTopics v7, Fetch v17, JoinGroup v9, ...).
 */
import { startTarget, Target } from '../support/target';
import { runScenario } from './support';

let target: Target;

beforeAll(async () => {
  target = await startTarget();
});
afterAll(() => target?.stop());

test('admin: metadata, create/list/delete topics, partitions and configs', async () => {
  const r = await runScenario<Record<string, any>>('admin-metadata', target.bootstrap);
  expect(r.brokers).toHaveLength(1);
  expect(r.brokers[0].host).toBe(target.bootstrap.split(':')[0]);
  expect(r.controllerId).toBeGreaterThanOrEqual(0);
  expect(r.clusterId.length).toBeGreaterThan(0);
  expect(r.created).toEqual([expect.objectContaining({ partitions: 3, replicas: 1, hasId: true })]);
  expect(r.listedCreated).toBe(true);
  expect(r.duplicate).toMatchObject({ apiId: 'TOPIC_ALREADY_EXISTS', apiCode: 36 });
  expect(r.partitions).toBe(3);
  expect(r.leaders).toEqual([r.controllerId, r.controllerId, r.controllerId]);
  expect(r.topicIdFromMetadata).toBe(true);
  expect(r.partitionsAfterGrow).toBe(5);
  expect(r.configsBefore).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '604800000' });
  expect(r.configsAfter).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '7200000' });
  expect(r.deleted).toBe(true);
});

test('producer and group consumer: keys, headers, timestamps, compression, offsets by timestamp', async () => {
  const r = await runScenario<Record<string, any>>('produce-consume', target.bootstrap);
  expect(r.codecs).toEqual(expect.arrayContaining(['none', 'gzip', 'snappy', 'lz4']));
  expect(r.received).toHaveLength(r.codecs.length * 3);
  for (const codec of r.codecs as string[]) {
    const mine = (r.received as any[]).filter((m) => m.headers.codec === codec);
    expect(mine.map((m) => m.key).sort()).toEqual([0, 1, 2].map((i) => `${codec}-k${i}`));
    for (const m of mine) expect(m.value).toBe(`${codec} value ${m.headers.index} `.repeat(4));
  }
  for (const p of [0, 1]) {
    const offsets = (r.received as any[]).filter((m) => m.partition === p).map((m) => Number(m.offset));
    expect(offsets).toEqual(offsets.map((_, i) => i));
    const timestamps = (r.received as any[]).filter((m) => m.partition === p).map((m) => Number(m.timestamp));
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  }
  expect(r.offsetsByTimestamp).toEqual(['1', '1']);
  expect(r.latestOffsets).toEqual([String(r.codecs.length * 3 / 2), String(r.codecs.length * 3 / 2)]);
});

test('consumer group: two members share partitions, commit, a new member resumes, admin sees the group', async () => {
  const r = await runScenario<Record<string, any>>('consumer-group', target.bootstrap);
  expect([...r.assignments.a, ...r.assignments.b].sort()).toEqual([0, 1, 2, 3]);
  expect(r.group).toMatchObject({ state: 'STABLE', protocolType: 'consumer', protocol: 'roundrobin', members: 2 });
  expect(r.group.memberAssignments.flat().sort()).toEqual([0, 1, 2, 3]);
  expect(r.listed).toEqual({ protocolType: 'consumer', state: 'STABLE' });
  expect(r.receivedFirst).toEqual(['first-0', 'first-1', 'first-2', 'first-3']);
  expect(r.committedSeen).toEqual(['1', '1', '1', '1']);
  expect(r.receivedSecond).toEqual(['second-0', 'second-1', 'second-2', 'second-3']);
  expect(r.committedAfter).toEqual(['2', '2', '2', '2']);
  expect(r.afterDelete).toBe('DEAD');
});

test('idempotent and transactional producers, read_committed consumer', async () => {
  const r = await runScenario<Record<string, any>>('transactions', target.bootstrap);
  expect(r.producerIdAssigned).toBe(true);
  expect(r.idemOffsets).toEqual(['0', '1', '2']);
  expect(r.idemValues).toEqual(['i0', 'i1', 'i2']);
  expect(r.readCommitted).toEqual(['committed-1', 'committed-2']);
  expect(r.readUncommitted).toEqual(['aborted', 'committed-1', 'committed-2']);
});
