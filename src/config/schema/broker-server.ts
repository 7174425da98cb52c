/**
 * Broker keys for identity, roles, listeners, sockets and request limits.
 * Names, types, defaults, importance, validators and dynamic flags follow Kafka 4.4's
 * `ServerConfigs`, `SocketServerConfigs`, `KRaftConfigs`, `QuorumConfig` and
 * `DynamicBrokerConfig`; docs are our own. List keys use Kafka's KIP-1161 rules (no repeated
 * or empty items).
 */
import { atLeast, custom, oneOf, validList } from '../validators';
import { key } from './define';

const THREADS_NOTE = 'accepted for compatibility; Node.js serves requests on one event loop, so this has no effect';

/** Kafka's cluster ids are 16-byte UUIDs in unpadded base64url: 22 characters. */
const CLUSTER_ID = /^[A-Za-z0-9_-]{22}$/;

/** Each item must match `pattern` (Kafka's quorum validators allow an empty list and repeats). */
function eachItem(pattern: RegExp, form: string): ReturnType<typeof custom> {
  return custom(`each item ${form}`, (v) => {
    const bad = (v as readonly string[]).find((item) => !pattern.test(item));
    return bad === undefined ? undefined : `'${bad}' is not of the form ${form}`;
  });
}

export const SERVER_KEYS = [
  // ---- identity and roles
  key({
    // Kafka: no default, so a missing node.id fails start-up (broker.id stands in for it).
    name: 'node.id', type: 'INT', default: null, importance: 'HIGH',
    doc: 'Id of this node in the cluster. Required (or broker.id); when only one of node.id and broker.id is set, the other takes its value.',
    validator: atLeast(0),
  }),
  key({
    name: 'broker.id', type: 'INT', default: -1, importance: 'HIGH',
    doc: 'Older name of node.id; if both are set they must be equal.',
  }),
  key({
    // Kafka 3.x defaults to "" (ZooKeeper mode) and 4.x has no default. This broker has no
    // ZooKeeper mode and is always its own controller in single-node mode, so the default is both roles.
    name: 'process.roles', type: 'LIST', default: ['broker', 'controller'], importance: 'HIGH',
    doc: "Roles this process plays: 'broker', 'controller' or both. This broker always needs the broker role; in single-node mode it is also its own controller.",
    validator: validList({ allowed: ['broker', 'controller'], emptyAllowed: false }),
  }),
  key({
    // Ours: Kafka's broker has no such key (its cluster id lives in meta.properties).
    name: 'cluster.id', type: 'STRING', default: null, importance: 'HIGH', describedOnlyWhenSet: true,
    doc: 'Cluster id (22-character base64url UUID, as kafka-storage.sh random-uuid prints). Ours: Kafka keeps it in meta.properties. When unset, one is generated on first start and kept in the data directory.',
    validator: custom('22-character base64url UUID', (v) =>
      typeof v === 'string' && CLUSTER_ID.test(v) ? undefined : 'value must be a 22-character base64url UUID (e.g. from kafka-storage.sh random-uuid)'),
  }),
  key({
    name: 'broker.rack', type: 'STRING', default: null, importance: 'MEDIUM',
    doc: 'Rack (or availability zone) of this broker, used to spread replicas.',
  }),
  key({
    // Kafka 4.x requires it (no default); a single node here is its own controller without one.
    name: 'controller.listener.names', type: 'LIST', default: null, importance: 'HIGH',
    validator: validList({ emptyAllowed: false }),
    doc: 'Comma-separated names of listeners used by the KRaft controller. Accepted so Kafka KRaft configs load; such listeners are not advertised to clients.',
  }),
  key({
    name: 'controller.quorum.voters', type: 'LIST', default: [], importance: 'HIGH',
    validator: eachItem(/^\d+@\S+:\d+$/, '{id}@{host}:{port}'),
    doc: 'KRaft voter set (id@host:port,...). Accepted for compatibility; this broker coordinates a cluster through its metadata store instead.',
  }),
  key({
    name: 'controller.quorum.bootstrap.servers', type: 'LIST', default: [], importance: 'HIGH',
    validator: eachItem(/^\S+:\d+$/, '{host}:{port}'),
    doc: 'KRaft controller bootstrap addresses. Accepted for compatibility; not used.',
  }),
  key({
    name: 'metadata.log.dir', type: 'STRING', default: null, importance: 'HIGH',
    doc: 'Directory for cluster metadata; defaults to the first log directory.',
  }),
  // ---- listeners
  key({
    name: 'listeners', type: 'LIST', default: ['PLAINTEXT://:9092'], importance: 'HIGH', dynamic: true, validator: validList({ emptyAllowed: false }),
    doc: 'Comma-separated NAME://host:port endpoints to listen on. An empty host binds all interfaces, [::1] is an IPv6 literal, port 0 picks a free port. Names and ports must be unique (the same port may serve one IPv4 and one IPv6 address).',
  }),
  key({
    // Not dynamic in Kafka 4.x (it was per-broker dynamic in ZooKeeper mode).
    name: 'advertised.listeners', type: 'LIST', default: null, importance: 'HIGH', validator: validList({ emptyAllowed: false }),
    doc: 'Endpoints given to clients in metadata, when they differ from listeners (e.g. behind NAT). Each name must also appear in listeners; 0.0.0.0 is not allowed. Defaults to listeners.',
  }),
  key({
    name: 'listener.security.protocol.map', type: 'STRING', importance: 'LOW', dynamic: true,
    // The order Kafka's default text has (it is built from a map).
    default: 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
    doc: 'NAME:PROTOCOL pairs giving the security protocol of each listener name; needed for any listener not named after a protocol.',
  }),
  key({
    name: 'inter.broker.listener.name', type: 'STRING', default: null, importance: 'MEDIUM',
    doc: 'Listener used between brokers; must be an advertised listener. Defaults to the listener named after security.inter.broker.protocol.',
  }),
  key({
    name: 'early.start.listeners', type: 'LIST', default: null, importance: 'HIGH', validator: validList({ emptyAllowed: true }),
    doc: 'Listener names that may start before authorization is ready. Accepted for compatibility.',
  }),
  // ---- sockets and request limits
  key({
    name: 'socket.send.buffer.bytes', type: 'INT', default: 102400, importance: 'HIGH',
    doc: 'SO_SNDBUF of accepted sockets; -1 keeps the OS default.',
  }),
  key({
    name: 'socket.receive.buffer.bytes', type: 'INT', default: 102400, importance: 'HIGH',
    doc: 'SO_RCVBUF of accepted sockets; -1 keeps the OS default.',
  }),
  key({
    name: 'socket.request.max.bytes', type: 'INT', default: 104857600, importance: 'HIGH', validator: atLeast(1),
    doc: 'Largest request frame accepted; a bigger size prefix closes the connection.',
  }),
  key({
    name: 'socket.listen.backlog.size', type: 'INT', default: 50, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Pending-connection backlog of each listening socket.',
  }),
  key({
    name: 'connections.max.idle.ms', type: 'LONG', default: 600000, importance: 'MEDIUM',
    doc: 'Connections idle for longer than this are closed.',
  }),
  key({
    name: 'connection.failed.authentication.delay.ms', type: 'INT', default: 100, importance: 'LOW', validator: atLeast(0),
    doc: 'Delay before closing a connection whose authentication failed; must be below connections.max.idle.ms.',
  }),
  key({
    name: 'max.connections', type: 'INT', default: 2147483647, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: 'Most connections the broker accepts at once.',
  }),
  key({
    name: 'max.connections.per.ip', type: 'INT', default: 2147483647, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: 'Most connections accepted from one IP address; 0 is allowed only with per-IP overrides.',
  }),
  key({
    name: 'max.connections.per.ip.overrides', type: 'STRING', default: '', importance: 'MEDIUM', dynamic: true,
    doc: 'Per-host or per-IP connection limits, as host:count pairs separated by commas.',
  }),
  key({
    name: 'max.connection.creation.rate', type: 'INT', default: 2147483647, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: 'Most new connections accepted per second.',
  }),
  key({
    name: 'queued.max.requests', type: 'INT', default: 500, importance: 'HIGH', validator: atLeast(1),
    doc: 'Requests that may wait for processing before the broker stops reading from connections.',
  }),
  key({
    name: 'queued.max.request.bytes', type: 'LONG', default: -1, importance: 'MEDIUM',
    doc: 'Bytes of queued requests allowed before reading pauses; -1 for no limit. When set, must be at least socket.request.max.bytes.',
  }),
  key({
    name: 'message.max.bytes', type: 'INT', default: 1048588, importance: 'HIGH', validator: atLeast(0), dynamic: true,
    doc: 'Largest record batch (after compression) the broker accepts; default for the topic-level max.message.bytes.',
  }),
  key({
    name: 'fetch.max.bytes', type: 'INT', default: 57671680, importance: 'MEDIUM', validator: atLeast(1024),
    doc: 'Most bytes returned by one fetch response.',
  }),
  key({
    name: 'max.incremental.fetch.session.cache.slots', type: 'INT', default: 1000, importance: 'MEDIUM', validator: atLeast(0),
    doc: 'Most incremental fetch sessions (KIP-227) kept at once.',
  }),
  key({
    name: 'max.request.partition.size.limit', type: 'INT', default: 2000, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Most partitions served in one request.',
  }),
  key({
    name: 'request.timeout.ms', type: 'INT', default: 30000, importance: 'HIGH',
    doc: 'Time the broker waits for replies to its own requests (e.g. between brokers).',
  }),
  key({
    name: 'delete.topic.enable', type: 'BOOLEAN', default: true, importance: 'HIGH',
    doc: 'Whether topics may be deleted; when false, DeleteTopics is refused.',
  }),
  key({
    name: 'auto.create.topics.enable', type: 'BOOLEAN', default: true, importance: 'HIGH',
    doc: 'Create a topic with default settings when a client asks for metadata of, or produces to, an unknown topic.',
  }),
  key({
    name: 'controlled.shutdown.enable', type: 'BOOLEAN', default: true, importance: 'MEDIUM',
    doc: 'Move partition leadership away before shutting down.',
  }),
  // ---- threads: accepted, not acted on
  key({
    name: 'num.network.threads', type: 'INT', default: 3, importance: 'HIGH', validator: atLeast(1), dynamic: true,
    doc: 'Network threads per listener in Kafka.', ignoredNote: THREADS_NOTE,
  }),
  key({
    name: 'num.io.threads', type: 'INT', default: 8, importance: 'HIGH', validator: atLeast(1), dynamic: true,
    doc: 'Request handler threads in Kafka.', ignoredNote: THREADS_NOTE,
  }),
  key({
    name: 'background.threads', type: 'INT', default: 10, importance: 'HIGH', validator: atLeast(1), dynamic: true,
    doc: 'Background task threads in Kafka.', ignoredNote: THREADS_NOTE,
  }),
  key({
    name: 'num.replica.alter.log.dirs.threads', type: 'INT', default: null, importance: 'HIGH',
    doc: 'Threads moving replicas between log directories in Kafka.', ignoredNote: THREADS_NOTE,
  }),
  key({
    name: 'compression.type', type: 'STRING', default: 'producer', importance: 'HIGH', dynamic: true,
    validator: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
    doc: "Final compression of stored batches: a codec, 'uncompressed', or 'producer' to keep what the producer sent. Default for the topic-level compression.type.",
  }),
] as const;
