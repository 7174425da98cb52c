import * as fs from 'node:fs';
import * as os from 'node:os';
import { ErrorCode } from '../../../src/protocol/error-codes';
import { buildRecordBatch } from '../../../src/protocol/records';
import { DescribeLogDirsHandler } from '../../../src/server/handlers/describe-log-dirs';
import { statfsDiskUsage } from '../../../src/server/handlers/disk-usage';
import { ctx, startBroker, tempDir, type TestBroker } from './helpers';

describe('statfsDiskUsage', () => {
  it('reads the size and free space of a volume', async () => {
    const s = await statfsDiskUsage(os.tmpdir());
    expect(s.totalBytes).toBeGreaterThan(0n);
    expect(s.usableBytes).toBeGreaterThanOrEqual(0n);
    expect(s.usableBytes).toBeLessThanOrEqual(s.totalBytes);
  });
});

describe('DescribeLogDirsHandler', () => {
  let tb: TestBroker;
  let h: DescribeLogDirsHandler;
  let dir2: string;

  beforeAll(async () => {
    const dir1 = tempDir();
    dir2 = tempDir();
    tb = await startBroker([`log.dirs=${dir1},${dir2}`], dir1);
    h = new DescribeLogDirsHandler(tb.broker.services, async (dir) =>
      dir === dir2 ? Promise.reject(new Error('EIO')) : { totalBytes: 1000n, usableBytes: 400n },
    );
    await tb.broker.services.topics.createTopic({ name: 'la', numPartitions: 2, replicationFactor: 1, configs: {} });
    await tb.broker.services.topics.createTopic({ name: 'lb', numPartitions: 1, replicationFactor: 1, configs: {} });
    const log = tb.broker.services.logs.getLog({ topic: 'la', partition: 0 })!;
    await log.append(buildRecordBatch({ records: [{ key: null, value: Buffer.from('hello'), timestamp: Date.now() }] }));
    expect(log.size).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await tb.stop();
    fs.rmSync(dir2, { recursive: true, force: true });
  });

  it('lists every log dir with its replicas, sizes and volume space', async () => {
    const res = await h.handle({ topics: null }, ctx(35, 5));
    expect(res.errorCode).toBe(0);
    expect(res.results).toHaveLength(2);
    const [first, second] = res.results;
    expect(first).toMatchObject({ errorCode: 0, logDir: tb.dir, totalBytes: 1000n, usableBytes: 400n, isCordoned: false });
    expect(second).toMatchObject({ errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir: dir2, topics: [] });
    // New logs go to the dir holding the fewest, so the replicas are spread over both dirs;
    // the readable one lists its own.
    const listed = first.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}`));
    const inFirst = tb.broker.services.logs.allLogs().filter((l) => l.dir.startsWith(`${tb.dir}/`)).map((l) => `${l.tp.topic}-${l.tp.partition}`);
    expect(listed.sort()).toEqual(inFirst.sort());
    for (const t of first.topics) {
      for (const p of t.partitions) {
        const log = tb.broker.services.logs.getLog({ topic: t.name, partition: p.partitionIndex })!;
        expect(p).toEqual({ partitionIndex: p.partitionIndex, partitionSize: BigInt(log.size), offsetLag: 0n, isFutureKey: false });
      }
    }
  });

  it('lists only the partitions asked for that exist', async () => {
    const one = new DescribeLogDirsHandler(tb.broker.services, async () => ({ totalBytes: 1n, usableBytes: 1n }));
    const res = await one.handle({ topics: [{ topic: 'la', partitions: [0, 1, 9] }, { topic: 'nope', partitions: [0] }] }, ctx(35, 4));
    const all = res.results.flatMap((r) => r.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]));
    expect(all.map(([n]) => n)).toEqual(expect.arrayContaining(['la']));
    expect(all.flatMap(([, ps]) => ps as number[]).sort()).toEqual([0, 1]);
    const none = await one.handle({ topics: [] }, ctx(35, 4));
    for (const r of none.results) expect(r.topics).toEqual([]);
  });

  it('omits a deleted topic', async () => {
    await tb.broker.services.topics.deleteTopic('lb');
    const one = new DescribeLogDirsHandler(tb.broker.services, async () => ({ totalBytes: 1n, usableBytes: 1n }));
    const res = await one.handle({ topics: null }, ctx(35, 5));
    expect(res.results.flatMap((r) => r.topics.map((t) => t.name))).not.toContain('lb');
  });
});
