/**
 * Topic-name rules the admin and metadata handlers share, after Kafka's `Topic` class:
 * legal characters `[a-zA-Z0-9._-]`, at most 249 characters, not empty, not '.' or '..';
 * the internal topics; and the '.'/'_' collision rule (the two characters are the same in
 * metric names, so Kafka refuses a topic whose name differs from an existing one only there).
 */

export const GROUP_METADATA_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';
export const SHARE_GROUP_STATE_TOPIC = '__share_group_state';
/** The KRaft metadata log's name; never a real topic, and CreateTopics refuses it. */
export const CLUSTER_METADATA_TOPIC = '__cluster_metadata';

const INTERNAL_TOPICS: ReadonlySet<string> = new Set([GROUP_METADATA_TOPIC, TRANSACTION_STATE_TOPIC, SHARE_GROUP_STATE_TOPIC]);

export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Why `name` is not a legal topic name, or null when it is. */
export function invalidTopicNameReason(name: string): string | null {
  if (name.length === 0) return 'a topic name cannot be empty';
  if (name === '.' || name === '..') return `'${name}' is not allowed as a topic name`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `the name is ${name.length} characters long; at most ${MAX_TOPIC_NAME_LENGTH} are allowed`;
  if (!LEGAL.test(name)) return `'${name}' has characters other than ASCII letters, digits, '.', '_' and '-'`;
  return null;
}

/** The INVALID_TOPIC_EXCEPTION message for an illegal name, or null for a legal one. */
export function topicNameError(name: string): string | null {
  const reason = invalidTopicNameReason(name);
  return reason === null ? null : `Topic name is invalid: ${reason}`;
}

export function isValidTopicName(name: string): boolean {
  return invalidTopicNameReason(name) === null;
}

/** True for the broker's own topics (Kafka's Topic.isInternal), reported as internal in Metadata. */
export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

/** '.' and '_' collide in metric names; Kafka compares names with '.' replaced by '_'. */
export function unifyCollisionChars(name: string): string {
  return name.replace(/\./g, '_');
}

/** An existing topic `name` collides with (differs only by '.' vs '_'), if any. */
export function collidingTopic(name: string, existing: Iterable<string>): string | undefined {
  if (!name.includes('.') && !name.includes('_')) return undefined;
  const unified = unifyCollisionChars(name);
  for (const other of existing) {
    if (other !== name && unifyCollisionChars(other) === unified) return other;
  }
  return undefined;
}
