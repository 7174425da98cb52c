/**
 * The partitions this broker leads (Kafka's ReplicaManager, leader side, single node): looked up
 * by topic name or topic id, created lazily from the metadata and the log manager, and kept in
 * step with metadata changes (a deleted or recreated topic drops its states and wakes the
 * fetches waiting on them; config changes invalidate the cached append settings).
 *
 * Lookup errors follow Kafka's getPartitionOrException: a topic or partition the metadata does
 * not know → UNKNOWN_TOPIC_OR_PARTITION; known but not led (or not hosted) here →
 * NOT_LEADER_OR_FOLLOWER.
 */
import type { BrokerConfig } from '../config';
import type { MetadataChange, MetadataStore, PartitionInfo, TopicInfo } from '../cluster/metadata-store';
import type { LogManager } from '../log/log-manager';
import type { Clock } from '../util/clock';
import { logger as componentLogger, type Logger } from '../util/logger';
import { AppendConfig, resolveAppendConfig } from './append-config';
import { FetchPurgatory } from './delayed-fetch';
import { NotLeaderOrFollowerError, UnknownTopicOrPartitionError } from './errors';
import { logTransactionStateView, PartitionState, type TransactionStateView } from './partition';
import type { TransactionVerifier } from './txn-verification';

export interface PartitionManagerOptions {
  nodeId: number;
  metadata: MetadataStore;
  logs: LogManager;
  config: () => BrokerConfig;
  clock: Clock;
  /** Open/aborted transactions of a partition; default: from the partition's log (logTransactionStateView). */
  transactions?: TransactionStateView;
  logger?: Logger;
}

export class PartitionManager {
  readonly purgatory: FetchPurgatory;
  /** The transaction coordinator, for KIP-890 verification of transactional produces (set by the broker). */
  transactionVerifier: TransactionVerifier | undefined;
  readonly nodeId: number;
  readonly metadata: MetadataStore;
  readonly clock: Clock;
  private readonly states = new Map<string, PartitionState>();
  private readonly appendConfigs = new Map<string, AppendConfig>();
  private readonly log: Logger;

  constructor(private readonly opts: PartitionManagerOptions) {
    this.nodeId = opts.nodeId;
    this.metadata = opts.metadata;
    this.clock = opts.clock;
    this.purgatory = new FetchPurgatory(opts.clock);
    this.log = opts.logger ?? componentLogger('partitions');
    opts.metadata.onChange((c) => this.onMetadataChange(c));
  }

  config(): BrokerConfig {
    return this.opts.config();
  }

  topic(name: string): TopicInfo | undefined {
    return this.metadata.topic(name);
  }

  topicById(topicId: string): TopicInfo | undefined {
    return this.metadata.topicById(topicId);
  }

  /** The leader state of `topic`-`partition`; throws UNKNOWN_TOPIC_OR_PARTITION / NOT_LEADER_OR_FOLLOWER. */
  leaderPartition(topic: string, partition: number): PartitionState {
    const t = this.metadata.topic(topic);
    if (!t) throw new UnknownTopicOrPartitionError(`This server does not host this topic-partition: ${topic}-${partition}`);
    return this.leaderPartitionOf(t, partition);
  }

  leaderPartitionOf(t: TopicInfo, partition: number): PartitionState {
    const info = partitionInfo(t, partition);
    if (!info) throw new UnknownTopicOrPartitionError(`This server does not host this topic-partition: ${t.name}-${partition}`);
    const key = `${t.name}-${partition}`;
    const existing = this.states.get(key);
    if (info.leader !== this.nodeId) throw notLeader(key, info);
    if (existing && existing.topicId === t.topicId && existing.log.isOpen) {
      existing.refresh(info);
      return existing;
    }
    const log = this.opts.logs.getLog({ topic: t.name, partition });
    if (!log || !log.isOpen || (log.topicId !== null && log.topicId !== t.topicId)) {
      throw new NotLeaderOrFollowerError(`Partition ${key} is not hosted on broker ${this.nodeId}`);
    }
    const state = new PartitionState({ topic: t.name, partition }, t.topicId, log, info, () => this.appendConfigFor(t.name), this.opts.transactions ?? logTransactionStateView, t.internal);
    state.onHighWatermarkAdvance((p) => this.purgatory.checkAndComplete(p.key));
    this.states.set(key, state);
    if (existing) this.purgatory.checkAndComplete(key); // waiters on the replaced state end now
    return state;
  }

  /** The state a delayed fetch should compare against (no creation, no errors). */
  currentState(key: string): PartitionState | undefined {
    return this.states.get(key);
  }

  /** The topic's append settings, resolved from the effective config and cached until it changes. */
  appendConfigFor(topic: string): AppendConfig {
    let c = this.appendConfigs.get(topic);
    if (!c) {
      const t = this.metadata.topic(topic);
      c = resolveAppendConfig(this.opts.config(), t?.configs ?? {});
      this.appendConfigs.set(topic, c);
    }
    return c;
  }

  /** Answers every waiting fetch (broker shutdown). */
  shutdown(): void {
    this.purgatory.shutdown();
  }

  private onMetadataChange(c: MetadataChange): void {
    switch (c.kind) {
      case 'topic-deleted':
      case 'topic-created':
        this.appendConfigs.delete(c.topic.name);
        this.dropTopic(c.topic.name);
        break;
      case 'topic-configs-changed':
        this.appendConfigs.delete(c.topic.name);
        break;
      case 'broker-configs-changed':
        this.appendConfigs.clear();
        break;
      case 'partitions-created':
        break;
    }
  }

  /** Forgets a topic's states and wakes their waiters (Kafka's case C: partition gone). */
  private dropTopic(name: string): void {
    const prefix = `${name}-`;
    for (const [key, state] of [...this.states]) {
      if (state.topic !== name || !key.startsWith(prefix)) continue;
      this.states.delete(key);
      this.purgatory.checkAndComplete(key);
    }
    this.log.debug({ topic: name }, 'partition states dropped');
  }
}

export function partitionInfo(t: TopicInfo, partition: number): PartitionInfo | undefined {
  const direct = t.partitions[partition];
  if (direct && direct.partition === partition) return direct;
  return t.partitions.find((p) => p.partition === partition);
}

function notLeader(key: string, info: PartitionInfo): NotLeaderOrFollowerError {
  return new NotLeaderOrFollowerError(`Broker is not the leader of ${key} (leader ${info.leader}, epoch ${info.leaderEpoch})`);
}
