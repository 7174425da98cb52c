import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureSequentialWrite } from '../../../bench/lib/disk';

describe('measureSequentialWrite', () => {
  it('writes the requested bytes, reports both rates and removes its file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-disk-'));
    try {
      const r = measureSequentialWrite(dir, 4 * 1024 * 1024);
      expect(r.bytes).toBe(4 * 1024 * 1024);
      expect(r.pageCacheBytesPerSec).toBeGreaterThan(0);
      expect(r.syncedBytesPerSec).toBeGreaterThan(0);
      expect(r.syncedBytesPerSec).toBeLessThanOrEqual(r.pageCacheBytesPerSec);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(dir)).toBe(false);
  });
});
