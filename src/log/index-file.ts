/**
 * Common part of the offset and time indexes: an array of fixed-size big-endian entries kept in
 * memory (no mmap) and mirrored to a file. Entries are appended in memory on the hot path and
 * written to the file lazily (flush, roll, close): after an unclean shutdown the indexes of
 * segments past the recovery point are rebuilt from the log anyway, and those before it were
 * written when their data was flushed — the same guarantee Kafka gets from its mmapped indexes.
 *
 * Unlike Kafka the file is not preallocated to segment.index.bytes; it always holds exactly the
 * persisted entries, which is also what Kafka leaves after trimming at roll/close.
 */
import { invariant } from '../util/invariant';
import { CorruptFileError, storageError } from './errors';
import { LogFs, readWholeFile, writeFully } from './log-fs';

export abstract class IndexFile {
  protected buf: Buffer;
  protected count = 0;
  /** Entries known to be in the file. */
  private persisted = 0;
  /** True when the file may be longer than `persisted` entries (after truncation). */
  private fileNeedsTrim = false;

  protected constructor(
    public path: string,
    readonly baseOffset: number,
    /** Capacity before the segment must roll (segment.index.bytes / entry size). */
    readonly maxEntries: number,
    readonly entrySize: number,
  ) {
    this.buf = Buffer.alloc(Math.min(maxEntries + 1, 64) * entrySize);
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** Bytes the persisted file will have. */
  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  get hasUnpersisted(): boolean {
    return this.persisted !== this.count || this.fileNeedsTrim;
  }

  /** Reserves room for one more entry and returns its byte position in `buf`. */
  protected slotForAppend(): number {
    const need = (this.count + 1) * this.entrySize;
    if (need > this.buf.length) {
      const grown = Buffer.alloc(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.count * this.entrySize);
      this.buf = grown;
    }
    return this.count++ * this.entrySize;
  }

  /** Keeps the first `n` entries. */
  truncateToEntries(n: number): void {
    invariant(n >= 0 && n <= this.count, () => `truncate ${this.path} to ${n} entries of ${this.count}`);
    this.count = n;
    if (n < this.persisted) {
      this.persisted = n;
      this.fileNeedsTrim = true;
    }
  }

  reset(): void {
    this.truncateToEntries(0);
  }

  /** Binary search: the largest entry index whose key (read by `keyAt`) is <= target; -1 if none. */
  protected floorIndex(target: number, keyAt: (i: number) => number): number {
    let lo = 0;
    let hi = this.count - 1;
    if (hi < 0 || keyAt(0) > target) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (keyAt(mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Writes entries not yet in the file (and trims it after a truncation); fsyncs when `sync`. */
  async persist(fsys: LogFs, sync: boolean): Promise<void> {
    if (!this.hasUnpersisted && !sync) return;
    const path = this.path;
    try {
      const fd = await fsys.open(path, 'rw+');
      try {
        if (this.fileNeedsTrim) {
          await fsys.ftruncate(fd, this.persisted * this.entrySize);
          this.fileNeedsTrim = false;
        }
        const from = this.persisted;
        const to = this.count;
        if (to > from) {
          // Copy: the in-memory buffer may grow (and be replaced) while the write is in flight.
          const bytes = Buffer.from(this.buf.subarray(from * this.entrySize, to * this.entrySize));
          await writeFully(fsys, fd, [bytes], from * this.entrySize);
          // A truncation while writing lowered `persisted`; keep the lower mark then.
          if (this.persisted === from) this.persisted = Math.min(to, this.count);
          if (this.count < to) this.fileNeedsTrim = true;
        }
        if (sync) await fsys.datasync(fd);
      } finally {
        await fsys.close(fd);
      }
    } catch (e) {
      throw storageError('write index', path, e);
    }
  }

  /**
   * Loads the file's entries; throws CorruptFileError when the length is not a whole number of
   * entries or `check` rejects the content. Returns false when the file does not exist.
   */
  protected async loadFrom(fsys: LogFs, check: () => string | null): Promise<boolean> {
    const data = await readWholeFile(fsys, this.path);
    if (data === null) return false;
    if (data.length % this.entrySize !== 0) {
      throw new CorruptFileError(this.path, `length ${data.length} is not a multiple of ${this.entrySize}`);
    }
    const n = data.length / this.entrySize;
    this.buf = Buffer.alloc(Math.max(data.length, Math.min(this.maxEntries + 1, 64) * this.entrySize));
    data.copy(this.buf);
    this.count = n;
    this.persisted = n;
    this.fileNeedsTrim = false;
    const problem = check();
    if (problem !== null) {
      this.count = 0;
      this.persisted = 0;
      throw new CorruptFileError(this.path, problem);
    }
    return true;
  }

  /** After the caller rebuilt the entries from the log: the file must be rewritten whole. */
  markRebuilt(): void {
    this.persisted = 0;
    this.fileNeedsTrim = true;
  }
}
