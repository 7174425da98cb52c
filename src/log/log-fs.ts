/**
 * The log's filesystem seam: every file operation of src/log goes through a LogFs, so tests can
 * substitute a faulty one (full disk, short writes, failing fsync, simulated crash). This is the
 * only module of the log layer that imports node:fs.
 *
 * Files are addressed by numeric descriptors and positional reads/writes (pread/pwrite); nothing
 * relies on a file position. `write`/`writev` return the number of bytes written, which may be
 * short (just before ENOSPC the kernel can accept part of a write without an error): callers
 * must check it.
 */
import * as fs from 'node:fs';

export type OpenMode =
  /** read only */
  | 'r'
  /** read/write, the file must exist */
  | 'r+'
  /** read/write, created if missing, never truncated */
  | 'rw+'
  /** read/write, created or truncated */
  | 'w+'
  /**
   * write only with direct I/O (O_DIRECT), the file must exist: positions, lengths and memory
   * must be aligned (direct-appender.ts). Filesystems without direct I/O refuse it (EINVAL).
   */
  | 'direct'
  /** read only with direct I/O (O_DIRECT): aligned positions, lengths and memory. */
  | 'direct-read';

export interface FileStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

export interface LogFs {
  open(path: string, mode: OpenMode): Promise<number>;
  close(fd: number): Promise<void>;
  read(fd: number, buf: Buffer, off: number, len: number, position: number): Promise<number>;
  write(fd: number, buf: Buffer, off: number, len: number, position: number): Promise<number>;
  writev(fd: number, bufs: readonly Buffer[], position: number): Promise<number>;
  /**
   * Optional synchronous pwritev, used for small appends: it avoids a thread-pool round trip
   * (tens of microseconds) for a copy into the page cache that takes less. May return short.
   */
  writevSync?(fd: number, bufs: readonly Buffer[], position: number): number;
  /** fdatasync: data and the metadata needed to read it (size), not timestamps. */
  datasync(fd: number): Promise<void>;
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, len: number): Promise<void>;
  fstat(fd: number): Promise<FileStat>;
  /** Stat by path; null when it does not exist. */
  stat(path: string): Promise<FileStat | null>;
  readdir(dir: string): Promise<string[]>;
  mkdir(dir: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Removes a directory tree; no error if it does not exist. */
  rmrf(path: string): Promise<void>;
  /** fsync of a directory, making renames/creations in it durable. */
  syncDir(dir: string): Promise<void>;
}

const OPEN_FLAGS: Record<OpenMode, number> = {
  r: fs.constants.O_RDONLY,
  'r+': fs.constants.O_RDWR,
  'rw+': fs.constants.O_RDWR | fs.constants.O_CREAT,
  'w+': fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC,
  // O_DIRECT is undefined off Linux: the open then fails and the caller writes buffered.
  direct: fs.constants.O_DIRECT === undefined ? -1 : fs.constants.O_WRONLY | fs.constants.O_DIRECT,
  'direct-read': fs.constants.O_DIRECT === undefined ? -1 : fs.constants.O_RDONLY | fs.constants.O_DIRECT,
};

const toStat = (s: fs.Stats): FileStat => ({ size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() });

/** LogFs over node:fs (callback API through fs.promises-free wrappers: fewer allocations). */
export const nodeLogFs: LogFs = {
  open: (path, mode) =>
    OPEN_FLAGS[mode] < 0
      ? Promise.reject(Object.assign(new Error(`${mode} open is not supported on ${process.platform}`), { code: 'EINVAL' }))
      : new Promise((res, rej) => fs.open(path, OPEN_FLAGS[mode], 0o644, (e, fd) => (e ? rej(e) : res(fd)))),
  close: (fd) => new Promise((res, rej) => fs.close(fd, (e) => (e ? rej(e) : res()))),
  read: (fd, buf, off, len, position) =>
    new Promise((res, rej) => fs.read(fd, buf, off, len, position, (e, n) => (e ? rej(e) : res(n)))),
  write: (fd, buf, off, len, position) =>
    new Promise((res, rej) => fs.write(fd, buf, off, len, position, (e, n) => (e ? rej(e) : res(n)))),
  writev: (fd, bufs, position) =>
    new Promise((res, rej) => fs.writev(fd, bufs as Buffer[], position, (e, n) => (e ? rej(e) : res(n)))),
  writevSync: (fd, bufs, position) => fs.writevSync(fd, bufs as Buffer[], position),
  datasync: (fd) => new Promise((res, rej) => fs.fdatasync(fd, (e) => (e ? rej(e) : res()))),
  fsync: (fd) => new Promise((res, rej) => fs.fsync(fd, (e) => (e ? rej(e) : res()))),
  ftruncate: (fd, len) => new Promise((res, rej) => fs.ftruncate(fd, len, (e) => (e ? rej(e) : res()))),
  fstat: (fd) => new Promise((res, rej) => fs.fstat(fd, (e, s) => (e ? rej(e) : res(toStat(s))))),
  stat: (path) =>
    new Promise((res, rej) =>
      fs.stat(path, (e, s) => (e ? (e.code === 'ENOENT' ? res(null) : rej(e)) : res(toStat(s)))),
    ),
  readdir: (dir) => fs.promises.readdir(dir),
  mkdir: async (dir) => {
    await fs.promises.mkdir(dir, { recursive: true });
  },
  rename: (from, to) => fs.promises.rename(from, to),
  unlink: (path) => fs.promises.unlink(path),
  rmrf: (path) => fs.promises.rm(path, { recursive: true, force: true }),
  syncDir: async (dir) => {
    const fd = await fs.promises.open(dir, 'r');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
  },
};

/** Writes all of `bufs` at `position`, looping over short writes; returns when every byte is in. */
export async function writeFully(fsys: LogFs, fd: number, bufs: readonly Buffer[], position: number): Promise<void> {
  let total = 0;
  for (const b of bufs) total += b.length;
  let written = await (bufs.length === 1
    ? fsys.write(fd, bufs[0]!, 0, bufs[0]!.length, position)
    : fsys.writev(fd, bufs, position));
  if (written === total) return;
  // Short write: continue from where the kernel stopped. A write of zero bytes without an error
  // would loop forever; treat it as a full disk.
  let i = 0;
  let skip = written;
  while (written < total) {
    while (skip >= bufs[i]!.length) skip -= bufs[i++]!.length;
    const b = bufs[i]!;
    const n = await fsys.write(fd, b, skip, b.length - skip, position + written);
    if (n <= 0) throw Object.assign(new Error('write made no progress (disk full?)'), { code: 'ENOSPC' });
    written += n;
    skip += n;
  }
}

/**
 * Synchronous writeFully through `writevSync`; returns false (having written nothing) when the
 * filesystem has no synchronous write. Throws like writeFully.
 */
export function writeFullySync(fsys: LogFs, fd: number, bufs: readonly Buffer[], position: number): boolean {
  if (!fsys.writevSync) return false;
  let total = 0;
  for (const b of bufs) total += b.length;
  let written = fsys.writevSync(fd, bufs, position);
  let i = 0;
  let skip = written;
  while (written < total) {
    while (skip >= bufs[i]!.length) skip -= bufs[i++]!.length;
    const n = fsys.writevSync(fd, [bufs[i]!.subarray(skip)], position + written);
    if (n <= 0) throw Object.assign(new Error('write made no progress (disk full?)'), { code: 'ENOSPC' });
    written += n;
    skip += n;
  }
  return true;
}

/** Reads exactly `len` bytes unless the file ends first; returns the count read. */
export async function readFully(
  fsys: LogFs,
  fd: number,
  buf: Buffer,
  off: number,
  len: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < len) {
    const n = await fsys.read(fd, buf, off + done, len - done, position + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}

/**
 * Replaces `path` atomically with `data`: write `path.tmp`, fsync it, rename over `path`, fsync
 * the directory (Kafka: Utils.atomicMoveWithFallback after a flushed temp file).
 */
export async function writeFileAtomic(fsys: LogFs, path: string, data: Buffer): Promise<void> {
  const tmp = `${path}.tmp`;
  const fd = await fsys.open(tmp, 'w+');
  try {
    await writeFully(fsys, fd, [data], 0);
    await fsys.fsync(fd);
  } finally {
    await fsys.close(fd);
  }
  await fsys.rename(tmp, path);
  await fsys.syncDir(dirOf(path));
}

/** Reads a whole (small) file; null when it does not exist. */
export async function readWholeFile(fsys: LogFs, path: string, maxBytes = 64 * 1024 * 1024): Promise<Buffer | null> {
  let fd: number;
  try {
    fd = await fsys.open(path, 'r');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const { size } = await fsys.fstat(fd);
    if (size > maxBytes) throw new Error(`${path} is ${size} bytes, more than the ${maxBytes} expected`);
    const buf = Buffer.allocUnsafe(size);
    const n = await readFully(fsys, fd, buf, 0, size, 0);
    return buf.subarray(0, n);
  } finally {
    await fsys.close(fd);
  }
}

export const dirOf = (path: string): string => {
  const i = path.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : path.slice(0, i);
};

export const joinPath = (dir: string, name: string): string => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);
