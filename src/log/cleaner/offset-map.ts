/**
 * The cleaner's key → latest offset map, in a fixed amount of memory (Kafka: SkimpyOffsetMap).
 * Keys are stored as their 16-byte MD5 digest, not as bytes, so memory is bounded by the number
 * of distinct keys, never by their size: 24 bytes per slot (digest + offset as a float64, exact
 * below 2^53), open addressing with linear probing, filled to at most `loadFactor` (Kafka's
 * log.cleaner.io.buffer.load.factor, 0.9). Two keys with the same digest would be confused;
 * with MD5 that is as unlikely as in Kafka, which makes the same trade.
 */
import { createHash } from 'node:crypto';
import { invariant } from '../../util/invariant';

const SLOT = 24;
const DIGEST = 16;

export class OffsetMap {
  private readonly slots: Buffer;
  private readonly capacity: number;
  private used = 0;
  private readonly maxEntries: number;
  /** Largest offset put since the last clear. */
  latestOffset = -1;

  constructor(memoryBytes: number, loadFactor = 0.9) {
    this.capacity = Math.max(16, Math.floor(memoryBytes / SLOT));
    this.slots = Buffer.alloc(this.capacity * SLOT);
    this.maxEntries = Math.floor(this.capacity * loadFactor);
  }

  get size(): number {
    return this.used;
  }

  /** Entries that can still be added. */
  get room(): number {
    return this.maxEntries - this.used;
  }

  get isFull(): boolean {
    return this.used >= this.maxEntries;
  }

  /** Bytes of memory held. */
  get memoryBytes(): number {
    return this.slots.length;
  }

  clear(): void {
    if (this.used > 0) this.slots.fill(0);
    this.used = 0;
    this.latestOffset = -1;
  }

  static digest(key: Buffer): Buffer {
    return createHash('md5').update(key).digest();
  }

  /** Records `offset` as the latest for `key` (offsets must be put in increasing order per key). */
  put(key: Buffer, offset: number): void {
    const d = OffsetMap.digest(key);
    const at = this.find(d);
    if (!this.occupied(at)) {
      invariant(!this.isFull, () => `offset map full at ${this.used} entries`);
      d.copy(this.slots, at);
      this.used++;
    }
    // Offsets are stored +1 so that an all-zero slot means empty.
    this.slots.writeDoubleBE(offset + 1, at + DIGEST);
    if (offset > this.latestOffset) this.latestOffset = offset;
  }

  /** Latest offset put for `key`, or -1. */
  get(key: Buffer): number {
    const at = this.find(OffsetMap.digest(key));
    return this.occupied(at) ? this.slots.readDoubleBE(at + DIGEST) - 1 : -1;
  }

  private occupied(at: number): boolean {
    return this.slots.readDoubleBE(at + DIGEST) !== 0;
  }

  /** Slot holding digest `d`, or the empty slot where it would go. */
  private find(d: Buffer): number {
    let i = d.readUInt32BE(0) % this.capacity;
    for (;;) {
      const at = i * SLOT;
      if (!this.occupied(at) || this.slots.compare(d, 0, DIGEST, at, at + DIGEST) === 0) return at;
      i = (i + 1) % this.capacity;
    }
  }
}
