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
 *   - consecutive writes share that block, so its two writes must reach the file in order. A
 *     write may be issued while earlier ones are in flight (pipelining). On ext4 a direct write
 *     that allocates blocks or extends the file takes the inode lock exclusively, and a
 *     synchronous one (as each thread-pool write is) keeps it until the device has the data; a
 *     write queued behind it starts the moment it ends, instead of after its completion has come
 *     back through the thread pool and the event loop to the log queue: +17–27% at 1 partition
 *     (bench/README.md, fix 15). Only the block shared with a write still in flight waits: it
 *     goes out as a separate write once the earlier write of that block has completed, while the
 *     rest of the new write goes out at once. The bytes of each write are fixed when it is
 *     issued (the "tail" kept here is the last block as it will be after every write issued),
 *     so the order of issue is the order of the data.
 * The log queue issues direct writes only when no write through the page cache is in flight,
 * and the reverse.
 * A failed write rejects, and so does every write issued after it that shares its last block;
 * the queue waits for every write in flight, cuts the file back to the failed group's start and
 * closes this appender, and the next one rereads the tail.
 */
import { AlignedBufferPool, alignedBuffer } from './aligned-buffer-pool';
import { LogFs, readFully } from './log-fs';

/** The block size direct writes and reads are aligned to: a multiple of every common logical block size. */
export const DIRECT_BLOCK = 4096;

const alignDown = (n: number): number => n - (n % DIRECT_BLOCK);
const alignUp = (n: number): number => alignDown(n + DIRECT_BLOCK - 1);

/** Error for a direct write the kernel shortened or refused. */
function shortWrite(wanted: number, got: number): Error {
  return Object.assign(new Error(`direct write of ${wanted} bytes wrote ${got} (disk full?)`), { code: 'ENOSPC' });
}

/** Bytes of the virtual concatenation `head ++ bufs`, copied out in order. */
class StagedBytes {
  private bi = -1;
  private bo = 0;
  constructor(
    private readonly head: Buffer,
    private readonly bufs: readonly Buffer[],
  ) {}

  /** Copies the next `n` bytes into `dst` at `at`. */
  copyNext(dst: Buffer, at: number, n: number): void {
    while (n > 0) {
      const b = this.bi < 0 ? this.head : this.bufs[this.bi]!;
      const k = Math.min(b.length - this.bo, n);
      b.copy(dst, at, this.bo, this.bo + k);
      at += k;
      n -= k;
      this.bo += k;
      if (this.bo === b.length) {
        this.bi++;
        this.bo = 0;
      }
    }
  }
}

/** Blocks carved out of one aligned memory for the separate writes of shared blocks. */
const BLOCKS_PER_ARENA = 16;
const NO_BYTES = Buffer.alloc(0);

export class DirectAppender {
  /** Bytes of the file's last, partial block after every write issued: [alignDown(end), end). */
  private readonly tail = Buffer.alloc(DIRECT_BLOCK);
  /** File position up to which `tail` is known: the end after this appender's last write issued. */
  private end = -1;
  private closed = false;
  /** Writes issued and not yet settled. */
  private inFlight = 0;
  /**
   * Settles (to null, or the error) when the write of the block holding `end` has completed;
   * null when no write of that block is in flight.
   */
  private lastBlockWrite: Promise<unknown> | null = null;
  private readonly freeBlocks: Buffer[] = [];

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

  /** End of the data after this appender's last write issued (-1 before the first, and after a failure). */
  get position(): number {
    return this.end;
  }

  /**
   * Makes `position` (the end of the file's data, with no write in flight) the point the next
   * write appends at, reading its partial block if the appender does not know it.
   */
  async prime(position: number): Promise<void> {
    if (position === this.end) return;
    if (this.inFlight > 0) throw new Error(`direct append at ${position} while writes up to ${this.end} are in flight`);
    await this.readTail(position);
  }

  /**
   * Writes `bufs` (in order) at `position`, the end of the data after every write issued. When
   * `position` is that end, the write is issued synchronously, before this returns, and further
   * writes may follow at once; otherwise (the first write, or after writes through the page
   * cache) it first reads the partial last block, and must be the only write in flight.
   */
  write(bufs: readonly Buffer[], position: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('direct appender is closed'));
    if (position !== this.end) return this.prime(position).then(() => this.write(bufs, position));
    let total = 0;
    for (const b of bufs) total += b.length;
    if (total === 0) return Promise.resolve();
    const start = alignDown(position);
    const head = position - start;
    const staged = head + total;
    const bytes = new StagedBytes(head > 0 ? Buffer.from(this.tail.subarray(0, head)) : NO_BYTES, bufs);
    const after = head > 0 ? this.lastBlockWrite : null;
    this.advanceTail(bufs, total, position);
    this.inFlight++;

    // The shared first block, when an earlier write of it is still in flight: alone, after it.
    let first: Promise<void> | null = null;
    let from = 0;
    if (after) {
      const len = Math.min(DIRECT_BLOCK, staged);
      const block = this.takeBlock();
      bytes.copyNext(block, 0, len);
      block.fill(0, len);
      first = after
        .then((err) => {
          if (err) throw err;
          return this.writeAt(block, DIRECT_BLOCK, start);
        })
        .finally(() => this.freeBlocks.push(block));
      from = len;
    }
    const rest = staged > from ? this.writeChunks(bytes, start + from, staged - from) : null;
    const last = rest ?? first!;
    if (this.end % DIRECT_BLOCK === 0) {
      this.lastBlockWrite = null; // the next write starts on a fresh block
    } else {
      const marker: Promise<unknown> = last.then(
        () => null,
        (e: unknown) => e ?? new Error('direct write failed'),
      );
      this.lastBlockWrite = marker;
      void marker.then((err) => {
        if (err === null && this.lastBlockWrite === marker) this.lastBlockWrite = null;
      });
    }
    return Promise.allSettled(first && rest ? [first, rest] : [last]).then((results) => {
      this.inFlight--;
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        this.end = -1; // the last block may now hold anything: read it again
        throw failed.reason;
      }
    });
  }

  /** Makes `tail` the partial last block after appending `bufs` (`total` bytes) at `position`. */
  private advanceTail(bufs: readonly Buffer[], total: number, position: number): void {
    const end = position + total;
    // The new partial block holds the last `need` bytes of bufs, after the old tail's first
    // (position - alignDown(position)) bytes when the appends all fall in the old tail's block:
    // those are already in place.
    let need = Math.min(end % DIRECT_BLOCK, total);
    let to = end % DIRECT_BLOCK;
    for (let i = bufs.length - 1; need > 0; i--) {
      const b = bufs[i]!;
      const k = Math.min(need, b.length);
      b.copy(this.tail, to - k, b.length - k);
      to -= k;
      need -= k;
    }
    this.end = end;
  }

  /** Writes `len` bytes of `bytes` at `position` (block-aligned), in concurrent chunks from the pool. */
  private async writeChunks(bytes: StagedBytes, position: number, len: number): Promise<void> {
    const chunkBytes = this.pool.chunkBytes;
    const writes: Promise<void>[] = [];
    for (let off = 0; off < len; off += chunkBytes) {
      // A chunk goes back to the pool as soon as its own write is over, so writers waiting for
      // chunks always make progress.
      const taken = this.pool.take();
      const chunk = taken instanceof Promise ? await taken : taken;
      const fill = Math.min(chunkBytes, len - off);
      bytes.copyNext(chunk, 0, fill);
      const padded = alignUp(fill);
      if (padded > fill) chunk.fill(0, fill, padded);
      const w = this.writeAt(chunk, padded, position + off).finally(() => this.pool.give(chunk));
      // Awaited below, maybe after this loop waits for chunks: handled now, so a failure before
      // that is not an unhandled rejection.
      w.catch(() => undefined);
      writes.push(w);
    }
    const results = await Promise.allSettled(writes);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async writeAt(buf: Buffer, len: number, position: number): Promise<void> {
    const n = await this.fsys.write(this.fd, buf, 0, len, position);
    if (n !== len) throw shortWrite(len, n);
  }

  private takeBlock(): Buffer {
    if (this.freeBlocks.length === 0) {
      const arena = alignedBuffer(BLOCKS_PER_ARENA * DIRECT_BLOCK);
      for (let i = 0; i < BLOCKS_PER_ARENA; i++) this.freeBlocks.push(arena.subarray(i * DIRECT_BLOCK, (i + 1) * DIRECT_BLOCK));
    }
    return this.freeBlocks.pop()!;
  }

  private async readTail(position: number): Promise<void> {
    const start = alignDown(position);
    const n = position - start;
    this.end = -1;
    this.lastBlockWrite = null;
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
