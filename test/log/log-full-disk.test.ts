import { statSync } from 'node:fs';
import { join } from 'node:path';
import { validateBatch } from '../../src/protocol/records';
import { KafkaStorageError } from '../../src/log/errors';
import { batchesOf, makeBatch, valuesOf } from './support/batches';
import { FaultyFs } from './support/faulty-fs';
import { open, readAll } from './support/open';
import { tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

const segmentFile = (dir: string) => join(dir, '00000000000000000000.log');

describe('Log on a full disk (injected ENOSPC)', () => {
  it.each([
    ['no space at all', 0, 0],
    ['a short write first, then ENOSPC', 150, 0],
    ['no space, synchronous writes', 0, 1 << 20],
    ['a short write first, synchronous writes', 150, 1 << 20],
  ])('fails the append with KAFKA_STORAGE_ERROR and stays consistent: %s', async (_name, space, syncWriteMaxBytes) => {
    const fs = new FaultyFs();
    const log = await open(t.dir, { fs, syncWriteMaxBytes });
    for (let i = 0; i < 3; i++) await log.append(makeBatch({ count: 2, valueSize: 40, tag: `ok${i}` }));
    const sizeBefore = statSync(segmentFile(t.dir)).size;
    fs.spaceLeft = space;
    const err = await log.append(makeBatch({ count: 4, valueSize: 100 })).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaStorageError);
    expect(err.kafkaErrorCode).toBe(56);
    expect(err.errno).toBe('ENOSPC');
    if (syncWriteMaxBytes) expect(fs.calls.writevSync).toBeGreaterThan(0);
    // Nothing of the failed batch is visible or left in the file.
    expect(log.logEndOffset).toBe(6);
    expect(statSync(segmentFile(t.dir)).size).toBe(sizeBefore);
    const data = await readAll(log);
    for (const b of batchesOf(data)) validateBatch(b.bytes, 0);
    expect(valuesOf(data).length).toBe(6);

    // Space comes back: appends continue at the next offset.
    fs.spaceLeft = Infinity;
    expect((await log.append(makeBatch({ count: 1, tag: 'later' }))).firstOffset).toBe(6);
    await log.close();
    const reopened = await open(t.dir, { clean: false });
    expect(reopened.logEndOffset).toBe(7);
    expect(valuesOf(await readAll(reopened)).length).toBe(7);
    await reopened.close();
  });

  it('fails every append of a group written together and keeps earlier data', async () => {
    const fs = new FaultyFs();
    const log = await open(t.dir, { fs });
    await log.append(makeBatch({ count: 1 }));
    fs.spaceLeft = 300;
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => log.append(makeBatch({ count: 1, valueSize: 100 }))));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect((f as PromiseRejectedResult).reason).toBeInstanceOf(KafkaStorageError);
    expect(log.logEndOffset).toBe(1 + ok);
    expect(valuesOf(await readAll(log)).length).toBe(1 + ok);
    // Closing writes the indexes: that fails too while the disk is full.
    await expect(log.close()).rejects.toBeInstanceOf(KafkaStorageError);
    fs.spaceLeft = Infinity;
    const reopened = await open(t.dir, { clean: false });
    expect(valuesOf(await readAll(reopened)).length).toBe(1 + ok);
    await reopened.close();
  });

  it('reports a failing fdatasync as a storage error and keeps the recovery point', async () => {
    const fs = new FaultyFs();
    const log = await open(t.dir, { fs });
    await log.append(makeBatch());
    fs.failOnce.set('datasync', 'EIO');
    const err = await log.flush().catch((e) => e);
    expect(err).toBeInstanceOf(KafkaStorageError);
    expect(log.recoveryPoint).toBe(0);
    await log.flush();
    expect(log.recoveryPoint).toBe(1);
    await log.close();
  });

  it('reports a failed segment roll as a storage error without losing the log', async () => {
    const fs = new FaultyFs();
    const log = await open(t.dir, { fs, config: { 'segment.bytes': 300 } });
    await log.append(makeBatch({ valueSize: 150 }));
    fs.failOnce.set('open', 'ENOSPC');
    const err = await log.append(makeBatch({ valueSize: 150 })).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaStorageError);
    expect(log.logEndOffset).toBe(1);
    expect((await log.append(makeBatch({ valueSize: 150 }))).firstOffset).toBe(1);
    expect(log.segments.length).toBe(2);
    await log.close();
  });
});
