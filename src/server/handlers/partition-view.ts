/**
 * How Metadata and DescribeTopicPartitions present brokers and partitions to a client, after
 * Kafka's KRaftMetadataCache: a client is told the endpoints of the listener its request came
 * in on; a broker without that listener is left out of the broker list, and a partition whose
 * leader lacks it has no usable leader (LEADER_NOT_AVAILABLE, or LISTENER_NOT_FOUND from
 * Metadata v6 so the misconfiguration can be diagnosed).
 */
import type { BrokerInfo, MetadataStore, PartitionInfo } from '../../cluster/metadata-store';
import type { BrokerServices } from '../services';
import { ErrorCode } from '../../protocol/error-codes';

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** The endpoint of `broker` for `listenerName`, if it has that listener. */
export function nodeFor(broker: BrokerInfo, listenerName: string): BrokerNode | undefined {
  const wanted = listenerName.toUpperCase();
  const e = broker.endpoints.find((x) => x.listenerName.toUpperCase() === wanted);
  return e ? { nodeId: broker.nodeId, host: e.host, port: e.port, rack: broker.rack } : undefined;
}

/** Live brokers reachable on `listenerName`, by node id. */
export function brokersOnListener(metadata: MetadataStore, listenerName: string): Map<number, BrokerNode> {
  const out = new Map<number, BrokerNode>();
  for (const b of [...metadata.brokers()].sort((x, y) => x.nodeId - y.nodeId)) {
    const node = nodeFor(b, listenerName);
    if (node) out.set(b.nodeId, node);
  }
  return out;
}

export interface PartitionViewOptions {
  /**
   * False while the partition cannot serve yet: this broker leads it but its log is still
   * being created (a topic seen between its metadata change and its logs). The client is then
   * told LEADER_NOT_AVAILABLE, a retriable error, instead of a leader that would refuse it.
   */
  leaderReady?: (p: PartitionInfo) => boolean;
  /** Metadata v0: leave out replicas without the listener and answer REPLICA_NOT_AVAILABLE. */
  filterUnavailableReplicas: boolean;
  /** Metadata v6+: LISTENER_NOT_FOUND (instead of LEADER_NOT_AVAILABLE) when only the listener is missing. */
  listenerNotFoundError: boolean;
}

export interface PartitionView {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

/**
 * One partition as a client sees it through `listenerName`. `registered` holds every broker
 * the cluster knows (with or without the listener); `reachable` those with the listener.
 */
export function partitionView(
  p: PartitionInfo,
  registered: ReadonlySet<number>,
  reachable: ReadonlyMap<number, BrokerNode>,
  opts: PartitionViewOptions,
): PartitionView {
  const filter = (ids: readonly number[]): number[] => (opts.filterUnavailableReplicas ? ids.filter((id) => reachable.has(id)) : [...ids]);
  const replicaNodes = filter(p.replicas);
  const isrNodes = filter(p.isr);
  const offline = new Set(p.offlineReplicas);
  const offlineReplicas = p.replicas.filter((id) => offline.has(id) || !registered.has(id));
  const base = { partitionIndex: p.partition, leaderEpoch: p.leaderEpoch, replicaNodes, isrNodes, offlineReplicas };
  if (p.leader < 0 || !reachable.has(p.leader) || (opts.leaderReady && !opts.leaderReady(p))) {
    const onlyListenerMissing = p.leader >= 0 && registered.has(p.leader) && !reachable.has(p.leader);
    const errorCode = onlyListenerMissing && opts.listenerNotFoundError ? ErrorCode.LISTENER_NOT_FOUND : ErrorCode.LEADER_NOT_AVAILABLE;
    return { errorCode, leaderId: -1, ...base };
  }
  const missing = replicaNodes.length < p.replicas.length || isrNodes.length < p.isr.length;
  return { errorCode: missing ? ErrorCode.REPLICA_NOT_AVAILABLE : ErrorCode.NONE, leaderId: p.leader, ...base };
}

/** `leaderReady` for partitions of `topic`: a partition led here is ready once its log exists. */
export function localLeaderReady(services: BrokerServices, topic: string): (p: PartitionInfo) => boolean {
  const nodeId = services.config().nodeId;
  return (p) => p.leader !== nodeId || services.logs.getLog({ topic, partition: p.partition }) !== undefined;
}
