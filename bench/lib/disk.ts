/**
 * Raw sequential baselines of the disk the brokers write to, each on one file deleted afterwards:
 * - measureSequentialWrite: `bytes` of incompressible data in 1 MiB writes, then fdatasync. Two
 *   figures: the rate into the page cache (what a broker that does not fsync sees while memory
 *   lasts) and the rate including the final fdatasync (what the disk sustains that way).
 * - measureDirectDevice: the same writes with O_DIRECT, then the file read back with O_DIRECT,
 *   1 MiB at a time: the device itself, without the page cache. Tributary's opt-in direct I/O
 *   (log.direct.io.enable) writes and catch-up reads are bounded by these two rates, which on
 *   the bench's VMs also change from hour to hour (bench/README.md, fix 14).
 */
import { closeSync, constants, fdatasyncSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import { alignedBuffer } from '../../src/log/aligned-buffer-pool';

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

export interface DeviceBaseline {
  bytes: number;
  directWriteBytesPerSec: number;
  directReadBytesPerSec: number;
}

/** Why there is no device baseline (a filesystem without O_DIRECT, such as tmpfs on older kernels). */
export interface DeviceUnavailable {
  unavailable: string;
}

export function measureDirectDevice(dir: string, bytes: number): DeviceBaseline | DeviceUnavailable {
  // Off Linux the flag is undefined, and OR-ing it in would measure the page cache instead.
  if (constants.O_DIRECT === undefined) return { unavailable: 'O_DIRECT does not exist on this platform' };
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'direct-device.bin');
  // O_DIRECT needs memory aligned to the device's blocks; Node's Buffers are not (wasm memory is).
  const block = alignedBuffer(1 << 20);
  randomFillSync(block);
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_TRUNC | constants.O_RDWR | constants.O_DIRECT);
  } catch (e) {
    rmSync(path, { force: true });
    return { unavailable: `O_DIRECT refused here (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  }
  try {
    const t0 = performance.now();
    let written = 0;
    while (written < bytes) {
      block.writeUInt32LE(written >>> 20, 0); // every block differs
      written += writeSync(fd, block, 0, block.length, written);
    }
    const t1 = performance.now();
    let read = 0;
    for (let n = 1; read < written && n > 0; read += n) n = readSync(fd, block, 0, block.length, read);
    const t2 = performance.now();
    if (read < written) throw new Error(`read back ${read} of ${written} bytes`);
    return {
      bytes: written,
      directWriteBytesPerSec: written / ((t1 - t0) / 1000),
      directReadBytesPerSec: read / ((t2 - t1) / 1000),
    };
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}
