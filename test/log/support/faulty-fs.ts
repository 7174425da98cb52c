/**
 * A LogFs over the real one that can be told to fail: a disk that fills up (a write past the
 * free space is cut short and returns a short count, the next one throws ENOSPC — what Linux
 * does), failing fsyncs, and a crash after which every operation throws.
 */
import { FileStat, LogFs, OpenMode, nodeLogFs } from '../../../src/log/log-fs';

type Op = keyof LogFs;

const errno = (code: string): Error => Object.assign(new Error(`${code}: injected`), { code });

export class FaultyFs implements LogFs {
  /** Bytes that can still be written; Infinity = no limit. */
  spaceLeft = Infinity;
  /** Operations that fail once with the given errno code. */
  readonly failOnce = new Map<Op, string>();
  crashed = false;
  readonly calls: Partial<Record<Op, number>> = {};

  constructor(private readonly inner: LogFs = nodeLogFs) {}

  private enter(op: Op): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
    if (this.crashed) throw errno('EIO');
    const code = this.failOnce.get(op);
    if (code) {
      this.failOnce.delete(op);
      throw errno(code);
    }
  }

  async open(path: string, mode: OpenMode) {
    this.enter('open');
    return this.inner.open(path, mode);
  }
  async close(fd: number) {
    // Closing always works, so tests do not leak descriptors.
    return this.inner.close(fd);
  }
  async read(fd: number, buf: Buffer, off: number, len: number, position: number) {
    this.enter('read');
    return this.inner.read(fd, buf, off, len, position);
  }
  async write(fd: number, buf: Buffer, off: number, len: number, position: number) {
    this.enter('write');
    if (this.spaceLeft <= 0) throw errno('ENOSPC');
    const n = Math.min(len, this.spaceLeft);
    const written = await this.inner.write(fd, buf, off, n, position);
    this.spaceLeft -= written;
    return written;
  }
  async writev(fd: number, bufs: readonly Buffer[], position: number) {
    this.enter('writev');
    if (this.spaceLeft <= 0) throw errno('ENOSPC');
    const total = bufs.reduce((a, b) => a + b.length, 0);
    if (total <= this.spaceLeft) {
      const n = await this.inner.writev(fd, bufs, position);
      this.spaceLeft -= n;
      return n;
    }
    // Partial write: as much as fits, reported as a short count.
    const part = Buffer.concat(bufs as Buffer[]).subarray(0, this.spaceLeft);
    const n = await this.inner.write(fd, part, 0, part.length, position);
    this.spaceLeft -= n;
    return n;
  }
  writevSync(fd: number, bufs: readonly Buffer[], position: number): number {
    this.enter('writevSync');
    if (this.spaceLeft <= 0) throw errno('ENOSPC');
    const all = Buffer.concat(bufs as Buffer[]);
    const n = this.inner.writevSync!(fd, [all.subarray(0, Math.min(all.length, this.spaceLeft))], position);
    this.spaceLeft -= n;
    return n;
  }
  async datasync(fd: number) {
    this.enter('datasync');
    return this.inner.datasync(fd);
  }
  async fsync(fd: number) {
    this.enter('fsync');
    return this.inner.fsync(fd);
  }
  async ftruncate(fd: number, len: number) {
    this.enter('ftruncate');
    return this.inner.ftruncate(fd, len);
  }
  async fstat(fd: number): Promise<FileStat> {
    this.enter('fstat');
    return this.inner.fstat(fd);
  }
  async stat(path: string) {
    this.enter('stat');
    return this.inner.stat(path);
  }
  async readdir(dir: string) {
    this.enter('readdir');
    return this.inner.readdir(dir);
  }
  async mkdir(dir: string) {
    this.enter('mkdir');
    return this.inner.mkdir(dir);
  }
  async rename(from: string, to: string) {
    this.enter('rename');
    return this.inner.rename(from, to);
  }
  async unlink(path: string) {
    this.enter('unlink');
    return this.inner.unlink(path);
  }
  async rmrf(path: string) {
    this.enter('rmrf');
    return this.inner.rmrf(path);
  }
  async syncDir(dir: string) {
    this.enter('syncDir');
    return this.inner.syncDir(dir);
  }
}
