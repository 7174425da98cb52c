/**
 * Record data: magic-2 record batches, legacy (magic 0/1) message sets, conversions between them.
 *
 * Stable entry points (other layers build on these names; keep them):
 *  - iterateBatches(buf) / scanBatches(buf): split a records blob into {offset (byte position),
 *    size, magic} slices without copying; an incomplete trailing entry ends the iteration.
 *  - validateBatch(buf, off, {fromClient, deep}): framing, magic, CRC-32C, header consistency.
 *  - iterateRecords(buf, off) / readRecords(buf, off): the records of one magic-2 batch,
 *    decompressed if needed, key/value/header values as Buffer slices. No CRC check: validate first.
 *    scanRecords(buf, off, visit): the same walk and checks, lengths instead of slices.
 *  - buildRecordBatch({...}) / RecordBatchBuilder: write a magic-2 batch (compaction, control
 *    markers, internal topics).
 *  - buildEndTxnMarkerBatch, decodeControlRecordKey, decodeEndTxnMarkerValue: control records.
 *  - applyLogAppendTime / setMaxTimestamp: in-place timestamp rewrite with CRC recomputation.
 *  - iterateMessageSet / buildMessageSet: legacy message sets; upConvertMessageSet /
 *    downConvertRecords: between formats.
 * All failures are RecordsError subclasses carrying a Kafka error code (errors.ts).
 */
export * from './batch-header';
export * from './errors';
export { iterateBatches, scanBatches, readBatchSlice, LEGACY_RECORD_OVERHEAD_V0, LEGACY_RECORD_OVERHEAD_V1 } from './batch-iterate';
export type { BatchSlice, BatchScan, IterateBatchesOptions } from './batch-iterate';
export { validateBatch, MIN_RECORD_SIZE } from './batch-validate';
export type { ValidateBatchOptions } from './batch-validate';
export { iterateRecords, readRecords, recordsData, checkedBatchSize, scanRecords } from './record-iterate';
export type { IterateRecordsOptions, ScanRecordsOptions } from './record-iterate';
export type { DecodedRecord, RecordHeader, RecordSummary } from './record';
export { buildRecordBatch, RecordBatchBuilder } from './batch-builder';
export type { BuildRecordBatchOptions, RecordBatchOptions, RecordInput, RecordHeaderInput } from './batch-builder';
export {
  ControlRecordType,
  buildEndTxnMarkerBatch,
  encodeControlRecordKey,
  decodeControlRecordKey,
  encodeEndTxnMarkerValue,
  decodeEndTxnMarkerValue,
} from './control-records';
export type { ControlRecordKey, EndTxnMarker, EndTxnMarkerBatchOptions } from './control-records';
export { applyLogAppendTime, setMaxTimestamp } from './log-append-time';
export { NO_TIMESTAMP_TYPE, readLegacyEntry, writeLegacyEntry } from './legacy-message';
export type { LegacyEntry, LegacyTimestampType } from './legacy-message';
export { iterateMessageSet, decodeMessageSet, buildMessageSet } from './legacy-message-set';
export type { LegacyMessage, LegacyMessageInput, BuildMessageSetOptions, DecodeMessageSetOptions } from './legacy-message-set';
export { upConvertMessageSet, downConvertRecords } from './legacy-convert';
export type { UpConvertOptions, DownConvertOptions } from './legacy-convert';
