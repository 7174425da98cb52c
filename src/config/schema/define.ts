/**
 * Helpers to declare keys while keeping each key's name, type and default as literal
 * types, so `BrokerConfig.get('num.partitions')` is typed `number` and
 * `get('advertised.listeners')` is `string | null` without a hand-written interface.
 */
import type { ConfigKeyDef, ConfigType, ConfigTypeToValue, Importance, TopicKeyDef, Validator } from '../types';

interface KeyOptions<N extends string, T extends ConfigType, D> {
  name: N;
  type: T;
  default: D;
  doc: string;
  importance: Importance;
  dynamic?: boolean;
  validator?: Validator;
  ignoredNote?: string;
  deprecated?: string;
  describedOnlyWhenSet?: boolean;
}

/** A key definition whose `default` keeps its literal type (null for "no default"). */
export type KeyDef<N extends string, T extends ConfigType, D> = ConfigKeyDef<N, T> & { readonly default: D };

export function key<const N extends string, const T extends ConfigType, const D extends ConfigTypeToValue[T] | null>(
  o: KeyOptions<N, T, D>,
): KeyDef<N, T, D> {
  return { ...o, dynamic: o.dynamic ?? false };
}

export type TopicDef<N extends string, T extends ConfigType, D> = TopicKeyDef<N, T> & { readonly default: D };

export function topicKey<const N extends string, const T extends ConfigType, const D extends ConfigTypeToValue[T] | null>(
  o: KeyOptions<N, T, D> & { brokerSynonyms: readonly string[] },
): TopicDef<N, T, D> {
  // Every topic-level key can be altered at run time (AlterConfigs on a TOPIC resource).
  return { ...o, dynamic: o.dynamic ?? true };
}

/** The parsed value type of a definition: nullable when it has no default. */
export type ValueOfDef<K> = K extends { type: infer T extends ConfigType; default: infer D }
  ? null extends D
    ? ConfigTypeToValue[T] | null
    : ConfigTypeToValue[T]
  : never;
