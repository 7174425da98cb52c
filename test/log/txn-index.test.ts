import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptFileError } from '../../src/log/errors';
import { nodeLogFs } from '../../src/log/log-fs';
import { ABORTED_TXN_SIZE, AbortedTxn, TxnIndex, encodeAbortedTxn } from '../../src/log/txn-index';
import { tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

const txn = (pid: number, first: number, last: number, lso: number): AbortedTxn => ({
  producerId: BigInt(pid),
  firstOffset: first,
  lastOffset: last,
  lastStableOffset: lso,
});

function fresh(base = 100): TxnIndex {
  const idx = new TxnIndex(join(t.dir, `${String(base).padStart(20, '0')}.txnindex`), base);
  idx.markNew();
  return idx;
}

describe('TxnIndex', () => {
  it('writes Kafka\'s 34-byte entries: version 0, producerId, firstOffset, lastOffset, lastStableOffset', async () => {
    const idx = fresh();
    idx.append(txn(42, 90, 105, 106));
    await idx.persist(nodeLogFs, true);
    const bytes = readFileSync(idx.path);
    expect(bytes.length).toBe(ABORTED_TXN_SIZE);
    expect(bytes.readInt16BE(0)).toBe(0);
    expect(bytes.readBigInt64BE(2)).toBe(42n);
    expect(bytes.readBigInt64BE(10)).toBe(90n);
    expect(bytes.readBigInt64BE(18)).toBe(105n);
    expect(bytes.readBigInt64BE(26)).toBe(106n);
    expect(encodeAbortedTxn(txn(42, 90, 105, 106)).equals(bytes)).toBe(true);
  });

  it('creates no file while empty, appends later entries in place, reloads them', async () => {
    const idx = fresh();
    await idx.persist(nodeLogFs, true);
    expect(existsSync(idx.path)).toBe(false);
    idx.append(txn(1, 100, 110, 111));
    await idx.persist(nodeLogFs, false);
    idx.append(txn(2, 95, 120, 121));
    await idx.persist(nodeLogFs, false);
    expect(statSync(idx.path).size).toBe(2 * ABORTED_TXN_SIZE);
    const again = new TxnIndex(idx.path, 100);
    await again.ensureLoaded(nodeLogFs);
    expect(again.entries).toEqual([txn(1, 100, 110, 111), txn(2, 95, 120, 121)]);
  });

  it('refuses entries whose marker is not after the last one', () => {
    const idx = fresh();
    idx.append(txn(1, 100, 110, 111));
    expect(() => idx.append(txn(2, 100, 110, 111))).toThrow(/not after/);
  });

  it('collects the transactions overlapping a range and says when the search is complete', () => {
    const idx = fresh();
    idx.append(txn(1, 100, 110, 101));
    idx.append(txn(2, 105, 130, 131));
    idx.append(txn(3, 140, 150, 151));
    expect(idx.collect(111, 120)).toEqual({ abortedTransactions: [txn(2, 105, 130, 131)], isComplete: true });
    expect(idx.collect(100, 104)).toEqual({ abortedTransactions: [txn(1, 100, 110, 101)], isComplete: true });
    // Nothing here has an LSO at or past 1000: a later segment may hold more.
    expect(idx.collect(145, 1000)).toEqual({ abortedTransactions: [txn(3, 140, 150, 151)], isComplete: false });
  });

  it('truncates by marker offset and rewrites the file', async () => {
    const idx = fresh();
    for (let i = 0; i < 4; i++) idx.append(txn(i, 100 + 10 * i, 105 + 10 * i, 106 + 10 * i));
    await idx.persist(nodeLogFs, false);
    idx.truncateTo(125);
    expect(idx.entries.map((e) => e.lastOffset)).toEqual([105, 115]);
    await idx.persist(nodeLogFs, false);
    expect(statSync(idx.path).size).toBe(2 * ABORTED_TXN_SIZE);
    idx.truncateTo(0);
    await idx.persist(nodeLogFs, false);
    expect(existsSync(idx.path)).toBe(false);
  });

  it('drops a torn last entry and rejects a corrupt one', async () => {
    const idx = fresh();
    idx.append(txn(1, 100, 110, 111));
    idx.append(txn(2, 100, 112, 113));
    await idx.persist(nodeLogFs, false);
    const bytes = readFileSync(idx.path);
    writeFileSync(idx.path, bytes.subarray(0, ABORTED_TXN_SIZE + 10));
    const torn = new TxnIndex(idx.path, 100);
    await torn.ensureLoaded(nodeLogFs);
    expect(torn.entries).toHaveLength(1);
    // Marker below the segment's base offset.
    const bad = new TxnIndex(idx.path, 200);
    await expect(bad.ensureLoaded(nodeLogFs)).rejects.toBeInstanceOf(CorruptFileError);
    const badVersion = Buffer.from(bytes.subarray(0, ABORTED_TXN_SIZE));
    badVersion.writeInt16BE(1, 0);
    writeFileSync(idx.path, badVersion);
    await expect(new TxnIndex(idx.path, 100).ensureLoaded(nodeLogFs)).rejects.toThrow(/version/);
  });
});
