/**
 * What handlers may call: the services below server/ that a broker is composed of
 * (broker.ts builds them). Handlers stay thin: decode → check → one service call → response.
 */
import type { BrokerConfig } from '../config';
import type { MetadataStore, NewTopic, TopicInfo } from '../cluster/metadata-store';
import type { LogManager } from '../log/log-manager';
import type { PartitionManager } from '../replication/partition-manager';
import type { GroupCoordinatorService } from '../coordinator/group/group-coordinator-service';
import type { TransactionCoordinatorService } from '../coordinator/txn/txn-coordinator-service';
import type { TxnMarkerWriter } from '../coordinator/txn/marker-writer';
import type { Clock } from '../util/clock';

/** Topic lifecycle: metadata changes together with the partition logs they imply. */
export interface TopicLifecycle {
  createTopic(t: NewTopic): Promise<TopicInfo>;
  deleteTopic(name: string): Promise<TopicInfo>;
  createPartitions(name: string, totalCount: number, assignments?: number[][]): Promise<TopicInfo>;
  /** Replaces the topic's config overrides and applies them to its logs live. */
  setTopicConfigs(name: string, configs: Record<string, string>): Promise<TopicInfo>;
}

export interface BrokerServices {
  /** The effective broker config, dynamic overrides included (replaced when they change). */
  config(): BrokerConfig;
  readonly clock: Clock;
  readonly metadata: MetadataStore;
  readonly logs: LogManager;
  readonly topics: TopicLifecycle;
  /** The partitions this broker leads: produce, fetch and offset lookups. */
  readonly partitions: PartitionManager;
  /** Consumer groups: membership (classic protocol), committed offsets in __consumer_offsets. */
  readonly groups: GroupCoordinatorService;
  /** Producer ids and transactions: state in __transaction_state, markers to the partitions. */
  readonly transactions: TransactionCoordinatorService;
  /** Writes transaction markers to the partitions this broker leads (WriteTxnMarkers, the coordinator). */
  readonly txnMarkers: TxnMarkerWriter;
}
