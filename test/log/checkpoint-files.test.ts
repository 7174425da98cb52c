import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatOffsetCheckpoint,
  parseLeaderEpochCheckpoint,
  parseOffsetCheckpoint,
  parsePartitionMetadata,
  readOffsetCheckpoint,
  writeOffsetCheckpoint,
} from '../../src/log/checkpoint-files';
import { CorruptFileError } from '../../src/log/errors';
import { LeaderEpochCache } from '../../src/log/leader-epoch-cache';
import { nodeLogFs } from '../../src/log/log-fs';
import { tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe('checkpoint files', () => {
  it('writes and reads Kafka offset checkpoints atomically', async () => {
    const path = join(t.dir, 'recovery-point-offset-checkpoint');
    const entries = [
      { topic: 'a.b-c', partition: 0, offset: 42 },
      { topic: 'x', partition: 7, offset: 2 ** 40 },
    ];
    await writeOffsetCheckpoint(nodeLogFs, path, entries);
    expect(readFileSync(path, 'utf8')).toBe(`0\n2\na.b-c 0 42\nx 7 ${2 ** 40}\n`);
    expect(await readOffsetCheckpoint(nodeLogFs, path)).toEqual(entries);
    expect(await readOffsetCheckpoint(nodeLogFs, join(t.dir, 'none'))).toEqual([]);
  });

  it('names the file and the problem when a checkpoint is corrupt', () => {
    expect(() => parseOffsetCheckpoint('/p', '0\n2\na 0 1\n')).toThrow(CorruptFileError);
    expect(() => parseOffsetCheckpoint('/p', '1\n0\n')).toThrow(/\/p: unsupported version/);
    expect(() => parseOffsetCheckpoint('/p', '0\n1\na 0 -5\n')).toThrow(/bad offset/);
    expect(formatOffsetCheckpoint([]).toString()).toBe('0\n0\n');
  });

  it('parses partition.metadata and leader-epoch-checkpoint', () => {
    expect(parsePartitionMetadata('/m', 'version: 0\ntopic_id: q2VXRs1-TaG2jNn0sAwYwA')).toEqual({ topicId: 'q2VXRs1-TaG2jNn0sAwYwA' });
    expect(() => parsePartitionMetadata('/m', 'version: 1\ntopic_id: q2VXRs1-TaG2jNn0sAwYwA')).toThrow(CorruptFileError);
    expect(parseLeaderEpochCheckpoint('/e', '0\n2\n0 0\n3 150\n')).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 150 },
    ]);
  });
});

describe('LeaderEpochCache', () => {
  it('assigns, answers OffsetForLeaderEpoch and truncates like Kafka', async () => {
    const path = join(t.dir, 'leader-epoch-checkpoint');
    const c = new LeaderEpochCache(path, nodeLogFs);
    c.assign(1, 0);
    c.assign(1, 5); // same epoch: no new entry
    c.assign(3, 10);
    c.assign(5, 20);
    expect(c.all).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 5, startOffset: 20 },
    ]);
    expect(c.endOffsetFor(5, 30)).toEqual({ epoch: 5, endOffset: 30 });
    expect(c.endOffsetFor(4, 30)).toEqual({ epoch: 3, endOffset: 20 });
    expect(c.endOffsetFor(1, 30)).toEqual({ epoch: 1, endOffset: 10 });
    expect(c.endOffsetFor(0, 30)).toEqual({ epoch: -1, endOffset: -1 });
    await c.persist();
    expect(readFileSync(path, 'utf8')).toBe('0\n3\n1 0\n3 10\n5 20\n');
    c.truncateFromEnd(15);
    expect(c.latestEpoch).toBe(3);
    c.truncateFromStart(12);
    expect(c.all).toEqual([{ epoch: 3, startOffset: 12 }]);
    // A new epoch at an earlier offset replaces the conflicting entries.
    c.assign(4, 11);
    expect(c.all).toEqual([{ epoch: 4, startOffset: 11 }]);
    const loaded = await LeaderEpochCache.load(nodeLogFs, path);
    expect(loaded.latestEpoch).toBe(5);
  });
});
