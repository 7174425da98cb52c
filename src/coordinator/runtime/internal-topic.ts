/**
 * The internal topic a coordinator keeps its state in (__consumer_offsets, __transaction_state):
 * created on first use when the caller allows it, and every partition loaded into the runtime.
 * Concurrent callers share one attempt. Kafka: the group and transaction coordinators create
 * their topic through auto-creation (FindCoordinator) and load partitions on election.
 */
import type { MetadataStore, NewTopic, TopicInfo } from '../../cluster/metadata-store';
import { CoordinatorNotAvailableError } from '../../protocol/kafka-errors';
import type { Logger } from '../../util/logger';

export interface InternalTopicSpec {
  numPartitions: number;
  replicationFactor: number;
  /** The broker setting that gives the replication factor, for messages. */
  replicationFactorKey: string;
  configs: Record<string, string>;
}

export interface InternalTopicDeps {
  name: string;
  /** What is unavailable without the topic ("groups", "transactions"), for messages. */
  serves: string;
  metadata: MetadataStore;
  topics: { createTopic(t: NewTopic): Promise<TopicInfo> };
  runtime: { isLoaded(partition: number): boolean; load(partition: number): Promise<void> };
  /** Read when the topic is created (configuration may change at run time). */
  spec: () => InternalTopicSpec;
  log: Logger;
}

export class InternalTopic {
  private ensuring: Promise<void> | null = null;

  constructor(private readonly d: InternalTopicDeps) {}

  /**
   * Resolves once every partition of the topic is loaded; creates the topic first when it does
   * not exist and `create` is set (without it, a missing topic resolves at once). Throws
   * CoordinatorNotAvailableError when the topic cannot be created.
   */
  ensure(create: boolean): Promise<void> {
    const existing = this.d.metadata.topic(this.d.name);
    if (!existing && !create) return Promise.resolve();
    if (existing && existing.partitions.every((p) => this.d.runtime.isLoaded(p.partition))) return Promise.resolve();
    if (!this.ensuring) {
      this.ensuring = this.createAndLoad().finally(() => {
        this.ensuring = null;
      });
    }
    return this.ensuring;
  }

  /** Loads the partitions of the topic if it exists (start-up). */
  async loadExisting(): Promise<void> {
    const topic = this.d.metadata.topic(this.d.name);
    if (topic) await this.loadAll(topic);
  }

  private async createAndLoad(): Promise<void> {
    const { name, metadata, log } = this.d;
    let topic = metadata.topic(name);
    if (!topic) {
      const spec = this.d.spec();
      const brokers = metadata.brokers().length;
      if (spec.replicationFactor > brokers) {
        // Kafka's topic creation fails the same way (INVALID_REPLICATION_FACTOR) until enough brokers exist.
        log.warn({ replicationFactor: spec.replicationFactor, brokers }, `cannot create ${name}: ${spec.replicationFactorKey} exceeds the live brokers`);
        throw new CoordinatorNotAvailableError(`${spec.replicationFactorKey} ${spec.replicationFactor} is larger than the ${brokers} live broker(s)`);
      }
      try {
        topic = await this.d.topics.createTopic({
          name,
          numPartitions: spec.numPartitions,
          replicationFactor: spec.replicationFactor,
          configs: spec.configs,
          internal: true,
        });
        log.info({ partitions: topic.partitions.length }, `created ${name}`);
      } catch (e) {
        // Another request (e.g. Metadata auto-creation) may have created it meanwhile.
        topic = metadata.topic(name);
        if (!topic) {
          log.warn({ err: e }, `cannot create ${name}; ${this.d.serves} are unavailable`);
          throw new CoordinatorNotAvailableError(`cannot create ${name}: ${(e as Error).message}`);
        }
      }
    }
    await this.loadAll(topic);
  }

  private async loadAll(topic: TopicInfo): Promise<void> {
    for (const p of topic.partitions) {
      if (this.d.runtime.isLoaded(p.partition)) continue;
      try {
        await this.d.runtime.load(p.partition);
      } catch (e) {
        this.d.log.warn({ err: e, partition: p.partition }, `${this.d.name} partition ${p.partition} could not be loaded yet`);
      }
    }
  }
}
