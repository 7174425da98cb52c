/**
 * Time index of one segment (`<baseOffset>.timeindex`), Kafka's format: 12-byte entries
 *
 *   0  timestamp       int64   largest batch max-timestamp seen so far in the segment
 *   8  relativeOffset  int32   offset - baseOffset of the last offset of the batch that had it
 *
 * Entries are added alongside offset-index entries, and only when the timestamp grows (Kafka:
 * TimeIndex.maybeAppend), plus one final entry with the segment's max timestamp when it stops
 * being active. Invariants (checked on load): timestamps and offsets never decrease.
 * Lookup finds the largest entry with timestamp <= target.
 */
import { invariant } from '../util/invariant';
import { IndexFile } from './index-file';
import { LogFs } from './log-fs';
import { readInt64OrNaN, writeInt64 } from './offsets';

export const TIME_INDEX_ENTRY_SIZE = 12;
/** Kafka's RecordBatch.NO_TIMESTAMP. */
export const NO_TIMESTAMP = -1;

export class TimeIndex extends IndexFile {
  constructor(path: string, baseOffset: number, maxEntries: number) {
    super(path, baseOffset, maxEntries, TIME_INDEX_ENTRY_SIZE);
  }

  timestampAt(i: number): number {
    return readInt64OrNaN(this.buf, i * 12);
  }

  offsetAt(i: number): number {
    return this.baseOffset + this.buf.readInt32BE(i * 12 + 8);
  }

  get lastTimestamp(): number {
    return this.count === 0 ? NO_TIMESTAMP : this.timestampAt(this.count - 1);
  }

  get lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.offsetAt(this.count - 1);
  }

  /**
   * Appends (timestamp, offset) if the timestamp is larger than the last entry's.
   * `skipFullCheck` allows the one extra entry written when the segment becomes inactive.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (!skipFullCheck) invariant(!this.isFull, () => `time index ${this.path} is full (${this.count} entries)`);
    if (this.count > 0) {
      invariant(offset >= this.lastOffset, () => `time index ${this.path}: offset ${offset} < last ${this.lastOffset}`);
      if (timestamp <= this.lastTimestamp) return;
    } else if (timestamp <= NO_TIMESTAMP) {
      return;
    }
    const rel = offset - this.baseOffset;
    invariant(rel >= 0 && rel <= 0x7fffffff, () => `offset ${offset} not relative to base ${this.baseOffset}`);
    const at = this.slotForAppend();
    writeInt64(this.buf, timestamp, at);
    this.buf.writeInt32BE(rel, at + 8);
  }

  /** Largest entry with timestamp <= target: its offset, or the base offset when none. O(log n). */
  lookupOffset(targetTimestamp: number): number {
    const i = this.floorIndex(targetTimestamp, (j) => this.timestampAt(j));
    return i < 0 ? this.baseOffset : this.offsetAt(i);
  }

  /** Drops entries for offsets >= `offset`. */
  truncateToOffset(offset: number): void {
    let n = this.count;
    while (n > 0 && this.offsetAt(n - 1) >= offset) n--;
    this.truncateToEntries(n);
  }

  load(fsys: LogFs): Promise<boolean> {
    return this.loadFrom(fsys, () => {
      let prevTs = -Infinity;
      let prevRel = -1;
      for (let i = 0; i < this.count; i++) {
        const ts = this.timestampAt(i);
        const rel = this.buf.readInt32BE(i * 12 + 8);
        if (Number.isNaN(ts) || ts < prevTs) return `entry ${i}: timestamp ${ts} after ${prevTs}`;
        if (rel < 0 || rel < prevRel) return `entry ${i}: relative offset ${rel} after ${prevRel}`;
        prevTs = ts;
        prevRel = rel;
      }
      if (this.count > this.maxEntries + 1) return `${this.count} entries, more than the ${this.maxEntries} allowed`;
      return null;
    });
  }
}
