/**
 * The topic metadata a consumer group coordinator needs (Kafka's CoordinatorMetadataImage, topic
 * side): topics by name and id, partition counts, partition racks, and a version that grows
 * with topic changes. The version drives the refresh of regex subscriptions: Kafka resolves a
 * regex again once topics were created after its last resolution ("lastMetadataImageWithNewTopics").
 *
 * Versions here are milliseconds of the change (monotonic within a run), so versions persisted in
 * ConsumerGroupRegularExpression records stay comparable after a restart; Kafka uses the offset
 * of its metadata log instead.
 */
import type { MetadataChange, MetadataStore, TopicInfo } from '../../../cluster/metadata-store';
import type { Clock } from '../../../util/clock';

export interface TopicImage {
  readonly id: string;
  readonly name: string;
  readonly numPartitions: number;
  /** Racks of the replicas of `partition`, unsorted; empty when brokers have no rack. */
  partitionRacks(partition: number): string[];
}

export interface TopicsImage {
  topicByName(name: string): TopicImage | undefined;
  topicById(id: string): TopicImage | undefined;
  topicNames(): Iterable<string>;
  /** Grows with every topic change. */
  readonly version: bigint;
  /** Version of the last change that created a topic (0 if none yet). */
  readonly lastVersionWithNewTopics: bigint;
}

/** A TopicsImage read live from the cluster metadata. */
export class MetadataTopicsImage implements TopicsImage {
  private _version = 0n;
  private _lastWithNewTopics = 0n;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly clock: Clock,
  ) {}

  get version(): bigint {
    return this._version;
  }

  get lastVersionWithNewTopics(): bigint {
    return this._lastWithNewTopics;
  }

  /** Records a metadata change; returns true when it concerns topics. */
  onChange(c: MetadataChange): boolean {
    if (c.kind !== 'topic-created' && c.kind !== 'topic-deleted' && c.kind !== 'partitions-created') return false;
    const next = BigInt(this.clock.now());
    this._version = next > this._version ? next : this._version + 1n;
    if (c.kind === 'topic-created') this._lastWithNewTopics = this._version;
    return true;
  }

  topicByName(name: string): TopicImage | undefined {
    const t = this.metadata.topic(name);
    return t ? this.image(t) : undefined;
  }

  topicById(id: string): TopicImage | undefined {
    const t = this.metadata.topicById(id);
    return t ? this.image(t) : undefined;
  }

  topicNames(): string[] {
    return this.metadata.topics().map((t) => t.name);
  }

  private image(t: TopicInfo): TopicImage {
    const racks = new Map(this.metadata.brokers().map((b) => [b.nodeId, b.rack]));
    return {
      id: t.topicId,
      name: t.name,
      numPartitions: t.partitions.length,
      partitionRacks: (p) => {
        const info = t.partitions.find((x) => x.partition === p);
        if (!info) return [];
        const out: string[] = [];
        for (const r of info.replicas) {
          const rack = racks.get(r);
          if (rack) out.push(rack);
        }
        return out;
      },
    };
  }
}

/** A TopicsImage held in memory (tests, and shards created without cluster metadata). */
export class StaticTopicsImage implements TopicsImage {
  private readonly byName = new Map<string, TopicImage>();
  private _version = 0n;
  private _lastWithNewTopics = 0n;

  get version(): bigint {
    return this._version;
  }

  get lastVersionWithNewTopics(): bigint {
    return this._lastWithNewTopics;
  }

  /** Adds (or replaces) a topic; `racks[p]` lists the racks of partition p. */
  setTopic(name: string, id: string, numPartitions: number, racks: string[][] = []): void {
    const isNew = !this.byName.has(name);
    this.byName.set(name, { id, name, numPartitions, partitionRacks: (p) => [...(racks[p] ?? [])] });
    this._version++;
    if (isNew) this._lastWithNewTopics = this._version;
  }

  deleteTopic(name: string): void {
    this.byName.delete(name);
    this._version++;
  }

  topicByName(name: string): TopicImage | undefined {
    return this.byName.get(name);
  }

  topicById(id: string): TopicImage | undefined {
    for (const t of this.byName.values()) if (t.id === id) return t;
    return undefined;
  }

  topicNames(): string[] {
    return [...this.byName.keys()];
  }
}
