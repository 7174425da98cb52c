/** Lookups over a whole log: by timestamp (ListOffsets) and the max timestamp. */
import { iterateRecords } from '../protocol/records';
import type { Log } from './log';

/**
 * ListOffsets by timestamp (Kafka: fetchOffsetByTimestamp): the first record at or after the
 * log start offset whose timestamp is >= `timestamp`, as (offset, timestamp); null when every
 * timestamp is smaller. The time index narrows the search to a batch; that batch's records are
 * then read to find the exact record.
 */
export async function offsetForTimestamp(log: Log, timestamp: number): Promise<{ offset: number; timestamp: number } | null> {
  for (const seg of log.segments) {
    if (seg.deleted) continue;
    if ((await seg.largestTimestamp()) < timestamp && seg !== log.activeSegment) continue;
    await seg.ensureIndexes();
    if (seg.maxTimestampSoFar < timestamp) continue;
    let { position } = await seg.positionOf(Math.max(seg.timeIndex.lookupOffset(timestamp), log.logStartOffset));
    while (position < seg.size) {
      const h = await seg.readBatchHeaderAt(position);
      if (!h) break;
      if (h.maxTimestamp >= timestamp && h.lastOffset >= log.logStartOffset) {
        const bytes = await seg.readBytesAt(position, h.size);
        for (const r of iterateRecords(bytes, 0)) {
          const offset = Number(r.offset);
          if (offset >= log.logStartOffset && r.timestamp >= timestamp) return { offset, timestamp: r.timestamp };
        }
      }
      position += h.size;
    }
  }
  return null;
}

/** Largest timestamp in the log and the offset it was stamped on (ListOffsets MAX_TIMESTAMP). */
export async function maxTimestampAndOffset(log: Log): Promise<{ timestamp: number; offset: number }> {
  let best = { timestamp: -1, offset: -1 };
  for (const seg of log.segments) {
    await seg.largestTimestamp();
    if (seg.maxTimestampSoFar > best.timestamp) best = { timestamp: seg.maxTimestampSoFar, offset: seg.offsetOfMaxTimestampSoFar };
  }
  return best;
}

