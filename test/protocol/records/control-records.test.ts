import {
  buildEndTxnMarkerBatch,
  ControlRecordType,
  decodeControlRecordKey,
  decodeEndTxnMarkerValue,
  encodeControlRecordKey,
  encodeEndTxnMarkerValue,
} from '../../../src/protocol/records/control-records';
import { BATCH_HEADER_SIZE, isControl, isTransactional, readBatchHeader } from '../../../src/protocol/records/batch-header';
import { validateBatch } from '../../../src/protocol/records/batch-validate';
import { readRecords } from '../../../src/protocol/records/record-iterate';
import { InvalidRecordError } from '../../../src/protocol/records/errors';

describe('control records', () => {
  it('builds a COMMIT marker batch as Kafka does (golden 17-byte record)', () => {
    const batch = buildEndTxnMarkerBatch({ type: ControlRecordType.COMMIT, producerId: 4000n, producerEpoch: 3, coordinatorEpoch: 5, timestamp: 1700000000000, baseOffset: 99n, partitionLeaderEpoch: 2 });
    expect(batch.subarray(BATCH_HEADER_SIZE).toString('hex')).toBe('2000000008000000010c00000000000500');
    const h = validateBatch(batch, 0, { deep: true });
    expect(h).toMatchObject({ attributes: 0x30, producerId: 4000n, producerEpoch: 3, baseSequence: -1, recordCount: 1, lastOffsetDelta: 0, baseOffset: 99n, partitionLeaderEpoch: 2, maxTimestamp: 1700000000000n });
    expect(isControl(h.attributes) && isTransactional(h.attributes)).toBe(true);
    const [r] = readRecords(batch);
    expect(decodeControlRecordKey(r.key)).toEqual({ version: 0, type: ControlRecordType.COMMIT });
    expect(decodeEndTxnMarkerValue(r.value)).toEqual({ version: 0, coordinatorEpoch: 5 });
  });

  it('builds an ABORT marker', () => {
    const batch = buildEndTxnMarkerBatch({ type: ControlRecordType.ABORT, producerId: 1n, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 0 });
    expect(readBatchHeader(batch).baseOffset).toBe(0n);
    expect(decodeControlRecordKey(readRecords(batch)[0].key).type).toBe(0);
  });

  it('reads higher versions as version 0 and rejects negative versions or short data', () => {
    expect(encodeControlRecordKey(ControlRecordType.ABORT).toString('hex')).toBe('00000000');
    expect(encodeEndTxnMarkerValue(-1).toString('hex')).toBe('0000ffffffff');
    expect(decodeControlRecordKey(Buffer.from('00070001', 'hex'))).toEqual({ version: 7, type: 1 });
    expect(decodeControlRecordKey(Buffer.from('00000063', 'hex')).type).toBe(99);
    expect(decodeEndTxnMarkerValue(Buffer.from('000300000009ffff', 'hex'))).toEqual({ version: 3, coordinatorEpoch: 9 });
    expect(() => decodeControlRecordKey(Buffer.from('ffff0001', 'hex'))).toThrow(InvalidRecordError);
    expect(() => decodeControlRecordKey(Buffer.from('0000', 'hex'))).toThrow(InvalidRecordError);
    expect(() => decodeControlRecordKey(null)).toThrow(InvalidRecordError);
    expect(() => decodeEndTxnMarkerValue(Buffer.from('800000000000', 'hex'))).toThrow(InvalidRecordError);
    expect(() => decodeEndTxnMarkerValue(Buffer.from('0000000000', 'hex'))).toThrow(InvalidRecordError);
  });
});
