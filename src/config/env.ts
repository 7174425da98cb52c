/**
 * Config from environment variables, mapped the way the official apache/kafka container
 * image does it (`KafkaDockerWrapper.getServerConfigsFromEnv`): for every variable starting
 * with `KAFKA_` that is not one of the image's own settings, remove `KAFKA_`, lowercase,
 * then `_` → `.`, `...` → `-`, `..` → `_`. So KAFKA_LOG_DIRS → log.dirs,
 * KAFKA_LISTENER_NAME_INTERNAL__SSL → listener.name.internal_ssl, KAFKA_A___B → a-b.
 *
 * Like the image's `configure` script, when KAFKA_ADVERTISED_LISTENERS is set and
 * KAFKA_LISTENERS is not (and the node is not controller-only), listeners are derived from
 * the advertised ones with every host replaced by 0.0.0.0. The image also requires
 * CLUSTER_ID; here a plain CLUSTER_ID sets cluster.id unless KAFKA_CLUSTER_ID does.
 */

/** Variables the image uses for itself (JVM, logging, version), never broker configs. */
export const NON_CONFIG_KAFKA_ENV: ReadonlySet<string> = new Set([
  // the image's exclusion list
  'KAFKA_VERSION',
  'KAFKA_HEAP_OPTS',
  'KAFKA_LOG4J_OPTS',
  'KAFKA_OPTS',
  'KAFKA_JMX_OPTS',
  'KAFKA_JVM_PERFORMANCE_OPTS',
  'KAFKA_GC_LOG_OPTS',
  'KAFKA_LOG4J_ROOT_LOGLEVEL',
  'KAFKA_LOG4J_LOGGERS',
  'KAFKA_TOOLS_LOG4J_LOGLEVEL',
  'KAFKA_JMX_HOSTNAME',
  // read by Kafka's launch scripts (kafka-run-class.sh, the image's launch), so not configs either
  'KAFKA_JMX_PORT',
  'KAFKA_HOME',
  'KAFKA_DEBUG',
]);

/** Also not configs: any KAFKA_JMX_* or KAFKA_LOG4J_* variable. */
const NON_CONFIG_PREFIXES = ['KAFKA_JMX_', 'KAFKA_LOG4J_'];

export function isConfigEnvName(name: string): boolean {
  if (!name.startsWith('KAFKA_')) return false;
  if (NON_CONFIG_KAFKA_ENV.has(name)) return false;
  return !NON_CONFIG_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * The config key for one variable name, exactly as the image computes it (Java's
 * `String.replace` removes every `KAFKA_`, not only the prefix).
 */
export function envNameToConfigKey(name: string): string {
  return name
    .split('KAFKA_')
    .join('')
    .toLowerCase()
    .split('_')
    .join('.')
    .split('...')
    .join('-')
    .split('..')
    .join('_');
}

/** One config read from the environment, with the variable that gave it. */
export interface EnvConfigEntry {
  readonly key: string;
  readonly value: string;
  readonly variable: string;
}

/** Maps an environment to config entries; pass `process.env` (or a test map). */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): EnvConfigEntry[] {
  const out: EnvConfigEntry[] = [];
  const names = Object.keys(env).sort(); // stable order for reports
  for (const variable of names) {
    const value = env[variable];
    if (value === undefined || !isConfigEnvName(variable)) continue;
    out.push({ key: envNameToConfigKey(variable), value, variable });
  }
  const keys = new Set(out.map((e) => e.key));
  const cid = env.CLUSTER_ID;
  if (cid !== undefined && cid !== '' && !keys.has('cluster.id')) {
    out.push({ key: 'cluster.id', value: cid, variable: 'CLUSTER_ID' });
  }
  const advertised = env.KAFKA_ADVERTISED_LISTENERS;
  const roles = env.KAFKA_PROCESS_ROLES;
  if (!env.KAFKA_LISTENERS && advertised && roles !== 'controller') {
    out.push({
      key: 'listeners',
      value: advertised.replace(/:\/\/[^:]*:/g, '://0.0.0.0:'),
      variable: 'KAFKA_ADVERTISED_LISTENERS (derived as the image does)',
    });
  }
  return out;
}
