import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptFileError } from '../../src/log/errors';
import { nodeLogFs } from '../../src/log/log-fs';
import { OffsetIndex } from '../../src/log/offset-index';
import { TimeIndex } from '../../src/log/time-index';
import { tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe('OffsetIndex', () => {
  it('writes Kafka 8-byte entries (relative offset, position) and looks up the floor entry', async () => {
    const path = join(t.dir, '00000000000000000100.index');
    const idx = new OffsetIndex(path, 100, 1000);
    for (let i = 1; i <= 50; i++) idx.append(100 + i * 10, i * 4096);
    expect(idx.lookupPosition(99)).toEqual({ offset: 100, position: 0 });
    expect(idx.lookupPosition(110)).toEqual({ offset: 110, position: 4096 });
    expect(idx.lookupPosition(119)).toEqual({ offset: 110, position: 4096 });
    expect(idx.lookupPosition(10_000)).toEqual({ offset: 600, position: 50 * 4096 });
    await idx.persist(nodeLogFs, true);
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(400);
    expect([bytes.readInt32BE(0), bytes.readInt32BE(4)]).toEqual([10, 4096]);
    const loaded = new OffsetIndex(path, 100, 1000);
    expect(await loaded.load(nodeLogFs, 51 * 4096)).toBe(true);
    expect(loaded.entries).toBe(50);
    expect(loaded.lookupPosition(255)).toEqual({ offset: 250, position: 15 * 4096 });
  });

  it('truncates entries and the file', async () => {
    const path = join(t.dir, 'x.index');
    const idx = new OffsetIndex(path, 0, 100);
    for (let i = 1; i <= 10; i++) idx.append(i * 2, i * 100);
    await idx.persist(nodeLogFs, false);
    idx.truncateToOffset(7);
    expect(idx.entries).toBe(3);
    expect(idx.lastOffset).toBe(6);
    idx.append(8, 400);
    await idx.persist(nodeLogFs, false);
    expect(readFileSync(path).length).toBe(32);
    idx.truncateToPosition(300);
    expect(idx.entries).toBe(2);
  });

  it('rejects files that fail the checks', async () => {
    const path = join(t.dir, 'bad.index');
    writeFileSync(path, Buffer.alloc(12));
    await expect(new OffsetIndex(path, 0, 100).load(nodeLogFs, 1000)).rejects.toBeInstanceOf(CorruptFileError);
    const b = Buffer.alloc(16);
    b.writeInt32BE(5, 0);
    b.writeInt32BE(100, 4);
    b.writeInt32BE(3, 8); // offsets going backwards
    b.writeInt32BE(200, 12);
    writeFileSync(path, b);
    await expect(new OffsetIndex(path, 0, 100).load(nodeLogFs, 1000)).rejects.toThrow(/relative offset/);
    b.writeInt32BE(9, 8);
    b.writeInt32BE(5000, 12); // position past the log
    writeFileSync(path, b);
    await expect(new OffsetIndex(path, 0, 100).load(nodeLogFs, 1000)).rejects.toThrow(/position/);
    expect(await new OffsetIndex(join(t.dir, 'missing.index'), 0, 10).load(nodeLogFs, 0)).toBe(false);
  });

  it('refuses appends when full or out of order', () => {
    const idx = new OffsetIndex('/nowhere', 0, 2);
    idx.append(1, 10);
    expect(() => idx.append(1, 20)).toThrow();
    idx.append(2, 20);
    expect(idx.isFull).toBe(true);
    expect(() => idx.append(3, 30)).toThrow(/full/);
  });
});

describe('TimeIndex', () => {
  it('writes Kafka 12-byte entries, only for growing timestamps, and looks up by time', async () => {
    const path = join(t.dir, '00000000000000000000.timeindex');
    const idx = new TimeIndex(path, 0, 100);
    idx.maybeAppend(1000, 5);
    idx.maybeAppend(1000, 9); // not larger: skipped
    idx.maybeAppend(2000, 12);
    idx.maybeAppend(3000, 20);
    expect(idx.entries).toBe(3);
    expect(idx.lookupOffset(999)).toBe(0);
    expect(idx.lookupOffset(1500)).toBe(5);
    expect(idx.lookupOffset(3000)).toBe(20);
    await idx.persist(nodeLogFs, false);
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(36);
    expect([Number(bytes.readBigInt64BE(12)), bytes.readInt32BE(20)]).toEqual([2000, 12]);
    const loaded = new TimeIndex(path, 0, 100);
    await loaded.load(nodeLogFs);
    expect(loaded.lastTimestamp).toBe(3000);
    loaded.truncateToOffset(12);
    expect(loaded.lastOffset).toBe(5);
  });
});
