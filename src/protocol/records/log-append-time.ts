/**
 * In-place timestamp rewrites of a magic-2 batch (Kafka's DefaultRecordBatch.setMaxTimestamp, used
 * by LogValidator): set the timestamp-type bit and maxTimestamp, then recompute the CRC, since both
 * fields are covered by it. Records are untouched: with LogAppendTime readers take every record's
 * timestamp from maxTimestamp.
 */
import { Attr, ATTRIBUTES_OFFSET, MAX_TIMESTAMP_OFFSET, NO_TIMESTAMP, rewriteCrc, TimestampType } from './batch-header';
import { InvalidTimestampError } from './errors';
import { checkedBatchSize } from './record-iterate';

/** Sets timestamp type and maxTimestamp of the batch at `off`; skips the CRC work when nothing changes. */
export function setMaxTimestamp(buf: Buffer, off: number, timestampType: TimestampType, maxTimestamp: number): void {
  checkedBatchSize(buf, off);
  if (!Number.isSafeInteger(maxTimestamp) || maxTimestamp < NO_TIMESTAMP) throw new InvalidTimestampError(`invalid max timestamp ${maxTimestamp}`);
  const attributes = buf.readInt16BE(off + ATTRIBUTES_OFFSET);
  const wanted = timestampType === TimestampType.LOG_APPEND_TIME ? attributes | Attr.TIMESTAMP_TYPE : attributes & ~Attr.TIMESTAMP_TYPE;
  const ts = BigInt(maxTimestamp);
  if (wanted === attributes && buf.readBigInt64BE(off + MAX_TIMESTAMP_OFFSET) === ts) return;
  buf.writeInt16BE(wanted, off + ATTRIBUTES_OFFSET);
  buf.writeBigInt64BE(ts, off + MAX_TIMESTAMP_OFFSET);
  rewriteCrc(buf, off);
}

/** Stamps the batch at `off` with LogAppendTime `now` (the broker's append time). */
export const applyLogAppendTime = (buf: Buffer, off: number, now: number): void =>
  setMaxTimestamp(buf, off, TimestampType.LOG_APPEND_TIME, now);
