/** Committed offsets by group, topic and partition (Kafka's OffsetMetadataManager.Offsets). */
import type { OffsetAndMetadata } from './records';

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, Map<number, OffsetAndMetadata>>>();

  get(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.byGroup.get(groupId)?.get(topic)?.get(partition);
  }

  /** Returns the previous value. */
  put(groupId: string, topic: string, partition: number, o: OffsetAndMetadata): OffsetAndMetadata | undefined {
    let topics = this.byGroup.get(groupId);
    if (!topics) this.byGroup.set(groupId, (topics = new Map()));
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = new Map()));
    const prev = partitions.get(partition);
    partitions.set(partition, o);
    return prev;
  }

  /** Returns the removed value; empty topic and group maps are dropped. */
  remove(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    const topics = this.byGroup.get(groupId);
    const partitions = topics?.get(topic);
    if (!topics || !partitions) return undefined;
    const prev = partitions.get(partition);
    partitions.delete(partition);
    if (partitions.size === 0) topics.delete(topic);
    if (topics.size === 0) this.byGroup.delete(groupId);
    return prev;
  }

  /** The group's offsets by topic, or undefined when it has none. */
  group(groupId: string): ReadonlyMap<string, ReadonlyMap<number, OffsetAndMetadata>> | undefined {
    return this.byGroup.get(groupId);
  }

  groupIds(): string[] {
    return [...this.byGroup.keys()];
  }

  hasGroup(groupId: string): boolean {
    return this.byGroup.has(groupId);
  }

  /** Every (group, topic, partition) whose topic is `topic`. */
  *entriesOfTopic(topic: string): Generator<{ groupId: string; partition: number }> {
    for (const [groupId, topics] of this.byGroup) {
      const partitions = topics.get(topic);
      if (partitions) for (const partition of partitions.keys()) yield { groupId, partition };
    }
  }

  get size(): number {
    let n = 0;
    for (const topics of this.byGroup.values()) for (const p of topics.values()) n += p.size;
    return n;
  }
}
