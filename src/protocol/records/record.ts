/**
 * One record inside a magic-2 batch (Kafka's DefaultRecord):
 *
 *   length          varint   bytes after this field
 *   attributes      int8     unused, 0
 *   timestampDelta  varlong  timestamp − batch baseTimestamp
 *   offsetDelta     varint   offset − batch baseOffset
 *   keyLength       varint   -1 = null key
 *   key             bytes
 *   valueLength     varint   -1 = null value (tombstone)
 *   value           bytes
 *   headerCount     varint   ≥ 0
 *   headers         headerKeyLength varint (≥ 0), key UTF-8, headerValueLength varint (-1 = null), value
 *
 * Decoding returns key, value and header values as slices of the input (no copy).
 */
import { InvalidRecordError } from './errors';
import { ByteReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  /** Record attributes byte (unused by Kafka, 0). */
  attributes: number;
  offsetDelta: number;
  /** Absolute offset: batch baseOffset + offsetDelta. */
  offset: bigint;
  timestampDelta: number;
  /** baseTimestamp + timestampDelta, or the batch maxTimestamp when it uses LogAppendTime. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** Encoded size including the length varint. */
  sizeInBytes: number;
}

export interface RecordContext {
  baseOffset: bigint;
  baseTimestamp: number;
  /** Set when the batch uses LogAppendTime: every record's timestamp is the batch maxTimestamp. */
  logAppendTime: number | undefined;
}

/** Reads one record at `reader.pos`; throws InvalidRecordError on any malformed field. */
export function readRecord(reader: ByteReader, ctx: RecordContext): DecodedRecord {
  const start = reader.pos;
  const body = openRecordBody(reader);
  const attributes = body.readInt8();
  const timestampDelta = body.readVarlong();
  const offsetDelta = body.readVarint();
  const key = body.readVarBytes('record key');
  const value = body.readVarBytes('record value');
  const headerCount = readHeaderCount(body);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < headerCount; i++) {
    const keyLength = readHeaderKeyLength(body);
    const headerKey = body.buf.toString('utf8', body.pos, body.pos + keyLength);
    body.pos += keyLength;
    headers.push({ key: headerKey, value: body.readVarBytes('record header value') });
  }
  closeRecordBody(reader, body);
  return {
    attributes,
    offsetDelta,
    offset: ctx.baseOffset + BigInt(offsetDelta),
    timestampDelta,
    timestamp: ctx.logAppendTime ?? ctx.baseTimestamp + timestampDelta,
    key,
    value,
    headers,
    sizeInBytes: body.end - start,
  };
}

/** What a validator reads of a record: lengths instead of slices (-1 = null). */
export interface RecordSummary {
  offsetDelta: number;
  timestampDelta: number;
  keyLength: number;
  valueLength: number;
}

/**
 * Steps over one record at `reader.pos` with exactly readRecord's checks, filling `out` instead of
 * building a record: no slices, strings or objects per record (Kafka's LogValidator walks
 * compressed batches with its skipKeyValueIterator for the same reason).
 */
export function scanRecord(reader: ByteReader, out: RecordSummary): void {
  const body = openRecordBody(reader);
  body.readInt8();
  out.timestampDelta = body.readVarlong();
  out.offsetDelta = body.readVarint();
  out.keyLength = body.skipVarBytes('record key');
  out.valueLength = body.skipVarBytes('record value');
  const headerCount = readHeaderCount(body);
  for (let i = 0; i < headerCount; i++) {
    const keyLength = readHeaderKeyLength(body); // (not `body.pos += …`: that reads pos before the call moves it)
    body.pos += keyLength;
    body.skipVarBytes('record header value');
  }
  closeRecordBody(reader, body);
}

/** Reads the record's length varint and returns a reader bounded to its body. */
function openRecordBody(reader: ByteReader): ByteReader {
  const length = reader.readVarint();
  if (length < 0) throw new InvalidRecordError(`record has negative length ${length}`);
  reader.need(length, 'a record');
  return new ByteReader(reader.buf, reader.pos, reader.pos + length);
}

function closeRecordBody(reader: ByteReader, body: ByteReader): void {
  if (body.pos !== body.end) {
    throw new InvalidRecordError(`record declares ${body.end - reader.pos} bytes but its fields take ${body.pos - reader.pos}`);
  }
  reader.pos = body.end;
}

function readHeaderCount(body: ByteReader): number {
  const headerCount = body.readVarint();
  if (headerCount < 0) throw new InvalidRecordError(`record has invalid header count ${headerCount}`);
  return headerCount;
}

/** A header key's length, checked to be in the record (the key's bytes follow). */
function readHeaderKeyLength(body: ByteReader): number {
  const keyLength = body.readVarint();
  if (keyLength < 0) throw new InvalidRecordError(`record header has negative key length ${keyLength}`);
  body.need(keyLength, 'a header key');
  return keyLength;
}

/** A record ready to be written: header keys already UTF-8 encoded. */
export interface EncodableRecord {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: ReadonlyArray<{ key: Buffer; value: Buffer | null }>;
}

const sizeOfVarBytes = (b: Buffer | null): number => (b === null ? 1 : sizeOfVarint(b.length) + b.length);

/** Size of the record's body (everything after the length varint). */
export function sizeOfRecordBody(r: EncodableRecord): number {
  let size = 1 + sizeOfVarlong(r.timestampDelta) + sizeOfVarint(r.offsetDelta) + sizeOfVarBytes(r.key) + sizeOfVarBytes(r.value);
  size += sizeOfVarint(r.headers.length);
  for (const h of r.headers) size += sizeOfVarBytes(h.key) + sizeOfVarBytes(h.value);
  return size;
}

export const sizeOfRecord = (bodySize: number): number => sizeOfVarint(bodySize) + bodySize;

function writeVarBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  b.copy(buf, pos);
  return pos + b.length;
}

/** Writes the record (with its length varint) at `pos`; returns the position after it. */
export function writeRecord(buf: Buffer, pos: number, r: EncodableRecord, bodySize: number): number {
  pos = writeVarint(buf, pos, bodySize);
  buf[pos++] = 0;
  pos = writeVarlong(buf, pos, r.timestampDelta);
  pos = writeVarint(buf, pos, r.offsetDelta);
  pos = writeVarBytes(buf, pos, r.key);
  pos = writeVarBytes(buf, pos, r.value);
  pos = writeVarint(buf, pos, r.headers.length);
  for (const h of r.headers) {
    pos = writeVarBytes(buf, pos, h.key);
    pos = writeVarBytes(buf, pos, h.value);
  }
  return pos;
}
