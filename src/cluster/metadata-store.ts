/**
 * Cluster metadata as the handlers see it: brokers, topics, topic ids, partitions and their
 * leaders, topic config overrides. Single-node mode keeps it in a local file
 * (local-metadata-store.ts); a replicated cluster implements the same interface on a
 * coordination service, so handlers do not change.
 */

export interface BrokerEndpoint {
  /** Upper-cased listener name; clients are told the endpoint of the listener they came in on. */
  listenerName: string;
  host: string;
  port: number;
  securityProtocol: string;
}

export interface BrokerInfo {
  nodeId: number;
  rack: string | null;
  endpoints: BrokerEndpoint[];
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicInfo {
  name: string;
  /** Kafka topic id, 22-character base64url (the form Kafka prints). */
  topicId: string;
  internal: boolean;
  partitions: PartitionInfo[];
  /** Topic-level config overrides (Kafka property names), not the effective config. */
  configs: Record<string, string>;
}

export interface NewTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  /** Explicit replica assignment per partition (partition i → broker ids), if given. */
  assignments?: number[][];
  configs: Record<string, string>;
  internal?: boolean;
}

export interface MetadataStore {
  readonly clusterId: string;
  readonly controllerId: number;
  brokers(): BrokerInfo[];
  topics(): TopicInfo[];
  topic(name: string): TopicInfo | undefined;
  topicById(topicId: string): TopicInfo | undefined;
  createTopic(t: NewTopic): Promise<TopicInfo>;
  deleteTopic(name: string): Promise<TopicInfo>;
  /** Grows the topic to `totalCount` partitions. */
  createPartitions(name: string, totalCount: number, assignments?: number[][]): Promise<TopicInfo>;
  /** Replaces the topic's config overrides as a whole. */
  setTopicConfigs(name: string, configs: Record<string, string>): Promise<TopicInfo>;
  /** Dynamic broker config overrides (AlterConfigs on a BROKER resource), cluster-wide or for this node. */
  dynamicBrokerConfigs(scope: 'cluster' | 'node'): Record<string, string>;
  setDynamicBrokerConfigs(scope: 'cluster' | 'node', configs: Record<string, string>): Promise<void>;
  /** Listener called after every change, with the topic concerned. */
  onChange(listener: (change: MetadataChange) => void): void;
}

export type MetadataChange =
  | { kind: 'topic-created'; topic: TopicInfo }
  | { kind: 'topic-deleted'; topic: TopicInfo }
  | { kind: 'partitions-created'; topic: TopicInfo; previousCount: number }
  | { kind: 'topic-configs-changed'; topic: TopicInfo }
  | { kind: 'broker-configs-changed'; scope: 'cluster' | 'node' };
