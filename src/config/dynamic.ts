/**
 * Checks for dynamic broker config updates (IncrementalAlterConfigs / AlterConfigs on a
 * BROKER resource), after Kafka's `DynamicBrokerConfig.validateConfigs`: only dynamic keys,
 * listener and security keys only for a named broker, key-store style security keys only
 * with a listener prefix, and values that parse and pass their validators. Names Kafka does
 * not define at all (a typo, or a key Kafka 4.0 removed) are accepted and stored as Kafka 4.4
 * does; the broker ignores them with a warning. With the current config given, the resulting
 * whole is resolved too so cross-key rules still hold.
 */
import type { BrokerConfig } from './broker-config';
import { checkValue, tryResolveBrokerConfig } from './broker-resolve';
import type { ConfigProblem } from './errors';
import { BROKER_SCHEMA, isListenerPrefixedKey, listenerBaseKey } from './schema';

/** Kafka's SslConfigs.RECONFIGURABLE_CONFIGS: settable dynamically only as listener.name.<l>.<key>. */
const LISTENER_ONLY_SECURITY_KEYS: ReadonlySet<string> = new Set([
  'ssl.keystore.type',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.key.password',
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.truststore.certificates',
]);

/** Dynamic keys that only make sense for one broker, never as a cluster-wide default. */
function isPerBrokerKey(name: string): boolean {
  const base = listenerBaseKey(name) ?? name;
  if (isListenerPrefixedKey(name)) return !['max.connections', 'max.connection.creation.rate', 'num.network.threads'].includes(base);
  return (
    ['listeners', 'advertised.listeners', 'listener.security.protocol.map', 'principal.builder.class'].includes(base) ||
    (base.startsWith('ssl.') && BROKER_SCHEMA.get(base)?.dynamic === true) ||
    (base.startsWith('sasl.') && BROKER_SCHEMA.get(base)?.dynamic === true)
  );
}

export interface BrokerUpdateOptions {
  /** true for a named broker's resource; false for the cluster default (empty resource name). */
  readonly perBroker: boolean;
  /** When given, the update is applied to it and the resulting config must resolve cleanly. */
  readonly current?: BrokerConfig;
}

/** Problems with a dynamic update; a null value removes the dynamic setting. */
export function validateBrokerConfigUpdate(
  updates: Readonly<Record<string, string | null>>,
  opts: BrokerUpdateOptions,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, text] of Object.entries(updates)) {
    const value = text ?? undefined;
    const base = listenerBaseKey(name);
    const def = BROKER_SCHEMA.get(name) ?? (base !== undefined ? BROKER_SCHEMA.get(base) : undefined);
    if (!def) continue; // unknown: kept and ignored, as Kafka does
    if (!def.dynamic) {
      problems.push({ key: name, value, message: 'cannot be updated dynamically; set it in the static config and restart' });
      continue;
    }
    if (base === undefined && LISTENER_ONLY_SECURITY_KEYS.has(name)) {
      problems.push({ key: name, value, message: `can be updated dynamically only per listener, as listener.name.<listener>.${name}` });
      continue;
    }
    if (!opts.perBroker && isPerBrokerKey(name)) {
      problems.push({ key: name, value, message: 'can be set only for a specific broker, not as a cluster-wide default' });
      continue;
    }
    if (text === null) continue;
    const checked = checkValue(def, text);
    if (checked.reason !== undefined) problems.push({ key: name, value: text, message: checked.reason });
  }
  if (problems.length > 0 || !opts.current) return problems;

  const d = opts.current.toData();
  const apply = (base: ReadonlyMap<string, string>): Record<string, string> => {
    const next = Object.fromEntries(base);
    for (const [k, v] of Object.entries(updates)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    return next;
  };
  const result = tryResolveBrokerConfig({
    profile: d.profile,
    layers: [{ entries: [...d.staticSettings].map(([key, s]) => ({ key, value: s.value, origin: s.origin })) }],
    dynamicDefault: opts.perBroker ? Object.fromEntries(d.dynamicDefault) : apply(d.dynamicDefault),
    dynamicBroker: opts.perBroker ? apply(d.dynamicBroker) : Object.fromEntries(d.dynamicBroker),
  });
  return [...result.problems];
}
