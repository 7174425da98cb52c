/**
 * Raw sequential write baseline of the disk the brokers write to: `bytes` of incompressible data
 * in 1 MiB writes to one file, then fdatasync. Two figures: the rate into the page cache (what a
 * broker that does not fsync sees while memory lasts) and the rate including the final fdatasync
 * (what the disk sustains). The file is deleted afterwards.
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';

export interface DiskBaseline {
  bytes: number;
  pageCacheBytesPerSec: number;
  syncedBytesPerSec: number;
  fdatasyncSeconds: number;
}

export function measureSequentialWrite(dir: string, bytes: number): DiskBaseline {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'sequential-write.bin');
  const block = randomFillSync(Buffer.allocUnsafe(1 << 20));
  const fd = openSync(path, 'w');
  try {
    const t0 = performance.now();
    let written = 0;
    while (written < bytes) {
      block.writeUInt32LE(written >>> 20, 0); // every block differs
      written += writeSync(fd, block);
    }
    const t1 = performance.now();
    fdatasyncSync(fd);
    const t2 = performance.now();
    return {
      bytes: written,
      pageCacheBytesPerSec: written / ((t1 - t0) / 1000),
      syncedBytesPerSec: written / ((t2 - t0) / 1000),
      fdatasyncSeconds: (t2 - t1) / 1000,
    };
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}
