/**
 * Topic-partition names and the partition directory naming Kafka uses under each log dir:
 *   <topic>-<partition>                      a live log
 *   <topic>-<partition>.<uuid32hex>-delete   a deleted log waiting for physical removal
 *   <topic>-<partition>.<uuid32hex>-future   (replica moves between dirs; not used here)
 */
import { randomUUID } from 'node:crypto';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export const DELETE_DIR_SUFFIX = '-delete';
export const FUTURE_DIR_SUFFIX = '-future';
export const STRAY_DIR_SUFFIX = '-stray';

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export const tpKey = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

export function isLegalTopicName(topic: string): boolean {
  return LEGAL_TOPIC.test(topic) && topic !== '.' && topic !== '..';
}

/** Directory name of a live log. */
export function partitionDirName(tp: TopicPartition): string {
  return tpKey(tp);
}

/** Directory name a deleted log is renamed to before removal (Kafka: UnifiedLog.logDeleteDirName). */
export function deletedDirName(tp: TopicPartition): string {
  const uuid = randomUUID().replace(/-/g, '');
  // Kafka shortens the topic so the name stays within 255 characters.
  const suffix = `-${tp.partition}.${uuid}${DELETE_DIR_SUFFIX}`;
  return tp.topic.slice(0, Math.max(0, 255 - suffix.length)) + suffix;
}

/** Parses a live log's directory name; null for anything else (deleted, future, stray, files). */
export function parsePartitionDirName(name: string): TopicPartition | null {
  if (name.endsWith(DELETE_DIR_SUFFIX) || name.endsWith(FUTURE_DIR_SUFFIX) || name.endsWith(STRAY_DIR_SUFFIX)) {
    return null;
  }
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return null;
  const topic = name.slice(0, dash);
  const p = name.slice(dash + 1);
  if (!/^\d{1,10}$/.test(p)) return null;
  const partition = Number(p);
  if (partition > 0x7fffffff || !isLegalTopicName(topic)) return null;
  return { topic, partition };
}

export const isDeletedDirName = (name: string): boolean => name.endsWith(DELETE_DIR_SUFFIX);
