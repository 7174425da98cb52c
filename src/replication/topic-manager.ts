/**
 * Topic lifecycle on a single node: the metadata store is the source of truth, and every change
 * to it is followed by the partition logs it implies (created, deleted, reconfigured) before the
 * caller is answered. At start-up, logs are created for any partition the metadata knows but
 * the log dirs lack (e.g. a crash between the two steps).
 */
import { BrokerConfig, resolveTopicConfig } from '../config';
import type { MetadataStore, NewTopic, TopicInfo } from '../cluster/metadata-store';
import { LOG_CONFIG_KEYS, LogConfig, parseLogConfig } from '../log/log-config';
import type { LogManager } from '../log/log-manager';
import type { Logger } from '../util/logger';

export class TopicManager {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly logs: LogManager,
    private readonly config: () => BrokerConfig,
    private readonly log: Logger,
  ) {}

  /** The effective log config of a topic: broker defaults plus the topic's overrides. */
  logConfigFor(topic: Pick<TopicInfo, 'configs'>): LogConfig {
    const effective = resolveTopicConfig(this.config(), topic.configs);
    const values: Record<string, unknown> = {};
    for (const key of LOG_CONFIG_KEYS) {
      const v = effective.getByName(key);
      if (v !== undefined && v !== null) values[key] = Array.isArray(v) ? v.join(',') : v;
    }
    values['segment.ms'] = effective.maxSegmentMs;
    values['segment.bytes'] = effective.segmentSize;
    return parseLogConfig(values);
  }

  /** Opens (or creates) the logs of every partition in the metadata. */
  async startup(): Promise<void> {
    for (const topic of this.metadata.topics()) await this.ensureLogs(topic, 0);
  }

  async createTopic(t: NewTopic): Promise<TopicInfo> {
    const topic = await this.metadata.createTopic(t);
    await this.ensureLogs(topic, 0);
    this.log.info({ topic: topic.name, topicId: topic.topicId, partitions: topic.partitions.length }, 'topic created');
    return topic;
  }

  async deleteTopic(name: string): Promise<TopicInfo> {
    const topic = await this.metadata.deleteTopic(name);
    for (const p of topic.partitions) await this.logs.deleteLog({ topic: name, partition: p.partition });
    this.log.info({ topic: name, topicId: topic.topicId }, 'topic deleted');
    return topic;
  }

  async createPartitions(name: string, totalCount: number, assignments?: number[][]): Promise<TopicInfo> {
    const before = this.metadata.topic(name)?.partitions.length ?? 0;
    const topic = await this.metadata.createPartitions(name, totalCount, assignments);
    await this.ensureLogs(topic, before);
    this.log.info({ topic: name, from: before, to: totalCount }, 'partitions created');
    return topic;
  }

  async setTopicConfigs(name: string, configs: Record<string, string>): Promise<TopicInfo> {
    const topic = await this.metadata.setTopicConfigs(name, configs);
    this.logs.updateTopicConfig(name, this.logConfigFor(topic));
    return topic;
  }

  /** Re-applies every topic's effective config, after a dynamic broker default changed. */
  reapplyConfigs(): void {
    for (const topic of this.metadata.topics()) this.logs.updateTopicConfig(topic.name, this.logConfigFor(topic));
  }

  private async ensureLogs(topic: TopicInfo, fromPartition: number): Promise<void> {
    const config = this.logConfigFor(topic);
    for (const p of topic.partitions) {
      if (p.partition < fromPartition) continue;
      await this.logs.getOrCreateLog({ topic: topic.name, partition: p.partition }, { topicId: topic.topicId, config });
    }
  }
}
