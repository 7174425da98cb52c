/**
 * The composition root: builds a broker from its config — log manager, metadata store, topic
 * lifecycle, handlers, network — and starts and stops it in the right order.
 *
 * Start: open metadata (cluster id, topics) → open logs (recovery if the last shutdown was
 * unclean) → create logs the metadata has but the dirs lack → register handlers → bind
 * listeners. Stop: stop accepting and let in-flight requests finish → flush and close logs,
 * writing checkpoints and the clean-shutdown marker.
 */
import * as os from 'node:os';
import { BrokerConfig, withDynamicConfigs } from '../config';
import { LocalMetadataStore } from '../cluster/local-metadata-store';
import type { BrokerEndpoint, BrokerInfo } from '../cluster/metadata-store';
import { nodeLogFs, type LogFs } from '../log/log-fs';
import { LogManager } from '../log/log-manager';
import { SocketServer, type BoundListener } from '../network';
import { PartitionManager } from '../replication/partition-manager';
import { TopicManager } from '../replication/topic-manager';
import { GroupCoordinatorService } from '../coordinator/group/group-coordinator-service';
import { FileProducerIdBlockStore, ProducerIdManager } from '../coordinator/txn/producer-id-manager';
import { LocalTxnMarkerWriter } from '../coordinator/txn/marker-writer';
import { TransactionCoordinatorService } from '../coordinator/txn/txn-coordinator-service';
import { joinPath } from '../log/log-fs';
import { systemClock, type Clock } from '../util/clock';
import { logger as componentLogger, type Logger } from '../util/logger';
import { HandlerRegistry } from './handler-registry';
import { registerHandlers } from './handlers';
import { RequestDispatcher } from './request-dispatcher';
import type { BrokerServices } from './services';

/** Where the producer id block high-water mark is kept (under the first log dir). */
const PRODUCER_ID_DIR = '__tributary_metadata';
const PRODUCER_ID_FILE = 'producer-id-block.json';

export interface BrokerOptions {
  config: BrokerConfig;
  clock?: Clock;
  fs?: LogFs;
  logger?: Logger;
}

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::']);

export class Broker {
  private constructor(
    readonly services: BrokerServices,
    private readonly server: SocketServer,
    private readonly logs: LogManager,
    readonly listeners: readonly BoundListener[],
    private readonly advertised: readonly BrokerEndpoint[],
    private readonly log: Logger,
  ) {}

  static async start(opts: BrokerOptions): Promise<Broker> {
    const started = performance.now();
    const clock = opts.clock ?? systemClock;
    const fs = opts.fs ?? nodeLogFs;
    const log = opts.logger ?? componentLogger('broker');
    let config = opts.config;
    const nodeId = config.nodeId;
    const logDirs = [...config.logDirs];

    // The advertised endpoints are known only once the listeners are bound (port 0).
    let advertised: BrokerEndpoint[] = [];
    const brokerInfo = (): BrokerInfo => ({ nodeId, rack: config.get('broker.rack') ?? null, endpoints: advertised });
    const configuredClusterId = config.get('cluster.id');
    const metadata = await LocalMetadataStore.open({ fs, logDirs, nodeId, broker: brokerInfo, clusterId: configuredClusterId ?? undefined });
    config = withDynamicConfigs(config, { dynamicDefault: metadata.dynamicBrokerConfigs('cluster'), dynamicBroker: metadata.dynamicBrokerConfigs('node') });

    let topics: TopicManager | undefined;
    const logs = new LogManager({
      logDirs,
      fs,
      clock,
      defaultConfig: undefined,
      configForTopic: (name) => {
        const t = metadata.topic(name);
        return t && topics ? topics.logConfigFor(t) : undefined;
      },
      retentionCheckIntervalMs: config.get('log.retention.check.interval.ms'),
      flushCheckIntervalMs: config.get('log.flush.scheduler.interval.ms'),
      recoveryPointCheckpointIntervalMs: config.get('log.flush.offset.checkpoint.interval.ms'),
      logStartOffsetCheckpointIntervalMs: config.get('log.flush.start.offset.checkpoint.interval.ms'),
      recoveryConcurrency: config.get('num.recovery.threads.per.data.dir'),
      directIo: config.get('log.direct.io.enable'),
      // Producer state per partition: idle producer ids expire; transactional batches must be
      // verified with the transaction coordinator when KIP-890 verification is on.
      producerState: {
        producerIdExpirationMs: config.get('producer.id.expiration.ms'),
        transactionVerificationEnabled: config.get('transaction.partition.verification.enable'),
        maxTransactionTimeoutMs: config.get('transaction.max.timeout.ms'),
      },
      producerIdExpirationCheckIntervalMs: config.get('producer.id.expiration.check.interval.ms'),
    });
    topics = new TopicManager(metadata, logs, () => config, componentLogger('topics'));
    await logs.startup();
    await topics.startup();

    // Producer ids are reserved in blocks whose high-water mark is kept next to the metadata.
    const producerIds = new ProducerIdManager(
      new FileProducerIdBlockStore(fs, joinPath(joinPath(logDirs[0]!, PRODUCER_ID_DIR), PRODUCER_ID_FILE)),
      componentLogger('producer-ids'),
    );
    await producerIds.startup();
    const txnMarkers = new LocalTxnMarkerWriter(() => services.partitions, componentLogger('txn-markers'));
    const services: BrokerServices = {
      config: () => config,
      clock,
      metadata,
      logs,
      topics,
      partitions: new PartitionManager({ nodeId, metadata, logs, config: () => config, clock, logger: componentLogger('partitions') }),
      groups: new GroupCoordinatorService({ config: () => config, clock, metadata, logs, topics }),
      txnMarkers,
      transactions: new TransactionCoordinatorService({ config: () => config, clock, metadata, logs, topics, producerIds, markers: txnMarkers }),
    };
    await services.groups.startup(); // replays __consumer_offsets, if it exists
    // The logs check verification guards by the setting they were opened with; verify by it too
    // (a change of transaction.partition.verification.enable applies after a restart).
    const verificationAtStart = config.get('transaction.partition.verification.enable');
    services.partitions.transactionVerifier = services.transactions.asVerifier(() => verificationAtStart);
    // Markers for __consumer_offsets go through the group coordinator, which applies them to the
    // pending transactional offsets.
    txnMarkers.completeGroupTransaction = (partition, m) =>
      services.groups.completeTransaction(partition, m.producerId, m.producerEpoch, m.coordinatorEpoch, m.committed);
    await services.transactions.startup(); // replays __transaction_state, if it exists
    metadata.onChange((c) => {
      if (c.kind !== 'broker-configs-changed') return;
      config = withDynamicConfigs(opts.config, { dynamicDefault: metadata.dynamicBrokerConfigs('cluster'), dynamicBroker: metadata.dynamicBrokerConfigs('node') });
      topics!.reapplyConfigs();
    });

    const registry = new HandlerRegistry();
    registerHandlers(registry, services);
    const dispatcher = new RequestDispatcher(registry, componentLogger('requests'));
    const server = new SocketServer(dispatcher, {
      listeners: config.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol })),
      socketRequestMaxBytes: config.get('socket.request.max.bytes'),
      queuedMaxRequests: config.get('queued.max.requests'),
      connectionsMaxIdleMs: config.get('connections.max.idle.ms'),
      clock,
      logger: componentLogger('network'),
    });
    let bound: BoundListener[];
    try {
      bound = [...(await server.start())];
    } catch (e) {
      await logs.shutdown();
      throw e;
    }
    advertised = advertisedEndpoints(config, bound);
    const broker = new Broker(services, server, logs, bound, advertised, log);
    log.info(
      { nodeId, clusterId: metadata.clusterId, logDirs, listeners: advertised, startupMs: Math.round(performance.now() - started) },
      `Tributary broker ${nodeId} ready on ${broker.bootstrap}`,
    );
    return broker;
  }

  /** `host:port` of the first advertised listener: what a client puts in bootstrap.servers. */
  get bootstrap(): string {
    const e = this.advertised[0];
    return `${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
  }

  get clusterId(): string {
    return this.services.metadata.clusterId;
  }

  /** Graceful stop: in-flight requests finish, logs are flushed, the clean-shutdown marker is written. */
  async stop(): Promise<void> {
    // Waiting fetches answer now, so that in-flight requests can finish.
    this.services.partitions.shutdown();
    // Marker writes stop (first, while the group coordinator can still take __consumer_offsets
    // markers); transactions still preparing are finished after the restart.
    await this.services.transactions.shutdown();
    // Parked JoinGroup/SyncGroup requests are answered (NOT_COORDINATOR) so that they finish too.
    await this.services.groups.shutdown();
    const report = await this.server.shutdown();
    await this.logs.shutdown();
    this.log.info({ ...report }, 'broker stopped');
  }
}

/**
 * Kafka's rule: advertised.listeners when set, else the listeners; a listener with a wildcard
 * host advertises the machine's host name; port 0 is replaced by the bound port.
 */
function advertisedEndpoints(config: BrokerConfig, bound: readonly BoundListener[]): BrokerEndpoint[] {
  const configured = config.advertisedListeners.length ? config.advertisedListeners : config.listeners;
  return configured.map((l) => {
    const b = bound.find((x) => x.name.toUpperCase() === l.name.toUpperCase());
    const host = WILDCARD_HOSTS.has(l.host) ? (b && !WILDCARD_HOSTS.has(b.host) ? b.host : os.hostname()) : l.host;
    const port = l.port === 0 && b ? b.port : l.port;
    return { listenerName: l.name, host, port, securityProtocol: l.securityProtocol };
  });
}
