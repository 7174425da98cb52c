import { crc32c } from '@node-rs/crc32';
import { CorruptFileError } from '../../src/log/errors';
import { ProducerStateEntry } from '../../src/log/producer-state-entry';
import {
  SNAPSHOT_ENTRY_SIZE,
  decodeSnapshot,
  encodeSnapshot,
  snapshotFileName,
  snapshotOffsetOf,
} from '../../src/log/producer-state-snapshot';

function sample(): ProducerStateEntry[] {
  const a = ProducerStateEntry.empty(1000n);
  a.addBatch(3, 41, 500, 4, 1_700_000_000_123);
  a.coordinatorEpoch = 7;
  a.currentTxnFirstOffset = 480;
  const b = ProducerStateEntry.empty(-5n); // any int64
  b.producerEpoch = 2;
  b.coordinatorEpoch = 1;
  b.lastTimestamp = 99;
  return [a, b];
}

describe('producer snapshot format', () => {
  it('lays out version 1, CRC-32C, count and 46-byte entries as Kafka does', () => {
    const buf = encodeSnapshot(sample());
    expect(SNAPSHOT_ENTRY_SIZE).toBe(46);
    expect(buf.length).toBe(10 + 2 * 46);
    expect(buf.readInt16BE(0)).toBe(1);
    expect(buf.readUInt32BE(2)).toBe(crc32c(buf.subarray(6)) >>> 0);
    expect(buf.readInt32BE(6)).toBe(2);
    const e = 10;
    expect(buf.readBigInt64BE(e)).toBe(1000n); // producerId
    expect(buf.readInt16BE(e + 8)).toBe(3); // epoch
    expect(buf.readInt32BE(e + 10)).toBe(41); // last sequence
    expect(buf.readBigInt64BE(e + 14)).toBe(500n); // last offset
    expect(buf.readInt32BE(e + 22)).toBe(4); // offset delta
    expect(buf.readBigInt64BE(e + 26)).toBe(1_700_000_000_123n); // timestamp
    expect(buf.readInt32BE(e + 34)).toBe(7); // coordinator epoch
    expect(buf.readBigInt64BE(e + 38)).toBe(480n); // current txn first offset
    // An entry without batches: last sequence/offset -1, no transaction.
    expect(buf.readInt32BE(e + 46 + 10)).toBe(-1);
    expect(buf.readBigInt64BE(e + 46 + 14)).toBe(-1n);
    expect(buf.readBigInt64BE(e + 46 + 38)).toBe(-1n);
  });

  it('round-trips (keeping the last batch of each producer)', () => {
    const [a, b] = decodeSnapshot('x', encodeSnapshot(sample()));
    expect(a!.producerId).toBe(1000n);
    expect([a!.producerEpoch, a!.lastSeq, a!.firstSeq, a!.lastDataOffset, a!.firstDataOffset]).toEqual([3, 41, 37, 500, 496]);
    expect([a!.coordinatorEpoch, a!.currentTxnFirstOffset, a!.lastTimestamp]).toEqual([7, 480, 1_700_000_000_123]);
    expect(a!.findDuplicate(3, 37, 41)?.lastOffset).toBe(500);
    expect([b!.producerId, b!.isEmpty, b!.hasOngoingTxn, b!.lastTimestamp]).toEqual([-5n, true, false, 99]);
    expect(decodeSnapshot('x', encodeSnapshot([]))).toEqual([]);
  });

  it('rejects a flipped byte, a wrong version or a wrong length', () => {
    const good = encodeSnapshot(sample());
    for (let i = 2; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i] = bad[i]! ^ 0x01;
      expect(() => decodeSnapshot('snap', bad)).toThrow(CorruptFileError);
    }
    const v2 = Buffer.from(good);
    v2.writeInt16BE(2, 0);
    expect(() => decodeSnapshot('snap', v2)).toThrow(/version/);
    expect(() => decodeSnapshot('snap', good.subarray(0, good.length - 1))).toThrow(/entries/);
    expect(() => decodeSnapshot('snap', Buffer.alloc(3))).toThrow(/header/);
  });

  it('names files by offset, 20 digits', () => {
    expect(snapshotFileName(1234)).toBe('00000000000000001234.snapshot');
    expect(snapshotOffsetOf('00000000000000001234.snapshot')).toBe(1234);
    expect(snapshotOffsetOf('00000000000000001234.snapshot.deleted')).toBeNull();
    expect(snapshotOffsetOf('00000000000000001234.log')).toBeNull();
  });
});
