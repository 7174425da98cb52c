import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureDirectDevice, measureSequentialWrite } from '../../../bench/lib/disk';
import { hasDirectIo } from '../../log/support/tmp';

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

describe('measureDirectDevice', () => {
  it('writes and reads back the requested bytes with O_DIRECT where the filesystem has it, else says why not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-device-'));
    try {
      const r = measureDirectDevice(dir, 3 * 1024 * 1024);
      if (hasDirectIo(dir)) {
        expect(r).toEqual({ bytes: 3 * 1024 * 1024, directWriteBytesPerSec: expect.any(Number), directReadBytesPerSec: expect.any(Number) });
        if ('bytes' in r) expect(Math.min(r.directWriteBytesPerSec, r.directReadBytesPerSec)).toBeGreaterThan(0);
      } else {
        expect(r).toEqual({ unavailable: expect.stringMatching(/^O_DIRECT refused here/) });
      }
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
