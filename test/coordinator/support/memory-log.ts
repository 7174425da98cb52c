/**
 * An in-memory CoordinatorLog: batches are kept as appended (offsets assigned here), reads
 * return whole batches from the one containing the offset. `failNext` makes the next append
 * fail, to test the failure paths.
 */
import { batchSize, readBatchHeader, setBaseOffset } from '../../../src/protocol/records';
import type { CoordinatorLog } from '../../../src/coordinator/runtime/coordinator-runtime';

export class MemoryLog implements CoordinatorLog {
  readonly batches: Buffer[] = [];
  logStartOffset = 0;
  logEndOffset = 0;
  failNext: Error | null = null;
  appends = 0;

  async append(records: Buffer): Promise<{ firstOffset: number; lastOffset: number }> {
    await Promise.resolve();
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    this.appends++;
    const copy = Buffer.from(records);
    setBaseOffset(copy, 0, BigInt(this.logEndOffset));
    const h = readBatchHeader(copy);
    const firstOffset = this.logEndOffset;
    this.logEndOffset += h.lastOffsetDelta + 1;
    this.batches.push(copy);
    return { firstOffset, lastOffset: this.logEndOffset - 1 };
  }

  async read(offset: number, opts: { maxBytes: number }): Promise<{ records: Buffer; release(): void }> {
    const out: Buffer[] = [];
    let size = 0;
    for (const b of this.batches) {
      const h = readBatchHeader(b);
      if (Number(h.baseOffset) + h.lastOffsetDelta < offset) continue;
      if (out.length > 0 && size + batchSize(b) > opts.maxBytes) break;
      out.push(b);
      size += batchSize(b);
    }
    return { records: Buffer.concat(out), release: () => undefined };
  }

  /** Appends a raw batch as is (e.g. a transactional batch written by a test). */
  appendRaw(batch: Buffer): number {
    const copy = Buffer.from(batch);
    setBaseOffset(copy, 0, BigInt(this.logEndOffset));
    const first = this.logEndOffset;
    this.logEndOffset += readBatchHeader(copy).lastOffsetDelta + 1;
    this.batches.push(copy);
    return first;
  }
}
