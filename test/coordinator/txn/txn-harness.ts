/**
 * The transaction coordinator service on in-memory logs with a ManualClock: a fake metadata
 * store (topics created by the service appear at once), MemoryLogs for __transaction_state,
 * an in-memory producer id block store, and a marker writer that records what it is asked and
 * answers with scripted error codes.
 */
import type { BrokerInfo, MetadataStore, NewTopic, TopicInfo } from '../../../src/cluster/metadata-store';
import { loadBrokerConfig } from '../../../src/config';
import type { BrokerConfig } from '../../../src/config';
import { TRANSACTION_STATE_TOPIC } from '../../../src/coordinator/txn/config';
import type { TxnMarker, TxnMarkerWriter } from '../../../src/coordinator/txn/marker-writer';
import { ProducerIdManager, type ProducerIdBlockStore } from '../../../src/coordinator/txn/producer-id-manager';
import { TransactionCoordinatorService } from '../../../src/coordinator/txn/txn-coordinator-service';
import type { TxnCoordinatorShard } from '../../../src/coordinator/txn/txn-shard';
import type { TopicPartition } from '../../../src/log/topic-partition';
import { ErrorCode } from '../../../src/protocol/error-codes';
import { ManualClock } from '../../../src/util/clock';
import { rootLogger } from '../../../src/util/logger';
import { MemoryLog } from '../support/memory-log';

export class MemoryBlockStore implements ProducerIdBlockStore {
  next = 0n;
  reservations = 0;
  async reserveBlock(size: number): Promise<bigint> {
    await Promise.resolve();
    const first = this.next;
    this.next += BigInt(size);
    this.reservations++;
    return first;
  }
}

export class RecordingMarkerWriter implements TxnMarkerWriter {
  readonly calls: TxnMarker[] = [];
  /** Answer for one partition; default NONE. */
  respond: (marker: TxnMarker, tp: TopicPartition) => number = () => ErrorCode.NONE;

  /** While set, marker writes wait for it. */
  gate: Promise<void> | null = null;

  async writeMarkers(marker: TxnMarker): Promise<number[]> {
    await Promise.resolve();
    if (this.gate) await this.gate;
    this.calls.push(marker);
    return marker.partitions.map((tp) => this.respond(marker, tp));
  }

  /** Every partition a marker was written to (successfully or not), as `topic-p:COMMIT|ABORT`. */
  written(): string[] {
    return this.calls.flatMap((m) => m.partitions.map((tp) => `${tp.topic}-${tp.partition}:${m.committed ? 'COMMIT' : 'ABORT'}`));
  }
}

class FakeMetadata {
  readonly topicsByName = new Map<string, TopicInfo>();
  topic(name: string): TopicInfo | undefined {
    return this.topicsByName.get(name);
  }
  brokers(): BrokerInfo[] {
    return [{ nodeId: 0, rack: null, endpoints: [] }];
  }
  addTopic(name: string, partitions: number): TopicInfo {
    const t: TopicInfo = {
      name,
      topicId: `id-${name}`,
      internal: name.startsWith('__'),
      configs: {},
      partitions: Array.from({ length: partitions }, (_, partition) => ({ partition, leader: 0, leaderEpoch: 0, replicas: [0], isr: [0], offlineReplicas: [] })),
    };
    this.topicsByName.set(name, t);
    return t;
  }
}

export interface HarnessOptions {
  overrides?: string[];
  clock?: ManualClock;
  logs?: Map<number, MemoryLog>;
  blocks?: MemoryBlockStore;
  /** Create __transaction_state before start-up (as after a restart). */
  topicExists?: boolean;
}

export class TxnHarness {
  readonly markers = new RecordingMarkerWriter();
  readonly metadata = new FakeMetadata();
  readonly created: NewTopic[] = [];
  service!: TransactionCoordinatorService;
  producerIds!: ProducerIdManager;
  config: BrokerConfig;

  private constructor(
    readonly clock: ManualClock,
    readonly logs: Map<number, MemoryLog>,
    readonly blocks: MemoryBlockStore,
    overrides: string[],
  ) {
    this.config = loadBrokerConfig({ profile: 'development', env: {}, overrides: ['log.dirs=/nonexistent', 'transaction.state.log.num.partitions=2', ...overrides] });
  }

  static async start(o: HarnessOptions = {}): Promise<TxnHarness> {
    const h = new TxnHarness(o.clock ?? new ManualClock(), o.logs ?? new Map(), o.blocks ?? new MemoryBlockStore(), o.overrides ?? []);
    // Topics the harness knows: a data topic and, when restarting, __transaction_state.
    h.metadata.addTopic('t', 3);
    h.metadata.addTopic('__consumer_offsets', 3);
    if (o.topicExists) h.metadata.addTopic(TRANSACTION_STATE_TOPIC, h.config.get('transaction.state.log.num.partitions'));
    h.producerIds = new ProducerIdManager(h.blocks, rootLogger().child({ component: 'test' }), 10);
    await h.producerIds.startup();
    h.service = new TransactionCoordinatorService({
      config: () => h.config,
      clock: h.clock,
      metadata: h.metadata as unknown as MetadataStore,
      logs: { getLog: (tp) => (tp.topic === TRANSACTION_STATE_TOPIC ? (h.logFor(tp.partition) as never) : undefined) },
      topics: {
        createTopic: async (t: NewTopic) => {
          h.created.push(t);
          return h.metadata.addTopic(t.name, t.numPartitions);
        },
      },
      producerIds: h.producerIds,
      markers: h.markers,
      logger: rootLogger().child({ component: 'test' }),
    });
    await h.service.startup();
    return h;
  }

  logFor(partition: number): MemoryLog {
    let l = this.logs.get(partition);
    if (!l) this.logs.set(partition, (l = new MemoryLog()));
    return l;
  }

  /** FindCoordinator: creates and loads __transaction_state. */
  async find(transactionalId: string): Promise<number> {
    return this.service.findCoordinator(transactionalId);
  }

  shard(transactionalId: string): Promise<TxnCoordinatorShard> {
    return this.service.shardOf(transactionalId);
  }

  async state(transactionalId: string): Promise<string | undefined> {
    return (await this.shard(transactionalId)).metadata(transactionalId)?.state;
  }

  /**
   * Lets operations, marker writes and completions finish (everything is in memory: microtasks
   * only, except retry backoffs, which wait for the ManualClock).
   */
  async settle(): Promise<void> {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  }

  async advance(ms: number): Promise<void> {
    await this.settle();
    this.clock.advance(ms);
    await this.settle();
  }

  async stop(): Promise<void> {
    await this.service.shutdown();
  }

  /** InitProducerId, AddPartitions to `t`, EndTxn: a whole transaction. */
  async transaction(transactionalId: string, commit: boolean, tv = 0): Promise<{ producerId: bigint; producerEpoch: number }> {
    const init = await this.service.initProducerId(transactionalId, 60_000, null);
    if (init.errorCode !== 0) throw new Error(`init failed: ${init.errorCode}`);
    const add = await this.service.addPartitions(transactionalId, init.producerId, init.producerEpoch, [{ topic: 't', partition: 0 }], tv);
    if (add !== 0) throw new Error(`add failed: ${add}`);
    const end = await this.service.endTransaction(transactionalId, { producerId: init.producerId, producerEpoch: init.producerEpoch, commit, clientTransactionVersion: tv });
    if (end.errorCode !== 0) throw new Error(`end failed: ${end.errorCode}`);
    await this.settle();
    return init;
  }
}
