/**
 * Broker keys for replication and leadership, after Kafka 4.4's `ReplicationConfigs` and
 * `KRaftConfigs`. Used by the cluster mode; a single node reads only a few of them.
 */
import { atLeast } from '../validators';
import { key } from './define';

export const REPLICATION_KEYS = [
  key({
    name: 'default.replication.factor', type: 'INT', default: 1, importance: 'MEDIUM',
    doc: 'Replication factor of topics created without one (including auto-created topics).',
  }),
  key({
    name: 'replica.lag.time.max.ms', type: 'LONG', default: 30000, importance: 'HIGH',
    doc: 'A follower that has not caught up to the leader within this time is removed from the ISR.',
  }),
  key({
    name: 'replica.fetch.max.bytes', type: 'INT', default: 1048576, importance: 'MEDIUM', validator: atLeast(0),
    doc: 'Bytes a follower asks for per partition in each fetch.',
  }),
  key({
    name: 'replica.fetch.response.max.bytes', type: 'INT', default: 10485760, importance: 'MEDIUM', validator: atLeast(0),
    doc: 'Bytes a follower asks for in a whole fetch response.',
  }),
  key({
    name: 'replica.fetch.wait.max.ms', type: 'INT', default: 500, importance: 'HIGH',
    doc: 'Longest wait of a follower fetch; at most replica.lag.time.max.ms and replica.socket.timeout.ms.',
  }),
  key({
    name: 'replica.fetch.min.bytes', type: 'INT', default: 1, importance: 'HIGH',
    doc: 'Bytes a follower fetch waits for before returning.',
  }),
  key({
    name: 'replica.fetch.backoff.ms', type: 'INT', default: 1000, importance: 'MEDIUM', validator: atLeast(0),
    doc: 'Pause after a failed follower fetch.',
  }),
  key({
    name: 'replica.socket.timeout.ms', type: 'INT', default: 30000, importance: 'HIGH',
    doc: 'Socket timeout of follower fetch connections.',
  }),
  key({
    name: 'replica.socket.receive.buffer.bytes', type: 'INT', default: 65536, importance: 'HIGH',
    doc: 'SO_RCVBUF of follower fetch connections.',
  }),
  key({
    name: 'replica.high.watermark.checkpoint.interval.ms', type: 'LONG', default: 5000, importance: 'HIGH',
    doc: 'How often high watermarks are checkpointed to disk.',
  }),
  key({
    name: 'num.replica.fetchers', type: 'INT', default: 1, importance: 'HIGH', validator: atLeast(1), dynamic: true,
    doc: 'Fetcher connections per source broker.',
  }),
  key({
    name: 'fetch.purgatory.purge.interval.requests', type: 'INT', default: 1000, importance: 'MEDIUM',
    doc: 'Kafka purgatory tuning. Accepted for compatibility.',
  }),
  key({
    name: 'producer.purgatory.purge.interval.requests', type: 'INT', default: 1000, importance: 'MEDIUM',
    doc: 'Kafka purgatory tuning. Accepted for compatibility.',
  }),
  key({
    name: 'delete.records.purgatory.purge.interval.requests', type: 'INT', default: 1, importance: 'MEDIUM',
    doc: 'Kafka purgatory tuning. Accepted for compatibility.',
  }),
  key({
    name: 'auto.leader.rebalance.enable', type: 'BOOLEAN', default: true, importance: 'HIGH',
    doc: 'Move leadership back to preferred replicas periodically. Accepted; a single node is always the leader.',
  }),
  key({
    name: 'leader.imbalance.check.interval.seconds', type: 'LONG', default: 300, importance: 'HIGH', validator: atLeast(1),
    doc: 'How often leader imbalance is checked.',
  }),
  key({
    name: 'controller.socket.timeout.ms', type: 'INT', default: 30000, importance: 'MEDIUM',
    doc: 'Socket timeout of controller-to-broker connections.',
  }),
  key({
    name: 'initial.broker.registration.timeout.ms', type: 'INT', default: 60000, importance: 'MEDIUM',
    doc: 'How long a starting broker waits to register with the controller.',
  }),
  key({
    name: 'broker.heartbeat.interval.ms', type: 'INT', default: 2000, importance: 'MEDIUM',
    doc: 'Interval of broker heartbeats to the controller.',
  }),
  key({
    name: 'broker.session.timeout.ms', type: 'INT', default: 9000, importance: 'MEDIUM',
    doc: 'A broker without heartbeats for this long is fenced.',
  }),
] as const;
