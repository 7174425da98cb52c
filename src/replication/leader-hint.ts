/**
 * KIP-951 leader hints: with NOT_LEADER_OR_FOLLOWER (Produce v10+) or NOT_LEADER_OR_FOLLOWER /
 * FENCED_LEADER_EPOCH (Fetch v16+), Kafka names the current leader and epoch of the partition
 * and the leader's endpoint on the listener the request came in on (KafkaApis.getCurrentLeader).
 * When the leader is this broker, Kafka 4.4 sends no endpoint (the client has it already).
 */
import type { MetadataStore } from '../cluster/metadata-store';
import { partitionInfo } from './partition-manager';

export interface LeaderHint {
  leaderId: number;
  leaderEpoch: number;
  node: { nodeId: number; host: string; port: number; rack: string | null } | null;
}

export function leaderHint(metadata: MetadataStore, localNodeId: number, topic: string, partition: number, listenerName: string): LeaderHint {
  const t = metadata.topic(topic);
  const info = t ? partitionInfo(t, partition) : undefined;
  if (!info) return { leaderId: -1, leaderEpoch: -1, node: null };
  const broker = info.leader === localNodeId ? undefined : metadata.brokers().find((b) => b.nodeId === info.leader);
  const ep = broker?.endpoints.find((e) => e.listenerName.toUpperCase() === listenerName.toUpperCase());
  return {
    leaderId: info.leader,
    leaderEpoch: info.leaderEpoch,
    node: broker && ep ? { nodeId: broker.nodeId, host: ep.host, port: ep.port, rack: broker.rack } : null,
  };
}
