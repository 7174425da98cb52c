/**
 * Producer state snapshot files, `<offset>.snapshot` in the partition directory (offset zero-
 * padded to 20 digits: the log end offset the state corresponds to). Kafka's format
 * (ProducerStateManager.writeSnapshot, version 1), big-endian:
 *
 *   version   int16   1
 *   crc       uint32  CRC-32C of every byte after this field
 *   count     int32   number of entries
 *   entries   count × 46 bytes:
 *     producerId             int64
 *     producerEpoch          int16
 *     lastSequence           int32   -1 when no batch is retained
 *     lastOffset             int64   -1 when no batch is retained
 *     offsetDelta            int32   lastOffset - firstOffset of the last batch
 *     timestamp              int64   the producer's last timestamp
 *     coordinatorEpoch       int32
 *     currentTxnFirstOffset  int64   -1 when no transaction is open
 *
 * Only the last batch of each producer is kept (as in Kafka): after a restart a retry of that
 * batch is still recognised as a duplicate, older retries are not.
 */
import { crc32c } from '@node-rs/crc32';
import { CorruptFileError, storageError } from './errors';
import { LogFs, readWholeFile, writeFully } from './log-fs';
import { offsetFileStem, readInt64 } from './offsets';
import { NO_OFFSET, ProducerStateEntry } from './producer-state-entry';

export const SNAPSHOT_SUFFIX = '.snapshot';
export const PRODUCER_SNAPSHOT_VERSION = 1;
const HEADER_SIZE = 2 + 4 + 4;
const CRC_START = 6;
export const SNAPSHOT_ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;
/** A snapshot of ten million producers is 460 MB: anything claiming more is corrupt. */
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

const SNAPSHOT_NAME = /^(\d{20})\.snapshot$/;

export const snapshotFileName = (offset: number): string => offsetFileStem(offset) + SNAPSHOT_SUFFIX;

/** The offset a snapshot file name stands for, or null if `name` is not one. */
export function snapshotOffsetOf(name: string): number | null {
  const m = SNAPSHOT_NAME.exec(name);
  return m ? Number(m[1]) : null;
}

export function encodeSnapshot(entries: Iterable<ProducerStateEntry>): Buffer {
  const list = [...entries];
  const buf = Buffer.alloc(HEADER_SIZE + list.length * SNAPSHOT_ENTRY_SIZE);
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(list.length, 6);
  let off = HEADER_SIZE;
  for (const e of list) {
    buf.writeBigInt64BE(e.producerId, off);
    buf.writeInt16BE(e.producerEpoch, off + 8);
    buf.writeInt32BE(e.lastSeq, off + 10);
    buf.writeBigInt64BE(BigInt(e.lastDataOffset), off + 14);
    buf.writeInt32BE(e.lastOffsetDelta, off + 22);
    buf.writeBigInt64BE(BigInt(e.lastTimestamp), off + 26);
    buf.writeInt32BE(e.coordinatorEpoch, off + 34);
    buf.writeBigInt64BE(BigInt(e.currentTxnFirstOffset), off + 38);
    off += SNAPSHOT_ENTRY_SIZE;
  }
  buf.writeUInt32BE(crc32c(buf.subarray(CRC_START)) >>> 0, 2);
  return buf;
}

/** Parses a snapshot; CorruptFileError on a bad version, length or CRC. */
export function decodeSnapshot(path: string, buf: Buffer): ProducerStateEntry[] {
  if (buf.length < HEADER_SIZE) throw new CorruptFileError(path, `${buf.length} bytes, shorter than the ${HEADER_SIZE}-byte header`);
  const version = buf.readInt16BE(0);
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new CorruptFileError(path, `unknown snapshot version ${version}`);
  const count = buf.readInt32BE(6);
  if (count < 0 || buf.length !== HEADER_SIZE + count * SNAPSHOT_ENTRY_SIZE) {
    throw new CorruptFileError(path, `${buf.length} bytes do not hold ${count} entries of ${SNAPSHOT_ENTRY_SIZE} bytes`);
  }
  const stored = buf.readUInt32BE(2);
  const computed = crc32c(buf.subarray(CRC_START)) >>> 0;
  if (stored !== computed) throw new CorruptFileError(path, `CRC ${computed} does not match the stored ${stored}`);
  const out: ProducerStateEntry[] = [];
  let off = HEADER_SIZE;
  try {
    for (let i = 0; i < count; i++, off += SNAPSHOT_ENTRY_SIZE) {
      const lastSeq = buf.readInt32BE(off + 10);
      const lastOffset = readInt64(buf, off + 14);
      const offsetDelta = buf.readInt32BE(off + 22);
      const timestamp = readInt64(buf, off + 26);
      const txnFirst = readInt64(buf, off + 38);
      const e = new ProducerStateEntry(
        buf.readBigInt64BE(off),
        buf.readInt16BE(off + 8),
        buf.readInt32BE(off + 34),
        timestamp,
        txnFirst >= 0 ? txnFirst : NO_OFFSET,
        lastOffset >= 0 ? [{ lastSeq, lastOffset, offsetDelta, timestamp }] : [],
      );
      out.push(e);
    }
  } catch (e) {
    throw new CorruptFileError(path, `entry at byte ${off} is out of range`, { cause: e });
  }
  return out;
}

/** Writes a snapshot file (replacing any with that name); fdatasync when `sync`. */
export async function writeSnapshotFile(fsys: LogFs, path: string, data: Buffer, sync: boolean): Promise<void> {
  try {
    const fd = await fsys.open(path, 'w+');
    try {
      await writeFully(fsys, fd, [data], 0);
      if (sync) await fsys.datasync(fd);
    } finally {
      await fsys.close(fd);
    }
  } catch (e) {
    throw storageError('write producer snapshot', path, e);
  }
}

/** fdatasync of a snapshot written earlier without it; a file deleted meanwhile is fine. */
export async function syncSnapshotFile(fsys: LogFs, path: string): Promise<void> {
  let fd: number;
  try {
    fd = await fsys.open(path, 'r');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return;
    throw storageError('open producer snapshot', path, e);
  }
  try {
    await fsys.datasync(fd);
  } finally {
    await fsys.close(fd);
  }
}

export async function readSnapshotFile(fsys: LogFs, path: string): Promise<ProducerStateEntry[] | null> {
  const data = await readWholeFile(fsys, path, MAX_SNAPSHOT_BYTES).catch((e) => {
    // An errno is an I/O failure; anything else is readWholeFile refusing an absurd size.
    if (typeof (e as { code?: unknown }).code === 'string') throw storageError('read producer snapshot', path, e);
    throw new CorruptFileError(path, e instanceof Error ? e.message : String(e), { cause: e });
  });
  return data === null ? null : decodeSnapshot(path, data);
}
