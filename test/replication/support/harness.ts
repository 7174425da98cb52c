/**
 * A single-node data path without the network: metadata store, log manager, topic manager and
 * partition manager over a temporary directory, on a ManualClock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBrokerConfig, type BrokerConfig } from '../../../src/config';
import { LocalMetadataStore } from '../../../src/cluster/local-metadata-store';
import { nodeLogFs, type LogFs } from '../../../src/log/log-fs';
import { LogManager, type LogManagerOptions } from '../../../src/log/log-manager';
import { buildRecordBatch, type RecordInput } from '../../../src/protocol/records';
import { PartitionManager } from '../../../src/replication/partition-manager';
import { TopicManager } from '../../../src/replication/topic-manager';
import { ManualClock } from '../../../src/util/clock';
import { logger } from '../../../src/util/logger';

export interface Harness {
  dir: string;
  clock: ManualClock;
  config: BrokerConfig;
  metadata: LocalMetadataStore;
  logs: LogManager;
  topics: TopicManager;
  partitions: PartitionManager;
  createTopic(name: string, partitions?: number, configs?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(overrides: string[] = [], fs: LogFs = nodeLogFs, logOptions: Partial<LogManagerOptions> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-repl-'));
  const clock = new ManualClock(Date.now());
  const config = loadBrokerConfig({ profile: 'development', overrides: ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${dir}`, ...overrides] });
  const nodeId = config.nodeId;
  const metadata = await LocalMetadataStore.open({ fs, logDirs: [dir], nodeId, broker: () => ({ nodeId, rack: null, endpoints: [] }) });
  let topics: TopicManager | undefined;
  const logs = new LogManager({
    logDirs: [dir],
    fs,
    clock,
    configForTopic: (name) => {
      const t = metadata.topic(name);
      return t && topics ? topics.logConfigFor(t) : undefined;
    },
    ...logOptions,
  });
  topics = new TopicManager(metadata, logs, () => config, logger('topics'));
  await logs.startup();
  await topics.startup();
  const partitions = new PartitionManager({ nodeId, metadata, logs, config: () => config, clock });
  const tm = topics;
  return {
    dir,
    clock,
    config,
    metadata,
    logs,
    topics: tm,
    partitions,
    async createTopic(name, count = 1, configs = {}) {
      await tm.createTopic({ name, numPartitions: count, replicationFactor: 1, configs });
    },
    async close() {
      partitions.shutdown();
      await logs.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A producer-style batch: base offset 0, `n` records of `size`-byte values (or the given records). */
export function batch(n: number, size = 10, o: { timestamp?: number; records?: RecordInput[]; compression?: 0 | 1 | 2 | 3 | 4 } = {}): Buffer {
  const records =
    o.records ?? Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(size, i % 256), timestamp: o.timestamp ?? Date.now() }));
  return buildRecordBatch({ records, compression: o.compression });
}

/** Lets pending promise callbacks run (appends resolve over a few microtasks and an I/O turn). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
