/**
 * Legacy message sets (magic 0 and 1), decoded "deep" as Kafka's AbstractLegacyRecordBatch does:
 *
 *  - an uncompressed entry is one message at its own offset;
 *  - a compressed entry is a wrapper whose value is the compressed bytes of an inner message set.
 *    Inner messages must not be compressed and must share the wrapper's magic; the wrapper needs a
 *    value and at least one inner message; zstd cannot appear (InvalidRecordError).
 *  - magic 0 inner offsets are absolute; magic 1 inner offsets are relative and the wrapper carries
 *    the absolute offset of the last one (absolute = wrapper − lastInner + inner), except that a
 *    wrapper offset of 0 (some librdkafka producers) means "use the inner offsets as they are".
 *  - a magic-1 wrapper with LogAppendTime gives its timestamp to every inner message.
 *  - an incomplete trailing entry, outer or inner, ends the set silently (ByteBufferLogInputStream,
 *    DataLogInputStream).
 *  - lz4 in magic 0 carries the pre-KIP-57 frame header checksum: not checked on read, written so.
 *
 * Encoding follows MemoryRecordsBuilder: compressed magic-1 inner offsets relative to the first
 * offset, wrapper offset = last offset, wrapper timestamp = max timestamp (or LogAppendTime).
 */
import { compress, decompress, DEFAULT_MAX_DECOMPRESSED_BYTES, toCompressionType } from '../compression/codec';
import { Compression, CompressionType, NO_TIMESTAMP, TimestampType } from './batch-header';
import { readBatchSlice } from './batch-iterate';
import { CorruptRecordError, InvalidRecordError, InvalidTimestampError, UnsupportedCompressionTypeError } from './errors';
import { LegacyAttr, LegacyEntry, legacyEntrySize, LegacyTimestampType, NO_TIMESTAMP_TYPE, readLegacyEntry, writeLegacyEntry } from './legacy-message';

export interface LegacyMessage {
  /** Absolute offset. */
  offset: bigint;
  magic: 0 | 1;
  /** The message's own attributes byte (an inner message's, not its wrapper's). */
  attributes: number;
  /** -1 (NO_TIMESTAMP) for magic 0. */
  timestamp: number;
  /** NO_TIMESTAMP_TYPE (-1) for magic 0. */
  timestampType: LegacyTimestampType;
  key: Buffer | null;
  value: Buffer | null;
  /** Codec of the wrapper the message came from (NONE when it was not compressed). */
  compression: CompressionType;
}

export interface DecodeMessageSetOptions {
  /** Check every outer and inner CRC-32 (default true). */
  verifyCrc?: boolean;
  /** Limit on the decompressed size of one wrapper (default 64 MiB). */
  maxDecompressedBytes?: number;
}

const timestampTypeOf = (magic: 0 | 1, attributes: number): LegacyTimestampType =>
  magic === 0 ? NO_TIMESTAMP_TYPE : attributes & LegacyAttr.TIMESTAMP_TYPE ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;

const plainMessage = (e: LegacyEntry, offset: bigint, compression: CompressionType): LegacyMessage => ({
  offset,
  magic: e.magic,
  attributes: e.attributes,
  timestamp: e.timestamp,
  timestampType: timestampTypeOf(e.magic, e.attributes),
  key: e.key,
  value: e.value,
  compression,
});

/** Messages of a legacy message set, in order, with absolute offsets (see the module comment). */
export function* iterateMessageSet(buf: Buffer, options: DecodeMessageSetOptions = {}): Generator<LegacyMessage, void, undefined> {
  const verifyCrc = options.verifyCrc ?? true;
  let pos = 0;
  for (;;) {
    const slice = readBatchSlice(buf, pos);
    if (!slice) return;
    if (slice.magic > 1) throw new CorruptRecordError(`expected a legacy message at byte ${pos}, found magic ${slice.magic}`);
    const entry = readLegacyEntry(buf, pos, slice.size, verifyCrc);
    pos += slice.size;
    const codec = toCompressionType(entry.attributes & LegacyAttr.COMPRESSION_MASK);
    if (codec === Compression.NONE) yield plainMessage(entry, entry.offset, codec);
    else yield* unwrap(entry, codec, options);
  }
}

export function decodeMessageSet(buf: Buffer, options: DecodeMessageSetOptions = {}): LegacyMessage[] {
  return [...iterateMessageSet(buf, options)];
}

function unwrap(wrapper: LegacyEntry, codec: CompressionType, options: DecodeMessageSetOptions): LegacyMessage[] {
  if (codec === Compression.ZSTD) throw new InvalidRecordError('zstd cannot appear in a legacy (magic 0/1) message set');
  if (wrapper.value === null) throw new InvalidRecordError(`compressed magic ${wrapper.magic} wrapper has a null value`);
  const inner = decompress(codec, wrapper.value, {
    maxOutputBytes: options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
    legacyLz4HeaderChecksum: wrapper.magic === 0,
  });
  const entries: LegacyEntry[] = [];
  let pos = 0;
  for (;;) {
    const slice = readBatchSlice(inner, pos);
    if (!slice) break; // a partial trailing inner message ends the set (DataLogInputStream)
    const e = readLegacyEntry(inner, pos, slice.size, options.verifyCrc ?? true);
    if (e.magic !== wrapper.magic) throw new InvalidRecordError(`compressed message magic ${e.magic} does not match wrapper magic ${wrapper.magic}`);
    if ((e.attributes & LegacyAttr.COMPRESSION_MASK) !== Compression.NONE) throw new InvalidRecordError('inner messages must not be compressed');
    entries.push(e);
    pos += slice.size;
  }
  if (entries.length === 0) throw new InvalidRecordError('compressed message set has no inner messages');

  if (wrapper.magic === 0) return entries.map((e) => plainMessage(e, e.offset, codec));
  const lastInner = entries[entries.length - 1].offset;
  let base = 0n;
  if (wrapper.offset !== 0n) {
    if (wrapper.offset < lastInner) {
      throw new InvalidRecordError(`wrapper offset ${wrapper.offset} is less than the last inner message offset ${lastInner} and it is not zero`);
    }
    base = wrapper.offset - lastInner;
  }
  const logAppend = (wrapper.attributes & LegacyAttr.TIMESTAMP_TYPE) !== 0;
  return entries.map((e) => {
    const m = plainMessage(e, base + e.offset, codec);
    if (logAppend) {
      m.timestamp = wrapper.timestamp;
      m.timestampType = TimestampType.LOG_APPEND_TIME;
    }
    return m;
  });
}

export interface LegacyMessageInput {
  /** Absolute offset; default previous + 1 (first = baseOffset). */
  offset?: bigint;
  /** Magic 1 only; default -1 (NO_TIMESTAMP). */
  timestamp?: number;
  key?: Buffer | null;
  value?: Buffer | null;
}

export interface BuildMessageSetOptions {
  magic: 0 | 1;
  messages: ReadonlyArray<LegacyMessageInput>;
  compression?: CompressionType;
  compressionLevel?: number;
  baseOffset?: bigint;
  timestampType?: TimestampType;
  /** Required with LOG_APPEND_TIME (magic 1). */
  logAppendTime?: number;
}

interface PreparedMessage {
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

function prepare(o: BuildMessageSetOptions): PreparedMessage[] {
  const logAppend = o.magic === 1 && o.timestampType === TimestampType.LOG_APPEND_TIME;
  if (logAppend && o.logAppendTime === undefined) throw new InvalidTimestampError('LOG_APPEND_TIME needs a logAppendTime');
  let next = o.baseOffset ?? 0n;
  let previous: bigint | undefined;
  return o.messages.map((m) => {
    const offset = m.offset ?? next;
    if (previous !== undefined && offset <= previous) throw new InvalidRecordError(`offset ${offset} does not follow ${previous}`);
    previous = offset;
    next = offset + 1n;
    let timestamp = NO_TIMESTAMP;
    if (o.magic === 1) timestamp = logAppend ? o.logAppendTime! : (m.timestamp ?? NO_TIMESTAMP);
    if (!Number.isSafeInteger(timestamp) || timestamp < NO_TIMESTAMP) throw new InvalidTimestampError(`invalid timestamp ${timestamp}`);
    return { offset, timestamp, key: m.key ?? null, value: m.value ?? null };
  });
}

/** Encodes a magic 0/1 message set: one entry per message, or one wrapper when compressed. */
export function buildMessageSet(o: BuildMessageSetOptions): Buffer {
  const codec = o.compression ?? Compression.NONE;
  if (codec === Compression.ZSTD) throw new UnsupportedCompressionTypeError('zstd needs magic 2; legacy message sets cannot carry it');
  const messages = prepare(o);
  const tsBit = o.magic === 1 && o.timestampType === TimestampType.LOG_APPEND_TIME ? LegacyAttr.TIMESTAMP_TYPE : 0;
  const relative = o.magic === 1 && codec !== Compression.NONE;
  const baseOffset = messages[0]?.offset ?? 0n;
  let total = 0;
  for (const m of messages) total += legacyEntrySize(o.magic, m.key, m.value);
  const plain = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const m of messages) {
    pos = writeLegacyEntry(plain, pos, { ...m, offset: relative ? m.offset - baseOffset : m.offset, magic: o.magic, attributes: tsBit });
  }
  if (codec === Compression.NONE || messages.length === 0) return plain;

  const packed = compress(codec, plain, { level: o.compressionLevel, legacyLz4HeaderChecksum: o.magic === 0 });
  let maxTimestamp = NO_TIMESTAMP;
  for (const m of messages) if (m.timestamp > maxTimestamp) maxTimestamp = m.timestamp;
  const wrapper = Buffer.allocUnsafe(legacyEntrySize(o.magic, null, packed));
  writeLegacyEntry(wrapper, 0, {
    offset: messages[messages.length - 1].offset,
    magic: o.magic,
    attributes: codec | tsBit,
    timestamp: maxTimestamp,
    key: null,
    value: packed,
  });
  return wrapper;
}
