/**
 * Default profiles. `production` is Kafka's own defaults (the schema's). `development` is
 * what `npm start` and embedding use: one local node that works with no config at all,
 * with the settings a single-broker Kafka quick start would set by hand.
 */
import type { BrokerKey } from './schema';

export const ConfigProfile = { PRODUCTION: 'production', DEVELOPMENT: 'development' } as const;
export type ConfigProfile = (typeof ConfigProfile)[keyof typeof ConfigProfile];

/** Text values layered over the schema defaults; they report as DEFAULT_CONFIG. */
export const PROFILE_DEFAULTS: Readonly<Record<ConfigProfile, Readonly<Partial<Record<BrokerKey, string>>>>> = {
  production: {},
  development: {
    'node.id': '1',
    'broker.id': '1', // kept equal to node.id, as Kafka's populateSynonyms would
    listeners: 'PLAINTEXT://127.0.0.1:9092',
    'log.dirs': './data',
    'num.partitions': '1',
    'auto.create.topics.enable': 'true',
    // One broker: internal topics cannot have more replicas, and there is no one to wait for.
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    // Fetch responses are read into memory and written from there (Kafka hands its log files to
    // the socket with sendfile): responses of at most 16 MiB instead of Kafka's 55 MiB keep a
    // catching-up consumer's cost on the broker to a third of the memory, and were read faster
    // here (bench/README.md, catch-up). A first batch larger than this is still returned (KIP-74).
    'fetch.max.bytes': '16777216',
  },
};
