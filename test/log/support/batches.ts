/** Test helpers: magic-2 batches as a producer would send them, and reading them back. */
import { buildRecordBatch, iterateBatches, readRecords } from '../../../src/protocol/records';

export interface MakeBatchOptions {
  count?: number;
  /** Bytes per record value. */
  valueSize?: number;
  /** Timestamp of the first record; the others follow 1 ms apart. */
  timestamp?: number;
  keys?: Array<string | null>;
  values?: Array<string | null>;
  tag?: string;
}

/** A producer-style uncompressed batch (baseOffset 0, no producer id). */
export function makeBatch(o: MakeBatchOptions = {}): Buffer {
  const count = o.keys?.length ?? o.values?.length ?? o.count ?? 1;
  const ts = o.timestamp ?? 1_700_000_000_000;
  const records = Array.from({ length: count }, (_, i) => {
    const v = o.values?.[i];
    const value =
      v === null ? null : v !== undefined ? Buffer.from(v) : Buffer.alloc(o.valueSize ?? 10, `${o.tag ?? 'v'}${i}`);
    const k = o.keys?.[i];
    return { key: k === undefined || k === null ? null : Buffer.from(k), value, timestamp: ts + i };
  });
  return buildRecordBatch({ records });
}

export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  epoch: number;
  bytes: Buffer;
}

/** Splits whole batches out of a read. */
export function batchesOf(buf: Buffer): StoredBatch[] {
  const out: StoredBatch[] = [];
  for (const s of iterateBatches(buf)) {
    const b = buf.subarray(s.offset, s.offset + s.size);
    const base = Number(b.readBigInt64BE(0));
    out.push({ baseOffset: base, lastOffset: base + b.readInt32BE(23), epoch: b.readInt32BE(12), bytes: b });
  }
  return out;
}

/** Record values (utf8) of every batch in `buf`. */
export function valuesOf(buf: Buffer): Array<string | null> {
  const out: Array<string | null> = [];
  for (const s of iterateBatches(buf)) for (const r of readRecords(buf, s.offset)) out.push(r.value ? r.value.toString() : null);
  return out;
}
