/**
 * Small text files Kafka keeps beside the logs, all replaced atomically (write temp, fsync,
 * rename, fsync dir — log-fs.ts writeFileAtomic) and checked on load (path and line reported):
 *
 *   <logDir>/recovery-point-offset-checkpoint, <logDir>/log-start-offset-checkpoint
 *       "0\n<count>\n" then one "<topic> <partition> <offset>\n" per partition (Kafka's
 *       OffsetCheckpointFile, version 0)
 *   <partitionDir>/leader-epoch-checkpoint
 *       "0\n<count>\n" then one "<epoch> <startOffset>\n" per entry (LeaderEpochCheckpointFile)
 *   <partitionDir>/partition.metadata
 *       "version: 0\ntopic_id: <base64 uuid>" (PartitionMetadataFile)
 */
import { CorruptFileError } from './errors';
import { LogFs, readWholeFile, writeFileAtomic } from './log-fs';

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
export const PARTITION_METADATA = 'partition.metadata';
export const CLEAN_SHUTDOWN_MARKER = '.kafka_cleanshutdown';

const CHECKPOINT_VERSION = 0;

/** Parses "version\ncount\n" + count lines of `fields` space-separated integers-or-names. */
function parseVersioned(path: string, text: string, fields: number): string[][] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length < 2) throw new CorruptFileError(path, `expected a version and a count, got ${lines.length} lines`);
  const version = Number(lines[0]);
  if (version !== CHECKPOINT_VERSION) throw new CorruptFileError(path, `unsupported version ${lines[0]}`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count < 0 || count !== lines.length - 2) {
    throw new CorruptFileError(path, `count ${lines[1]} does not match ${lines.length - 2} entries`);
  }
  return lines.slice(2).map((l, i) => {
    const parts = l.trim().split(/\s+/);
    if (parts.length !== fields) throw new CorruptFileError(path, `line ${i + 3}: expected ${fields} fields: "${l}"`);
    return parts;
  });
}

function parseNonNegativeInt(path: string, s: string, what: string): number {
  const n = Number(s);
  if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(n) || n < 0) throw new CorruptFileError(path, `bad ${what} "${s}"`);
  return n;
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

export function formatOffsetCheckpoint(entries: readonly PartitionOffset[]): Buffer {
  let s = `${CHECKPOINT_VERSION}\n${entries.length}\n`;
  for (const e of entries) s += `${e.topic} ${e.partition} ${e.offset}\n`;
  return Buffer.from(s, 'utf8');
}

export function parseOffsetCheckpoint(path: string, text: string): PartitionOffset[] {
  return parseVersioned(path, text, 3).map(([topic, p, o]) => ({
    topic: topic!,
    partition: parseNonNegativeInt(path, p!, 'partition'),
    offset: parseNonNegativeInt(path, o!, 'offset'),
  }));
}

export async function writeOffsetCheckpoint(fsys: LogFs, path: string, entries: readonly PartitionOffset[]) {
  await writeFileAtomic(fsys, path, formatOffsetCheckpoint(entries));
}

/** Entries of an offset checkpoint; empty when the file is missing. */
export async function readOffsetCheckpoint(fsys: LogFs, path: string): Promise<PartitionOffset[]> {
  const data = await readWholeFile(fsys, path);
  return data ? parseOffsetCheckpoint(path, data.toString('utf8')) : [];
}

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export function formatLeaderEpochCheckpoint(entries: readonly EpochEntry[]): Buffer {
  let s = `${CHECKPOINT_VERSION}\n${entries.length}\n`;
  for (const e of entries) s += `${e.epoch} ${e.startOffset}\n`;
  return Buffer.from(s, 'utf8');
}

export function parseLeaderEpochCheckpoint(path: string, text: string): EpochEntry[] {
  return parseVersioned(path, text, 2).map(([e, o]) => ({
    epoch: parseNonNegativeInt(path, e!, 'epoch'),
    startOffset: parseNonNegativeInt(path, o!, 'start offset'),
  }));
}

export interface PartitionMetadata {
  /** Topic id as Kafka prints a Uuid: URL-safe base64 without padding (22 characters). */
  topicId: string;
}

export function formatPartitionMetadata(m: PartitionMetadata): Buffer {
  return Buffer.from(`version: 0\ntopic_id: ${m.topicId}`, 'utf8');
}

export function parsePartitionMetadata(path: string, text: string): PartitionMetadata {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const kv = new Map<string, string>();
  for (const l of lines) {
    const m = /^([a-z_]+):\s+(\S+)\s*$/.exec(l);
    if (!m) throw new CorruptFileError(path, `malformed line "${l}"`);
    kv.set(m[1]!, m[2]!);
  }
  if (kv.get('version') !== '0') throw new CorruptFileError(path, `unsupported version ${kv.get('version')}`);
  const topicId = kv.get('topic_id');
  if (!topicId || !/^[A-Za-z0-9_-]{22}$/.test(topicId)) throw new CorruptFileError(path, `bad topic_id ${topicId}`);
  return { topicId };
}

export async function readPartitionMetadata(fsys: LogFs, path: string): Promise<PartitionMetadata | null> {
  const data = await readWholeFile(fsys, path, 4096);
  return data ? parsePartitionMetadata(path, data.toString('utf8')) : null;
}

export async function writePartitionMetadata(fsys: LogFs, path: string, m: PartitionMetadata): Promise<void> {
  await writeFileAtomic(fsys, path, formatPartitionMetadata(m));
}
