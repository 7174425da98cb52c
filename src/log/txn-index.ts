/**
 * The aborted-transaction index of one segment, `<base>.txnindex` (Kafka: TransactionIndex,
 * AbortedTxn). One 34-byte big-endian entry per transaction whose ABORT marker is in this
 * segment, in marker order:
 *
 *   version           int16  0
 *   producerId        int64
 *   firstOffset       int64  first offset of the transaction (may lie in an earlier segment)
 *   lastOffset        int64  offset of the ABORT marker
 *   lastStableOffset  int64  the LSO once the marker was written: how far a read_committed
 *                            search must go before it can stop
 *
 * Invariant: lastOffset strictly increases entry to entry and is >= the segment's base offset.
 *
 * Like the other indexes (index-file.ts) the entries live in memory and reach the file lazily
 * (flush, roll, close): after an unclean shutdown the index of every segment past the recovery
 * point is rebuilt from the log. Unlike them it is loaded only when first needed, and no file
 * is created for a segment without aborted transactions (Kafka creates it lazily too).
 */
import { invariant } from '../util/invariant';
import { logger } from '../util/logger';
import { CorruptFileError, storageError } from './errors';
import { LogFs, readWholeFile, writeFully } from './log-fs';
import { readInt64 } from './offsets';

export const ABORTED_TXN_SIZE = 34;
export const ABORTED_TXN_VERSION = 0;

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export interface TxnIndexSearchResult {
  abortedTransactions: AbortedTxn[];
  /** True when no later segment can hold a transaction overlapping the range. */
  isComplete: boolean;
}

export function encodeAbortedTxn(t: AbortedTxn, buf = Buffer.alloc(ABORTED_TXN_SIZE), off = 0): Buffer {
  buf.writeInt16BE(ABORTED_TXN_VERSION, off);
  buf.writeBigInt64BE(t.producerId, off + 2);
  buf.writeBigInt64BE(BigInt(t.firstOffset), off + 10);
  buf.writeBigInt64BE(BigInt(t.lastOffset), off + 18);
  buf.writeBigInt64BE(BigInt(t.lastStableOffset), off + 26);
  return buf;
}

export function encodeAbortedTxns(list: readonly AbortedTxn[]): Buffer {
  const buf = Buffer.alloc(list.length * ABORTED_TXN_SIZE);
  list.forEach((t, i) => encodeAbortedTxn(t, buf, i * ABORTED_TXN_SIZE));
  return buf;
}

export class TxnIndex {
  private list: AbortedTxn[] = [];
  private loaded = false;
  private loading: Promise<void> | null = null;
  /** Entries known to be in the file, in order. */
  private persisted = 0;
  /** The file must be rewritten whole (after a reset, truncation or for a new segment). */
  private rewrite = false;
  private persisting: Promise<void> = Promise.resolve();

  constructor(
    public path: string,
    readonly baseOffset: number,
  ) {}

  get isLoaded(): boolean {
    return this.loaded;
  }
  get entries(): readonly AbortedTxn[] {
    invariant(this.loaded, () => `transaction index ${this.path} read before it was loaded`);
    return this.list;
  }

  /** A new segment: empty, and whatever stale file has this name goes at the first persist. */
  markNew(): void {
    this.list = [];
    this.loaded = true;
    this.persisted = 0;
    this.rewrite = true;
  }

  /** Loads the file once (a missing file is an empty index). */
  ensureLoaded(fsys: LogFs): Promise<void> {
    if (this.loaded) return Promise.resolve();
    this.loading ??= this.load(fsys).finally(() => (this.loading = null));
    return this.loading;
  }

  private async load(fsys: LogFs): Promise<void> {
    const path = this.path;
    let data: Buffer | null;
    try {
      data = await readWholeFile(fsys, path);
    } catch (e) {
      throw storageError('read transaction index', path, e);
    }
    if (this.loaded) return;
    const list: AbortedTxn[] = [];
    let rewrite = false;
    if (data) {
      const whole = data.length - (data.length % ABORTED_TXN_SIZE);
      if (whole !== data.length) {
        // A torn last entry (crash while appending): it was never acknowledged as persisted.
        logger('log').warn({ path, bytes: data.length }, 'transaction index ends with a partial entry; dropping it');
        rewrite = true;
      }
      let prevLast = -1;
      for (let off = 0; off < whole; off += ABORTED_TXN_SIZE) {
        const version = data.readInt16BE(off);
        if (version > ABORTED_TXN_VERSION) throw new CorruptFileError(path, `entry at byte ${off} has unknown version ${version}`);
        let t: AbortedTxn;
        try {
          t = {
            producerId: data.readBigInt64BE(off + 2),
            firstOffset: readInt64(data, off + 10),
            lastOffset: readInt64(data, off + 18),
            lastStableOffset: readInt64(data, off + 26),
          };
        } catch (e) {
          throw new CorruptFileError(path, `entry at byte ${off} has offsets out of range`, { cause: e });
        }
        if (t.lastOffset < this.baseOffset || t.lastOffset <= prevLast || t.firstOffset > t.lastOffset) {
          throw new CorruptFileError(
            path,
            `entry at byte ${off} (first ${t.firstOffset}, last ${t.lastOffset}) breaks the order after ${prevLast} / base ${this.baseOffset}`,
          );
        }
        prevLast = t.lastOffset;
        list.push(t);
      }
    }
    this.list = list;
    this.persisted = list.length;
    this.rewrite = rewrite;
    this.loaded = true;
  }

  /** Adds an aborted transaction whose marker was just appended (in memory; see persist). */
  append(t: AbortedTxn): void {
    invariant(this.loaded, () => `append to transaction index ${this.path} before it was loaded`);
    const last = this.list[this.list.length - 1];
    invariant(
      !last || t.lastOffset > last.lastOffset,
      () => `aborted transaction ending at ${t.lastOffset} is not after ${last!.lastOffset} in ${this.path}`,
    );
    this.list.push(t);
  }

  /** Drops the transactions whose marker is at or past `offset`. */
  truncateTo(offset: number): void {
    invariant(this.loaded, () => `truncate of transaction index ${this.path} before it was loaded`);
    let n = this.list.length;
    while (n > 0 && this.list[n - 1]!.lastOffset >= offset) n--;
    if (n === this.list.length) return;
    this.list.length = n;
    if (n < this.persisted) {
      this.persisted = n;
      this.rewrite = true;
    }
  }

  /** Empties the index (it is about to be rebuilt from the log). */
  reset(): void {
    this.markNew();
  }

  /**
   * The aborted transactions overlapping [fetchOffset, upperBoundOffset) among this segment's
   * (Kafka: collectAbortedTxns). Complete once an entry's LSO reaches the upper bound: every
   * transaction aborted later started after it.
   */
  collect(fetchOffset: number, upperBoundOffset: number): TxnIndexSearchResult {
    const out: AbortedTxn[] = [];
    for (const t of this.entries) {
      if (t.lastOffset >= fetchOffset && t.firstOffset < upperBoundOffset) out.push(t);
      if (t.lastStableOffset >= upperBoundOffset) return { abortedTransactions: out, isComplete: true };
    }
    return { abortedTransactions: out, isComplete: false };
  }

  get hasUnpersisted(): boolean {
    return this.loaded && (this.rewrite || this.persisted < this.list.length);
  }

  /** Writes what the file lacks (rewriting it after truncation); fdatasync when `sync`. */
  persist(fsys: LogFs, sync: boolean): Promise<void> {
    const run = (): Promise<void> => this.persistNow(fsys, sync);
    const p = this.persisting.then(run, run);
    this.persisting = p.catch(() => undefined);
    return p;
  }

  private async persistNow(fsys: LogFs, sync: boolean): Promise<void> {
    if (!this.loaded || (!this.hasUnpersisted && !sync)) return;
    const path = this.path;
    const count = this.list.length;
    try {
      if (this.rewrite && count === 0) {
        await fsys.unlink(path).catch((e: { code?: string }) => {
          if (e.code !== 'ENOENT') throw e;
        });
        if (this.list.length === 0) this.rewrite = false;
        this.persisted = 0;
        return;
      }
      if (count === 0 && this.persisted === 0) return;
      const whole = this.rewrite;
      const from = whole ? 0 : this.persisted;
      const bytes = encodeAbortedTxns(this.list.slice(from, count));
      this.rewrite = false;
      const fd = await fsys.open(path, whole ? 'w+' : 'rw+');
      try {
        if (bytes.length) await writeFully(fsys, fd, [bytes], from * ABORTED_TXN_SIZE);
        if (sync) await fsys.datasync(fd);
      } finally {
        await fsys.close(fd);
      }
      // A truncation while writing asked for a rewrite; the mark stays for the next persist.
      if (!this.rewrite) this.persisted = Math.min(count, this.list.length);
    } catch (e) {
      this.rewrite = true;
      throw storageError('write transaction index', path, e);
    }
  }
}
