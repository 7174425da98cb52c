/**
 * The assembled schemas: every broker key and every topic key, with lookups by name.
 * Checked on load: no key declared twice, every default passes its own validator and
 * every topic synonym names a broker key.
 */
import { invariant } from '../../util/invariant';
import type { ConfigKeyDef, TopicKeyDef } from '../types';
import { COORDINATOR_KEYS } from './broker-coordinator';
import { LOG_KEYS } from './broker-log';
import { REPLICATION_KEYS } from './broker-replication';
import { SECURITY_KEYS } from './broker-security';
import { SERVER_KEYS } from './broker-server';
import type { ValueOfDef } from './define';
import { REMOVED_BROKER_KEYS, REMOVED_TOPIC_KEYS } from './removed';
import { TOPIC_KEYS } from './topic';

export const BROKER_KEYS = [...SERVER_KEYS, ...LOG_KEYS, ...COORDINATOR_KEYS, ...REPLICATION_KEYS, ...SECURITY_KEYS] as const;

type BrokerDefs = (typeof BROKER_KEYS)[number];
type TopicDefs = (typeof TOPIC_KEYS)[number];

export type BrokerKey = BrokerDefs['name'];
export type TopicKey = TopicDefs['name'];
/** Parsed type of a broker key's value, e.g. `BrokerValue<'num.partitions'>` is `number`. */
export type BrokerValue<K extends BrokerKey> = ValueOfDef<Extract<BrokerDefs, { name: K }>>;
export type TopicValue<K extends TopicKey> = ValueOfDef<Extract<TopicDefs, { name: K }>>;

function indexByName<D extends ConfigKeyDef>(defs: readonly D[], what: string): ReadonlyMap<string, D> {
  const map = new Map<string, D>();
  for (const d of defs) {
    invariant(!map.has(d.name), `${what} key ${d.name} is declared twice`);
    if (d.default !== null && d.validator) {
      const reason = d.validator.check(d.default);
      invariant(reason === undefined, () => `${what} key ${d.name}: default ${String(d.default)} fails its validator: ${reason}`);
    }
    map.set(d.name, d);
  }
  return map;
}

export const BROKER_SCHEMA: ReadonlyMap<string, ConfigKeyDef> = indexByName<ConfigKeyDef>(BROKER_KEYS, 'broker');
export const TOPIC_SCHEMA: ReadonlyMap<string, TopicKeyDef> = indexByName<TopicKeyDef>(TOPIC_KEYS, 'topic');

for (const t of TOPIC_KEYS) {
  for (const s of t.brokerSynonyms) {
    invariant(BROKER_SCHEMA.has(s), `topic key ${t.name} names broker synonym ${s}, which is not a broker key`);
  }
}
for (const k of REMOVED_TOPIC_KEYS.keys()) invariant(!TOPIC_SCHEMA.has(k), `topic key ${k} is both declared and listed as removed`);
for (const k of REMOVED_BROKER_KEYS.keys()) invariant(!BROKER_SCHEMA.has(k), `broker key ${k} is both declared and listed as removed`);

/** Topic key → its highest-priority broker synonym (Kafka's TOPIC_CONFIG_SYNONYMS). */
export const TOPIC_TO_BROKER_SYNONYM: ReadonlyMap<string, string> = new Map(
  TOPIC_KEYS.filter((t) => t.brokerSynonyms.length > 0).map((t) => [t.name, t.brokerSynonyms[0]] as const),
);

/**
 * Broker keys Kafka treats as synonyms of each other when describing a broker config
 * (`DynamicBrokerConfig.brokerConfigSynonyms`): the ms/minutes/hours forms of retention,
 * roll and jitter, and flush.interval.ms with the scheduler interval.
 */
export function brokerConfigSynonyms(name: string): readonly string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    default: {
      const base = listenerBaseKey(name);
      return base === undefined ? [name] : [name, base];
    }
  }
}

const LISTENER_PREFIXED = /^listener\.name\.[^.]+\.(.+)$/;

/** Per-mechanism listener keys are `listener.name.<l>.<mechanism>.<key>` (Kafka's ListenerMechanismConfigs). */
const LISTENER_MECHANISM_KEYS = [
  'sasl.jaas.config',
  'sasl.server.callback.handler.class',
  'sasl.login.class',
  'sasl.login.callback.handler.class',
  'connections.max.reauth.ms',
  'sasl.server.max.receive.size',
];

/** `listener.name.<name>.<key>`: per-listener settings Kafka accepts for any listener key. */
export function isListenerPrefixedKey(name: string): boolean {
  return LISTENER_PREFIXED.test(name);
}

/** The broker key a listener-prefixed key overrides (`listener.name.x.ssl.key.password` → `ssl.key.password`). */
export function listenerBaseKey(name: string): string | undefined {
  const m = LISTENER_PREFIXED.exec(name);
  if (!m) return undefined;
  return LISTENER_MECHANISM_KEYS.find((k) => m[1].endsWith(k)) ?? m[1];
}

export { TOPIC_KEYS } from './topic';
export { REMOVED_BROKER_KEYS, REMOVED_TOPIC_KEYS } from './removed';
export { CONSUMER_GROUP_ASSIGNOR_NAMES } from './broker-coordinator';
