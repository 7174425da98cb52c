/**
 * Time- and size-based retention for `cleanup.policy` containing "delete", plus deletion of
 * segments wholly below the log start offset (after DeleteRecords) for every policy. Kafka:
 * UnifiedLog.deleteOldSegments. Always whole segments, a prefix of the log, never the active
 * segment, and never a segment that holds offsets at or past `upperBound` (the high watermark:
 * data not yet replicated is never deleted by retention).
 */
import { isDeleteRetained } from './log-config';
import { Log } from './log';

export interface RetentionResult {
  byTime: number;
  bySize: number;
  byStartOffset: number;
}

export function deleteRetainedSegments(log: Log, nowMs: number, upperBound = log.logEndOffset): Promise<RetentionResult> {
  return log.runExclusive(async () => {
    const c = log.config;
    const res: RetentionResult = { byTime: 0, bySize: 0, byStartOffset: 0 };
    const bound = Math.min(upperBound, log.logEndOffset);
    if (isDeleteRetained(c)) {
      const retentionMs = c['retention.ms'];
      if (retentionMs >= 0) {
        res.byTime = await log.deleteSegmentsWhile(
          async (seg, next) => next.baseOffset <= bound && nowMs - (await seg.largestTimestamp()) > retentionMs,
        );
      }
      const retentionBytes = c['retention.bytes'];
      if (retentionBytes >= 0) {
        let excess = log.size - retentionBytes;
        res.bySize = await log.deleteSegmentsWhile((seg, next) => {
          if (next.baseOffset > bound || excess - seg.size < 0) return false;
          excess -= seg.size;
          return true;
        });
      }
    }
    res.byStartOffset = await log.deleteSegmentsWhile((_seg, next) => next.baseOffset <= log.logStartOffset);
    return res;
  });
}
