/**
 * Single-node MetadataStore: the broker is its own controller and keeps topics, ids, partition
 * counts and config overrides in `<first log dir>/__tributary_metadata/metadata.json`, written
 * atomically (temp file, fsync, rename, directory fsync) on every change. Every log dir also
 * gets Kafka's `meta.properties` (version 1: cluster.id, node.id, directory.id); a log dir that
 * belongs to another cluster or node stops start-up, as in Kafka.
 */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { type LogFs, readWholeFile, writeFileAtomic } from '../log/log-fs';
import { invariant } from '../util/invariant';
import type { BrokerInfo, MetadataChange, MetadataStore, NewTopic, PartitionInfo, TopicInfo } from './metadata-store';

const STATE_DIR = '__tributary_metadata';
const STATE_FILE = 'metadata.json';
const FORMAT_VERSION = 1;

interface PersistedState {
  version: number;
  clusterId: string;
  nodeId: number;
  topics: TopicInfo[];
  dynamicBrokerConfigs?: { cluster: Record<string, string>; node: Record<string, string> };
}

export class MetadataStoreError extends Error {
  override name = 'MetadataStoreError';
}

/**
 * A random id in Kafka's Uuid form. Like Kafka's Uuid.randomUuid, ids whose base64 form starts
 * with '-' are avoided (they read as command-line flags), as are the reserved all-zero and
 * one ids.
 */
export function randomUuid(): string {
  for (;;) {
    const s = randomBytes(16).toString('base64url');
    if (!s.startsWith('-') && s !== 'AAAAAAAAAAAAAAAAAAAAAA' && s !== 'AAAAAAAAAAAAAAAAAAAAAQ') return s;
  }
}

export interface LocalMetadataStoreOptions {
  fs: LogFs;
  logDirs: string[];
  nodeId: number;
  /** Advertised address of this broker (the first advertised listener's). */
  broker: () => BrokerInfo;
  /** Cluster id for a fresh data directory; random when not given. */
  clusterId?: string;
}

export class LocalMetadataStore implements MetadataStore {
  private state!: PersistedState;
  private readonly byName = new Map<string, TopicInfo>();
  private readonly byId = new Map<string, TopicInfo>();
  private readonly listeners: ((c: MetadataChange) => void)[] = [];
  /** Changes are persisted one at a time, in order. */
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: LocalMetadataStoreOptions) {}

  static async open(opts: LocalMetadataStoreOptions): Promise<LocalMetadataStore> {
    const store = new LocalMetadataStore(opts);
    await store.load();
    return store;
  }

  get clusterId(): string {
    return this.state.clusterId;
  }

  get controllerId(): number {
    return this.opts.nodeId;
  }

  brokers(): BrokerInfo[] {
    return [this.opts.broker()];
  }

  topics(): TopicInfo[] {
    return [...this.byName.values()];
  }

  topic(name: string): TopicInfo | undefined {
    return this.byName.get(name);
  }

  topicById(topicId: string): TopicInfo | undefined {
    return this.byId.get(topicId);
  }

  onChange(listener: (change: MetadataChange) => void): void {
    this.listeners.push(listener);
  }

  async createTopic(t: NewTopic): Promise<TopicInfo> {
    if (this.byName.has(t.name)) throw new MetadataStoreError(`topic ${t.name} already exists`);
    const topic: TopicInfo = {
      name: t.name,
      topicId: randomUuid(),
      internal: t.internal ?? false,
      partitions: this.newPartitions(0, t.numPartitions, t.assignments),
      configs: { ...t.configs },
    };
    this.index(topic);
    await this.persist({ kind: 'topic-created', topic });
    return topic;
  }

  async deleteTopic(name: string): Promise<TopicInfo> {
    const topic = this.byName.get(name);
    if (!topic) throw new MetadataStoreError(`topic ${name} does not exist`);
    this.byName.delete(name);
    this.byId.delete(topic.topicId);
    await this.persist({ kind: 'topic-deleted', topic });
    return topic;
  }

  async createPartitions(name: string, totalCount: number, assignments?: number[][]): Promise<TopicInfo> {
    const topic = this.byName.get(name);
    if (!topic) throw new MetadataStoreError(`topic ${name} does not exist`);
    const previousCount = topic.partitions.length;
    invariant(totalCount > previousCount, `partition count ${totalCount} must exceed ${previousCount}`);
    topic.partitions.push(...this.newPartitions(previousCount, totalCount - previousCount, assignments));
    await this.persist({ kind: 'partitions-created', topic, previousCount });
    return topic;
  }

  async setTopicConfigs(name: string, configs: Record<string, string>): Promise<TopicInfo> {
    const topic = this.byName.get(name);
    if (!topic) throw new MetadataStoreError(`topic ${name} does not exist`);
    topic.configs = { ...configs };
    await this.persist({ kind: 'topic-configs-changed', topic });
    return topic;
  }

  dynamicBrokerConfigs(scope: 'cluster' | 'node'): Record<string, string> {
    return { ...(this.state.dynamicBrokerConfigs?.[scope] ?? {}) };
  }

  async setDynamicBrokerConfigs(scope: 'cluster' | 'node', configs: Record<string, string>): Promise<void> {
    const current = this.state.dynamicBrokerConfigs ?? { cluster: {}, node: {} };
    this.state.dynamicBrokerConfigs = { ...current, [scope]: { ...configs } };
    await this.persist({ kind: 'broker-configs-changed', scope });
  }

  private newPartitions(first: number, count: number, assignments?: number[][]): PartitionInfo[] {
    const out: PartitionInfo[] = [];
    for (let i = 0; i < count; i++) {
      const replicas = assignments?.[i] ?? [this.opts.nodeId];
      out.push({ partition: first + i, leader: replicas[0], leaderEpoch: 0, replicas: [...replicas], isr: [...replicas], offlineReplicas: [] });
    }
    return out;
  }

  private index(topic: TopicInfo): void {
    this.byName.set(topic.name, topic);
    this.byId.set(topic.topicId, topic);
  }

  private statePath(): string {
    return path.join(this.opts.logDirs[0], STATE_DIR, STATE_FILE);
  }

  private async load(): Promise<void> {
    const { fs } = this.opts;
    for (const dir of this.opts.logDirs) await mkdirp(fs, dir);
    const text = (await readWholeFile(fs, this.statePath()))?.toString('utf8') ?? null;
    if (text === null) {
      this.state = { version: FORMAT_VERSION, clusterId: this.opts.clusterId ?? randomUuid(), nodeId: this.opts.nodeId, topics: [] };
    } else {
      let parsed: PersistedState;
      try {
        parsed = JSON.parse(text) as PersistedState;
      } catch (e) {
        throw new MetadataStoreError(`${this.statePath()} is not valid JSON: ${(e as Error).message}`);
      }
      if (parsed.version !== FORMAT_VERSION || !Array.isArray(parsed.topics) || typeof parsed.clusterId !== 'string') {
        throw new MetadataStoreError(`${this.statePath()} has an unknown format (version ${parsed.version})`);
      }
      if (parsed.nodeId !== this.opts.nodeId) {
        throw new MetadataStoreError(`${this.statePath()} belongs to node ${parsed.nodeId}, but node.id is ${this.opts.nodeId}`);
      }
      this.state = parsed;
      for (const t of parsed.topics) this.index(t);
    }
    for (const dir of this.opts.logDirs) await this.checkMetaProperties(dir);
    if (text === null) await this.persist(undefined);
  }

  /** Kafka's per-log-dir identity file; a mismatch means the dir belongs to another broker. */
  private async checkMetaProperties(dir: string): Promise<void> {
    const { fs } = this.opts;
    const file = path.join(dir, 'meta.properties');
    const text = (await readWholeFile(fs, file))?.toString('utf8') ?? null;
    if (text !== null) {
      const props = Object.fromEntries(
        text.split('\n').filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()]),
      );
      if (props['cluster.id'] && props['cluster.id'] !== this.state.clusterId) {
        throw new MetadataStoreError(`${file} has cluster.id ${props['cluster.id']}, but this broker's cluster id is ${this.state.clusterId}`);
      }
      if (props['node.id'] && Number(props['node.id']) !== this.opts.nodeId) {
        throw new MetadataStoreError(`${file} has node.id ${props['node.id']}, but node.id is ${this.opts.nodeId}`);
      }
      return;
    }
    const body = `#\n#Written by Tributary\nnode.id=${this.opts.nodeId}\ndirectory.id=${randomUuid()}\nversion=1\ncluster.id=${this.state.clusterId}\n`;
    await writeFileAtomic(fs, file, Buffer.from(body));
  }

  private persist(change: MetadataChange | undefined): Promise<void> {
    this.state.topics = this.topics();
    const bytes = Buffer.from(JSON.stringify(this.state, null, 1));
    const file = this.statePath();
    const { fs } = this.opts;
    const done = this.writeChain.then(async () => {
      await mkdirp(fs, path.dirname(file));
      await writeFileAtomic(fs, file, bytes);
    });
    this.writeChain = done.catch(() => undefined);
    return done.then(() => {
      if (change) for (const l of this.listeners) l(change);
    });
  }
}

async function mkdirp(fs: LogFs, dir: string): Promise<void> {
  if (await fs.stat(dir)) return;
  await mkdirp(fs, path.dirname(dir));
  try {
    await fs.mkdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}
