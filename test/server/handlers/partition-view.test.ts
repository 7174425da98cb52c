import type { PartitionInfo } from '../../../src/cluster/metadata-store';
import { ErrorCode } from '../../../src/protocol/error-codes';
import { partitionView, type BrokerNode } from '../../../src/server/handlers/partition-view';

const p = (over: Partial<PartitionInfo> = {}): PartitionInfo => ({ partition: 0, leader: 1, leaderEpoch: 3, replicas: [1, 2], isr: [1, 2], offlineReplicas: [], ...over });
const node = (nodeId: number): BrokerNode => ({ nodeId, host: 'h', port: 1, rack: null });
const opts = { filterUnavailableReplicas: false, listenerNotFoundError: true };

describe('partitionView', () => {
  const registered = new Set([1, 2]);
  const both = new Map([1, 2].map((id) => [id, node(id)]));

  it('shows leader, epoch, replicas and ISR of a healthy partition', () => {
    expect(partitionView(p(), registered, both, opts)).toEqual({
      errorCode: 0,
      partitionIndex: 0,
      leaderId: 1,
      leaderEpoch: 3,
      replicaNodes: [1, 2],
      isrNodes: [1, 2],
      offlineReplicas: [],
    });
  });

  it('reports LISTENER_NOT_FOUND (v6+) or LEADER_NOT_AVAILABLE when the leader lacks the listener', () => {
    const only2 = new Map([[2, node(2)]]);
    expect(partitionView(p(), registered, only2, opts)).toMatchObject({ errorCode: ErrorCode.LISTENER_NOT_FOUND, leaderId: -1 });
    expect(partitionView(p(), registered, only2, { ...opts, listenerNotFoundError: false }).errorCode).toBe(ErrorCode.LEADER_NOT_AVAILABLE);
  });

  it('reports LEADER_NOT_AVAILABLE for a leader that is not registered, and lists unregistered replicas offline', () => {
    const v = partitionView(p({ leader: 5, replicas: [5, 1] }), registered, both, opts);
    expect(v).toMatchObject({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE, leaderId: -1, offlineReplicas: [5] });
  });

  it('filters unreachable replicas with REPLICA_NOT_AVAILABLE when asked (Metadata v0)', () => {
    const only1 = new Map([[1, node(1)]]);
    const v = partitionView(p(), registered, only1, { ...opts, filterUnavailableReplicas: true });
    expect(v).toMatchObject({ errorCode: ErrorCode.REPLICA_NOT_AVAILABLE, leaderId: 1, replicaNodes: [1], isrNodes: [1] });
  });

  it('reports LEADER_NOT_AVAILABLE while the leader is not ready', () => {
    expect(partitionView(p(), registered, both, { ...opts, leaderReady: () => false })).toMatchObject({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE, leaderId: -1 });
  });
});
