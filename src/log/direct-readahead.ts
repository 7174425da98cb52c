/**
 * Direct (O_DIRECT) reads for consumers catching up, with readahead (direct-io.ts).
 *
 * A catching-up consumer asks for each partition in turn, a few hundred KiB to a few MiB at a
 * time (librdkafka sizes its fetches by its queue), and the broker reads the partitions of a
 * fetch one after another, as Kafka does. Read with O_DIRECT, each would be one device round
 * trip (~1 ms for 1 MiB here), and the consumer would wait on them in series. The page cache
 * hides this with readahead; so does this module: a direct read fetches `readaheadBytes` (or
 * more) from where it starts, in concurrent 1 MiB requests, into aligned memory kept for the
 * segment, and the following reads of the same segment are copied from it.
 *
 * Only committed bytes are read ahead (below the segment's size), which never change except by
 * truncation, which drops the segment's readahead (LogSegment.truncateTo). The memory is bounded
 * by `maxSegments` buffers of `readaheadBytes`, reused from the least recently used segment.
 */
import { alignedBuffer } from './aligned-buffer-pool';
import { DIRECT_BLOCK } from './direct-appender';
import { LogFs } from './log-fs';

const REQUEST_BYTES = 1024 * 1024;

interface Window {
  /** File position of data[0] (block-aligned). */
  start: number;
  /** Valid bytes in data. */
  length: number;
  data: Buffer;
  /** The segment's generation when read (DirectReader.generation). */
  generation: number;
}

export interface DirectReader {
  /** The segment's O_DIRECT descriptor, or -1 when its filesystem has none. */
  directFd(): Promise<number>;
  readonly fsys: LogFs;
  /** Changes whenever bytes of the segment may have changed (a truncation). */
  generation(): number;
}

export class DirectReadahead {
  private readonly windows = new Map<DirectReader, Window>();
  private readonly spare: Buffer[] = [];

  /**
   * @param readaheadBytes size of a window (a multiple of 1 MiB): what one device read fetches
   * @param maxSegments segments with a window at once; the memory is at most their product
   */
  constructor(
    readonly readaheadBytes = 2 * 1024 * 1024,
    private readonly maxSegments = 32,
  ) {
    if (readaheadBytes <= 0 || readaheadBytes % REQUEST_BYTES !== 0) throw new RangeError('readaheadBytes must be a positive multiple of 1 MiB');
  }

  /**
   * Reads up to `len` bytes at `position` of `seg` into `buf` (never past `limit`, the
   * segment's committed size); returns the count, or -1 when the segment has no direct I/O.
   */
  async read(seg: DirectReader, buf: Buffer, len: number, position: number, limit: number): Promise<number> {
    const end = Math.min(position + len, limit);
    let done = 0;
    while (position + done < end) {
      const at = position + done;
      const w = this.windows.get(seg);
      let n: number;
      if (w && w.generation === seg.generation() && at >= w.start && at < w.start + w.length) {
        // Most recently used last.
        this.windows.delete(seg);
        this.windows.set(seg, w);
        n = w.data.copy(buf, done, at - w.start, Math.min(end, w.start + w.length) - w.start);
      } else {
        const fd = await seg.directFd();
        if (fd < 0) return -1;
        n = await this.fill(seg, fd, at, end, limit, buf, done);
      }
      if (n <= 0) break; // the file ends before `limit`
      done += n;
    }
    return done;
  }

  /** Forgets what was read ahead of `seg` (truncated, closed). */
  drop(seg: DirectReader): void {
    const w = this.windows.get(seg);
    if (!w) return;
    this.windows.delete(seg);
    this.giveBack(w.data);
  }

  /**
   * Reads a new window of `seg` from the block holding `position` and copies what it has of
   * [position, end) into `buf` at `bufOffset`; returns the count copied.
   */
  private async fill(seg: DirectReader, fd: number, position: number, end: number, limit: number, buf: Buffer, bufOffset: number): Promise<number> {
    const generation = seg.generation();
    const start = position - (position % DIRECT_BLOCK);
    // Whole blocks, nothing past `limit` rounded up to a block (O_DIRECT reads stop at the end
    // of the file anyway; bytes past `limit` are not kept).
    const want = Math.min(this.readaheadBytes, roundUp(limit - start, DIRECT_BLOCK));
    const old = this.windows.get(seg);
    this.windows.delete(seg);
    const data = old ? old.data : this.takeBuffer();
    const requests: Promise<number>[] = [];
    for (let off = 0; off < want; off += REQUEST_BYTES) {
      requests.push(readAligned(seg.fsys, fd, data, off, Math.min(REQUEST_BYTES, want - off), start + off));
    }
    let length = 0;
    try {
      const got = await Promise.all(requests);
      for (const n of got) {
        length += n;
        if (n < REQUEST_BYTES) break; // end of file
      }
    } catch (e) {
      await Promise.allSettled(requests);
      this.giveBack(data);
      throw e;
    }
    const w: Window = { start, length: Math.min(length, limit - start), data, generation };
    this.windows.set(seg, w);
    // Copied now, synchronously: once the window is in the map its memory may be reused.
    const to = Math.min(end, start + w.length);
    return to > position ? data.copy(buf, bufOffset, position - start, to - start) : 0;
  }

  private takeBuffer(): Buffer {
    const b = this.spare.pop();
    if (b) return b;
    if (this.windows.size >= this.maxSegments) {
      // Reuse the least recently used segment's memory.
      const [oldest, w] = this.windows.entries().next().value as [DirectReader, Window];
      this.windows.delete(oldest);
      return w.data;
    }
    return alignedBuffer(this.readaheadBytes);
  }

  private giveBack(b: Buffer): void {
    if (this.windows.size + this.spare.length < this.maxSegments) this.spare.push(b);
  }
}

const roundUp = (n: number, unit: number): number => Math.ceil(n / unit) * unit;

/**
 * Reads up to `len` bytes, continuing after a short read only from a block boundary: O_DIRECT
 * refuses unaligned positions (EINVAL), and a short read that is not a whole number of blocks
 * means the end of the file.
 */
async function readAligned(fsys: LogFs, fd: number, buf: Buffer, off: number, len: number, position: number): Promise<number> {
  let done = 0;
  while (done < len) {
    const n = await fsys.read(fd, buf, off + done, len - done, position + done);
    if (n <= 0) break;
    done += n;
    if (done % DIRECT_BLOCK !== 0) break;
  }
  return done;
}
