/**
 * Size and free space of the volume holding a log directory (DescribeLogDirs v4+), behind a
 * seam so tests can inject values. The default reads statfs(2), as Java's FileStore does:
 * total = blocks × block size, usable = blocks available to unprivileged users × block size.
 *
 * This is the one place in server/ that touches node:fs; it belongs with the log's filesystem
 * seam (LogFs) once that grows a statfs call.
 */
import { promises as fsp } from 'node:fs';

export interface DiskSpace {
  totalBytes: bigint;
  usableBytes: bigint;
}

export type DiskUsage = (dir: string) => Promise<DiskSpace>;

/** Java's Long.MAX_VALUE; Kafka reports it for file systems too large for a signed long. */
const LONG_MAX = 2n ** 63n - 1n;
const clamp = (n: bigint): bigint => (n > LONG_MAX ? LONG_MAX : n);

export const statfsDiskUsage: DiskUsage = async (dir) => {
  const s = await fsp.statfs(dir, { bigint: true });
  return { totalBytes: clamp(s.blocks * s.bsize), usableBytes: clamp(s.bavail * s.bsize) };
};
