/**
 * Appends to the active segment's .log with direct I/O (O_DIRECT), bypassing the page cache.
 *
 * Why: on these VMs a write into the page cache needs fresh guest pages, which the host supplies
 * at ~21 µs per 4 KiB: 2 GB of 1 MiB buffered writes run at 0.53–0.72 GB/s and cost 1–2.3 CPU
 * s/GB of kernel copying, while the same writes with O_DIRECT run at 2.2–2.7 GB/s for ~0.1 CPU
 * s/GB (bench/README.md, fix 14). Redpanda, another Kafka-compatible broker, writes its log
 * with direct I/O for the same reason. Readers keep reading through the page cache (or with
 * direct reads, segment-read.ts): the kernel keeps the views of the file coherent.
 *
 * While the broker appends slowly the log queue writes through the page cache instead
 * (direct-io.ts); this appender rereads the partial last block whenever such writes happened
 * since its own last write.
 *
 * Direct writes must start and end on the device's logical blocks (512 bytes or 4 KiB; 4 KiB
 * serves both) and come from aligned memory
 * (aligned-buffer-pool.ts), while batches have any length. So every write starts at the block
 * holding the current end, repeats the bytes of that block already in the file (the "tail",
 * kept here), and is padded with zeros to the next block. Consequences:
 *   - the file may be up to 4,095 bytes longer than the segment's committed size. The padding is
 *     cut off (ftruncate) when the appender is closed (before a roll, a truncation, any other
 *     queued operation, and a clean close); after a crash, recovery stops at the zeros (a batch
 *     cannot be 0 bytes long) and truncates them like any torn tail.
 *   - two writes overlapping that shared block must not be in flight together, so the log queue
 *     issues a direct write only when no other write to the file is in flight, and nothing else
 *     until it completes. The chunks of one direct write cover disjoint blocks and go out
 *     concurrently.
 * A failed write throws; the queue cuts the file back to the group's start and closes this
 * appender, and the next one rereads the tail.
 */
import { AlignedBufferPool } from './aligned-buffer-pool';
import { LogFs, readFully } from './log-fs';

/** The block size direct writes and reads are aligned to: a multiple of every common logical block size. */
export const DIRECT_BLOCK = 4096;

const alignDown = (n: number): number => n - (n % DIRECT_BLOCK);
const alignUp = (n: number): number => alignDown(n + DIRECT_BLOCK - 1);

/** Error for a direct write the kernel shortened or refused. */
function shortWrite(wanted: number, got: number): Error {
  return Object.assign(new Error(`direct write of ${wanted} bytes wrote ${got} (disk full?)`), { code: 'ENOSPC' });
}

export class DirectAppender {
  /** Bytes of the file's last, partial block: [alignDown(end), end). */
  private readonly tail = Buffer.alloc(DIRECT_BLOCK);
  private readonly nextTail = Buffer.alloc(DIRECT_BLOCK);
  /** File position up to which `tail` is known: the end after this appender's last write. */
  private end = -1;
  private closed = false;

  private constructor(
    private readonly fsys: LogFs,
    private readonly fd: number,
    /** A buffered descriptor of the same file, to read the partial last block from. */
    private readonly bufferedFd: number,
    private readonly pool: AlignedBufferPool,
  ) {}

  /**
   * Opens `path` for direct appends; the partial last block is read through `bufferedFd` (a
   * buffered descriptor of the same file) when needed. Throws what open throws (EINVAL when the
   * filesystem has no direct I/O, e.g. tmpfs).
   */
  static async open(fsys: LogFs, path: string, bufferedFd: number, pool: AlignedBufferPool): Promise<DirectAppender> {
    return new DirectAppender(fsys, await fsys.open(path, 'direct'), bufferedFd, pool);
  }

  /** End of the data after this appender's last write (-1 before the first). */
  get position(): number {
    return this.end;
  }

  /**
   * Writes `bufs` (in order) at `position`, the end of the file's data, with no other write to
   * the file in flight.
   */
  async write(bufs: readonly Buffer[], position: number): Promise<void> {
    if (this.closed) throw new Error('direct appender is closed');
    let total = 0;
    for (const b of bufs) total += b.length;
    if (total === 0) return;
    if (position !== this.end) await this.readTail(position);
    const start = alignDown(position);
    const chunkBytes = this.pool.chunkBytes;
    // The bytes staged are the old tail's (`head` of them) then the appends, in chunks that
    // start on blocks; only the last chunk is padded.
    const head = position - start;
    const staged = head + total;
    const nChunks = Math.ceil(staged / chunkBytes);
    const writes: Promise<void>[] = [];
    let bi = 0;
    let bo = 0;
    for (let c = 0; c < nChunks; c++) {
      // A chunk goes back to the pool as soon as its own write is over, so writers waiting for
      // chunks always make progress.
      const taken = this.pool.take();
      const chunk = taken instanceof Promise ? await taken : taken;
      let fill = c === 0 ? this.tail.copy(chunk, 0, 0, head) : 0;
      const want = Math.min(chunkBytes, staged - c * chunkBytes);
      while (fill < want) {
        const b = bufs[bi]!;
        const n = Math.min(b.length - bo, want - fill);
        b.copy(chunk, fill, bo, bo + n);
        fill += n;
        bo += n;
        if (bo === b.length) {
          bi++;
          bo = 0;
        }
      }
      const len = alignUp(fill);
      if (len > fill) chunk.fill(0, fill, len);
      // The new partial block, kept aside until the write succeeds.
      if (c === nChunks - 1) chunk.copy(this.nextTail, 0, alignDown(fill), fill);
      writes.push(
        this.fsys.write(this.fd, chunk, 0, len, start + c * chunkBytes).then(
          (n) => {
            this.pool.give(chunk);
            if (n !== len) throw shortWrite(len, n);
          },
          (e) => {
            this.pool.give(chunk);
            throw e;
          },
        ),
      );
    }
    const results = await Promise.allSettled(writes);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      this.end = -1; // the tail block may now hold anything: read it again
      throw failed.reason;
    }
    this.nextTail.copy(this.tail);
    this.end = position + total;
  }

  private async readTail(position: number): Promise<void> {
    const start = alignDown(position);
    const n = position - start;
    if (n > 0 && (await readFully(this.fsys, this.bufferedFd, this.tail, 0, n, start)) !== n) {
      throw new Error(`direct append at ${position}, but the file is shorter`);
    }
    this.end = position;
  }

  /** Cuts the file to `size` (the committed data, without padding) and closes the descriptor. Idempotent. */
  async close(size: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.fsys.ftruncate(this.fd, size);
    } finally {
      await this.fsys.close(this.fd);
    }
  }

  /** Closes the descriptor without touching the file (after a failed write, whose rollback cuts it). */
  async abandon(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fsys.close(this.fd).catch(() => undefined);
  }
}
