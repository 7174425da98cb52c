/**
 * The schema against Apache Kafka 4.4.0's own config definitions. The fixture holds facts
 * read from Kafka's ConfigDef (names, types, defaults, importance, range bounds, dynamic and
 * internal flags, topic→broker synonyms); every difference from it is listed here on purpose.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BROKER_KEYS,
  BROKER_SCHEMA,
  REMOVED_BROKER_KEYS,
  REMOVED_TOPIC_KEYS,
  TOPIC_KEYS,
  TOPIC_SCHEMA,
} from '../../src/config/schema';
import type { ConfigKeyDef } from '../../src/config/types';
import { formatValue } from '../../src/config/value-codec';

interface KafkaKeyFacts {
  type: string;
  default: string | null;
  importance: string;
  range?: string;
  dynamic?: boolean;
  internal?: boolean;
  brokerSynonyms?: string[];
}

interface Fixture {
  kafkaVersion: string;
  brokerKeyNames: string[];
  broker: Record<string, KafkaKeyFacts>;
  topic: Record<string, KafkaKeyFacts>;
}

const kafka = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'kafka-4.4-config-defs.json'), 'utf8')) as Fixture;

/** Broker keys Kafka's KafkaConfig does not define: ours, or the authorizer's. */
const NOT_IN_KAFKA_CONFIG = ['cluster.id', 'super.users', 'allow.everyone.if.no.acl.found', 'log.direct.io.enable'];

/**
 * Deliberate default differences. Kafka 4.x has no process.roles default (it must be set);
 * a single node here plays both roles unless told otherwise.
 */
const DEFAULT_DIFFERENCES = new Set(['process.roles']);

/** Kafka's `Range` validators print as `[min,...]` or `[min,...,max]`; ours print the same way. */
const RANGE = /^\[-?[\d.]+,\.\.\.(,-?[\d.]+)?\]$/;

function expectSameFacts(def: ConfigKeyDef, facts: KafkaKeyFacts, what: 'broker' | 'topic'): void {
  const got = {
    name: def.name,
    type: def.type,
    default: DEFAULT_DIFFERENCES.has(def.name) ? facts.default : formatValue(def.type, def.default),
    importance: def.importance,
    range: def.validator && RANGE.test(def.validator.describe) ? def.validator.describe : undefined,
    ...(what === 'broker' ? { dynamic: def.dynamic } : {}),
    internal: def.describedOnlyWhenSet === true,
  };
  expect(got).toEqual({
    name: def.name,
    type: facts.type,
    default: facts.default,
    importance: facts.importance,
    range: facts.range,
    ...(what === 'broker' ? { dynamic: facts.dynamic } : {}),
    internal: facts.internal === true,
  });
}

describe(`alignment with Kafka ${kafka.kafkaVersion}`, () => {
  it('declares only broker keys Kafka knows, apart from the listed ones, which are described only when set', () => {
    const kafkaNames = new Set(kafka.brokerKeyNames);
    const extra = BROKER_KEYS.map((k) => k.name).filter((n) => !kafkaNames.has(n));
    expect(extra.sort()).toEqual([...NOT_IN_KAFKA_CONFIG].sort());
    for (const n of NOT_IN_KAFKA_CONFIG) expect([n, BROKER_SCHEMA.get(n)!.describedOnlyWhenSet]).toEqual([n, true]);
  });

  it.each(BROKER_KEYS.filter((k) => !NOT_IN_KAFKA_CONFIG.includes(k.name)).map((k) => [k.name, k] as const))(
    'broker key %s has Kafka type, default, importance, bounds and dynamic flag',
    (_name, def) => {
      expectSameFacts(def, kafka.broker[def.name], 'broker');
    },
  );

  it('declares exactly the topic keys Kafka does', () => {
    expect(TOPIC_KEYS.map((k) => k.name).sort()).toEqual(Object.keys(kafka.topic).sort());
  });

  it.each(TOPIC_KEYS.map((k) => [k.name, k] as const))('topic key %s has Kafka type, default, importance, bounds and synonyms', (_name, def) => {
    const facts = kafka.topic[def.name];
    expectSameFacts(def, facts, 'topic');
    expect(def.brokerSynonyms).toEqual(facts.brokerSynonyms);
  });

  it('lists removed keys that Kafka no longer defines and the schema does not declare', () => {
    const kafkaBroker = new Set(kafka.brokerKeyNames);
    for (const k of REMOVED_BROKER_KEYS.keys()) expect([k, kafkaBroker.has(k) || BROKER_SCHEMA.has(k)]).toEqual([k, false]);
    for (const k of REMOVED_TOPIC_KEYS.keys()) expect([k, k in kafka.topic || TOPIC_SCHEMA.has(k)]).toEqual([k, false]);
    expect([...REMOVED_TOPIC_KEYS.keys()].sort()).toEqual(['message.downconversion.enable', 'message.format.version', 'message.timestamp.difference.max.ms']);
  });
});
