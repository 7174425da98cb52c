import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { segmentBytes } from '../../../bench/lib/data-size';

describe('segmentBytes', () => {
  it('sums .log files below the directory, skipping indexes and KRaft metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-size-'));
    try {
      mkdirSync(join(dir, 't-0'));
      mkdirSync(join(dir, 't-1'));
      mkdirSync(join(dir, '__cluster_metadata-0'));
      writeFileSync(join(dir, 't-0', '00000000000000000000.log'), Buffer.alloc(100));
      writeFileSync(join(dir, 't-0', '00000000000000000000.index'), Buffer.alloc(1000));
      writeFileSync(join(dir, 't-1', '00000000000000000000.log'), Buffer.alloc(23));
      writeFileSync(join(dir, '__cluster_metadata-0', '00000000000000000000.log'), Buffer.alloc(5000));
      expect(segmentBytes(dir)).toBe(123);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is NaN for a missing directory', () => {
    expect(segmentBytes('/nonexistent/bench')).toBeNaN();
  });
});
