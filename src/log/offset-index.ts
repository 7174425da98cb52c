/**
 * Sparse offset index of one segment (`<baseOffset>.index`), Kafka's format: 8-byte entries
 *
 *   0  relativeOffset  int32   offset - segment baseOffset (the LAST offset of the indexed batch)
 *   4  position        int32   byte position of that batch in the .log file
 *
 * An entry is added about every index.interval.bytes of appended data (see LogSegment.append).
 * Invariants (checked on load): relative offsets strictly increase, positions strictly increase
 * and stay below the log file's size. Lookup finds the largest entry with offset <= target:
 * the batch at that position ends at or before the target, so a forward scan of batch headers
 * from there finds the batch containing the target (Kafka: OffsetIndex.lookup + translateOffset).
 */
import { invariant } from '../util/invariant';
import { IndexFile } from './index-file';
import { LogFs } from './log-fs';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex extends IndexFile {
  constructor(path: string, baseOffset: number, maxEntries: number) {
    super(path, baseOffset, maxEntries, OFFSET_INDEX_ENTRY_SIZE);
  }

  offsetAt(i: number): number {
    return this.baseOffset + this.buf.readInt32BE(i * 8);
  }

  positionAt(i: number): number {
    return this.buf.readInt32BE(i * 8 + 4);
  }

  /** Offset of the last entry, or the base offset when empty (Kafka: lastOffset). */
  get lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.offsetAt(this.count - 1);
  }

  get lastPosition(): number {
    return this.count === 0 ? 0 : this.positionAt(this.count - 1);
  }

  append(offset: number, position: number): void {
    invariant(!this.isFull, () => `offset index ${this.path} is full (${this.count} entries)`);
    invariant(
      this.count === 0 || (offset > this.lastOffset && position > this.lastPosition),
      () =>
        `offset index ${this.path}: entry (${offset}, ${position}) after (${this.lastOffset}, ${this.lastPosition})`,
    );
    const rel = offset - this.baseOffset;
    invariant(rel >= 0 && rel <= 0x7fffffff, () => `offset ${offset} not relative to base ${this.baseOffset}`);
    const at = this.slotForAppend();
    this.buf.writeInt32BE(rel, at);
    this.buf.writeInt32BE(position, at + 4);
  }

  /** Index of the largest entry with offset <= target, or -1. O(log n). */
  floorEntry(target: number): number {
    return this.floorIndex(target - this.baseOffset, (i) => this.buf.readInt32BE(i * 8));
  }

  /** Position to start scanning from for `target` (0 when no entry is at or below it). */
  lookupPosition(target: number): { offset: number; position: number } {
    const i = this.floorEntry(target);
    return i < 0 ? { offset: this.baseOffset, position: 0 } : { offset: this.offsetAt(i), position: this.positionAt(i) };
  }

  /** Drops entries for offsets >= `offset` (Kafka: OffsetIndex.truncateTo). */
  truncateToOffset(offset: number): void {
    const i = this.floorEntry(offset - 1);
    this.truncateToEntries(i + 1);
  }

  /** Drops entries whose position is >= `position` (the log was cut there). */
  truncateToPosition(position: number): void {
    let n = this.count;
    while (n > 0 && this.positionAt(n - 1) >= position) n--;
    this.truncateToEntries(n);
  }

  /** Loads and checks the file; `logSize` bounds the positions. False if the file is missing. */
  load(fsys: LogFs, logSize: number): Promise<boolean> {
    return this.loadFrom(fsys, () => {
      let prevRel = -1;
      let prevPos = -1;
      for (let i = 0; i < this.count; i++) {
        const rel = this.buf.readInt32BE(i * 8);
        const pos = this.buf.readInt32BE(i * 8 + 4);
        if (rel < 0 || rel <= prevRel) return `entry ${i}: relative offset ${rel} after ${prevRel}`;
        if (pos < 0 || pos <= prevPos || pos >= logSize) {
          return `entry ${i}: position ${pos} after ${prevPos} (log size ${logSize})`;
        }
        prevRel = rel;
        prevPos = pos;
      }
      if (this.count > this.maxEntries + 1) return `${this.count} entries, more than the ${this.maxEntries} allowed`;
      return null;
    });
  }
}
