/**
 * Computes the values Kafka derives from several broker keys, and the checks that span
 * more than one key (`KafkaConfig.validateValues`, `GroupCoordinatorConfig`), reporting
 * every problem found rather than stopping at the first.
 */
import * as path from 'node:path';
import { assignorNames, type DerivedBrokerValues, type ValueSource } from './broker-config';
import type { ConfigProblem } from './errors';
import {
  advertisedListenerProblems,
  formatEndpoint,
  parseListeners,
  parseSecurityProtocolMap,
  SecurityProtocol,
  type ListenerEndpoint,
} from './listeners';
import { ConfigSource, type ConfigValue } from './types';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;

type Get = (key: string) => ConfigValue;

function num(get: Get, key: string): number {
  return get(key) as number;
}

/** Kafka's logRetentionTimeMillis: ms > minutes > hours, and any negative result means -1. */
export function effectiveRetentionMs(get: Get): number {
  const ms = get('log.retention.ms') as number | null;
  const minutes = get('log.retention.minutes') as number | null;
  const millis = ms ?? (minutes !== null ? minutes * MS_PER_MINUTE : num(get, 'log.retention.hours') * MS_PER_HOUR);
  return millis < 0 ? -1 : millis;
}

export function effectiveRollMs(get: Get): number {
  return (get('log.roll.ms') as number | null) ?? num(get, 'log.roll.hours') * MS_PER_HOUR;
}

export function effectiveRollJitterMs(get: Get): number {
  return (get('log.roll.jitter.ms') as number | null) ?? num(get, 'log.roll.jitter.hours') * MS_PER_HOUR;
}

export function effectiveFlushIntervalMs(get: Get): number {
  return (get('log.flush.interval.ms') as number | null) ?? num(get, 'log.flush.scheduler.interval.ms');
}

const isSslOrSasl = (name: string): boolean => name === 'SSL' || name === 'SASL_SSL' || name === 'SASL_PLAINTEXT';

/** Everything derived, plus the problems found on the way. */
export function deriveBrokerValues(
  get: Get,
  sourceOf: (key: string) => ValueSource,
): { derived: DerivedBrokerValues; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const problem = (key: string, message: string, value?: ConfigValue): void => {
    const text = value === undefined || value === null ? undefined : Array.isArray(value) ? value.join(',') : String(value);
    problems.push({ key, value: text, origin: sourceOf(key).origin, message });
  };

  // ---- identity and roles
  // node.id has no default, as in Kafka; broker.id stands in for it (see populateIdSynonyms).
  const nodeIdValue = get('node.id') as number | null;
  if (nodeIdValue === null) problem('node.id', 'required: set node.id (or broker.id) to a non-negative integer');
  const nodeId = nodeIdValue ?? -1;
  const processRoles = [...(get('process.roles') as readonly string[])] as ('broker' | 'controller')[];
  if (!processRoles.includes('broker')) {
    problem('process.roles', "must include 'broker': a controller-only node is not supported", processRoles);
  }

  // ---- log directories and times
  const logDirs = [...((get('log.dirs') as readonly string[] | null) ?? (get('log.dir') as readonly string[]))];
  if (logDirs.length === 0) problem('log.dirs', 'at least one log directory must be given in log.dirs or log.dir');
  const resolved = logDirs.map((d) => path.resolve(d));
  const dup = resolved.find((d, i) => resolved.indexOf(d) !== i);
  if (dup !== undefined) problem('log.dirs', `directory ${dup} is listed more than once`, logDirs);

  const logRetentionMs = effectiveRetentionMs(get);
  if (logRetentionMs === 0) problem('log.retention.ms', 'effective retention must be -1 (unlimited) or at least 1 ms', 0);
  const logRollMs = effectiveRollMs(get);
  if (logRollMs < 1) problem('log.roll.ms', 'effective roll time must be at least 1 ms', logRollMs);
  const logRollJitterMs = effectiveRollJitterMs(get);
  if (logRollJitterMs < 0) problem('log.roll.jitter.ms', 'effective roll jitter must be at least 0 ms', logRollJitterMs);
  const logFlushIntervalMs = effectiveFlushIntervalMs(get);

  if (num(get, 'log.cleaner.min.compaction.lag.ms') > num(get, 'log.cleaner.max.compaction.lag.ms')) {
    problem('log.cleaner.min.compaction.lag.ms', 'must not exceed log.cleaner.max.compaction.lag.ms', get('log.cleaner.min.compaction.lag.ms'));
  }
  const cleanerThreads = num(get, 'log.cleaner.threads');
  if (cleanerThreads > 0 && num(get, 'log.cleaner.dedupe.buffer.size') / cleanerThreads <= 1024 * 1024) {
    problem('log.cleaner.dedupe.buffer.size', 'must be more than 1 MiB per cleaner thread', get('log.cleaner.dedupe.buffer.size'));
  }

  // ---- listeners
  const listenerDerived = deriveListeners(get, sourceOf, problems);

  // ---- sockets and replication
  const queuedBytes = num(get, 'queued.max.request.bytes');
  if (queuedBytes > 0 && queuedBytes < num(get, 'socket.request.max.bytes')) {
    problem('queued.max.request.bytes', 'must be at least socket.request.max.bytes (or <= 0 for no limit)', queuedBytes);
  }
  if (num(get, 'connection.failed.authentication.delay.ms') >= num(get, 'connections.max.idle.ms')) {
    problem('connection.failed.authentication.delay.ms', 'must be less than connections.max.idle.ms', get('connection.failed.authentication.delay.ms'));
  }
  if (num(get, 'max.connections.per.ip') === 0 && (get('max.connections.per.ip.overrides') as string).trim() === '') {
    problem('max.connections.per.ip', 'can be 0 only when max.connections.per.ip.overrides is set', 0);
  }
  const fetchWait = num(get, 'replica.fetch.wait.max.ms');
  if (fetchWait > num(get, 'replica.socket.timeout.ms')) {
    problem('replica.socket.timeout.ms', 'must be at least replica.fetch.wait.max.ms', get('replica.socket.timeout.ms'));
  }
  if (fetchWait > num(get, 'replica.lag.time.max.ms')) {
    problem('replica.fetch.wait.max.ms', 'must not exceed replica.lag.time.max.ms', fetchWait);
  }

  // ---- consumer groups (KIP-848): the same relations GroupCoordinatorConfig requires
  const hb = num(get, 'group.consumer.heartbeat.interval.ms');
  const minHb = num(get, 'group.consumer.min.heartbeat.interval.ms');
  const maxHb = num(get, 'group.consumer.max.heartbeat.interval.ms');
  const st = num(get, 'group.consumer.session.timeout.ms');
  const minSt = num(get, 'group.consumer.min.session.timeout.ms');
  const maxSt = num(get, 'group.consumer.max.session.timeout.ms');
  if (maxHb < minHb) problem('group.consumer.max.heartbeat.interval.ms', 'must be at least group.consumer.min.heartbeat.interval.ms', maxHb);
  if (hb < minHb || hb > maxHb) {
    problem('group.consumer.heartbeat.interval.ms', `must be within [group.consumer.min.heartbeat.interval.ms, group.consumer.max.heartbeat.interval.ms] = [${minHb}, ${maxHb}]`, hb);
  }
  if (maxSt < minSt) problem('group.consumer.max.session.timeout.ms', 'must be at least group.consumer.min.session.timeout.ms', maxSt);
  if (st < minSt || st > maxSt) {
    problem('group.consumer.session.timeout.ms', `must be within [group.consumer.min.session.timeout.ms, group.consumer.max.session.timeout.ms] = [${minSt}, ${maxSt}]`, st);
  }
  if (hb >= st) problem('group.consumer.heartbeat.interval.ms', 'must be less than group.consumer.session.timeout.ms', hb);

  return {
    derived: {
      nodeId,
      processRoles,
      logDirs,
      logRetentionMs,
      logRollMs,
      logRollJitterMs,
      logFlushIntervalMs,
      ...listenerDerived,
      consumerGroupAssignors: assignorNames(get('group.consumer.assignors') as readonly string[]),
    },
    problems,
  };
}

type ListenerDerived = Pick<
  DerivedBrokerValues,
  'listenerSecurityProtocolMap' | 'listeners' | 'controllerListenerNames' | 'brokerListeners' | 'advertisedListeners' | 'interBrokerListenerName'
>;

function deriveListeners(get: Get, sourceOf: (key: string) => ValueSource, problems: ConfigProblem[]): ListenerDerived {
  const withOrigin = (ps: ConfigProblem[]): ConfigProblem[] => ps.map((p) => ({ ...p, origin: p.origin ?? sourceOf(p.key).origin }));
  const controllerListenerNames = ((get('controller.listener.names') as readonly string[] | null) ?? []).map((n) => n.toUpperCase());
  const listenersText = (get('listeners') as readonly string[]).join(',');

  const parsedMap = parseSecurityProtocolMap(get('listener.security.protocol.map') as string);
  problems.push(...withOrigin(parsedMap.problems));
  const protocolMap = parsedMap.map;
  // KRaft convenience (KafkaConfig.effectiveListenerSecurityProtocolMap): with the map left at
  // its default and no TLS/SASL listener in sight, controller listeners default to PLAINTEXT.
  if (sourceOf('listener.security.protocol.map').source === ConfigSource.DEFAULT_CONFIG) {
    const listenerNames = listenersText.split(',').map((e) => e.trim().split(':')[0].toUpperCase());
    if (!controllerListenerNames.some(isSslOrSasl) && !listenerNames.some(isSslOrSasl)) {
      for (const n of controllerListenerNames) if (!protocolMap.has(n)) protocolMap.set(n, SecurityProtocol.PLAINTEXT);
    }
  }

  const parsed = parseListeners(listenersText, { key: 'listeners', requireDistinctPorts: true, protocolMap });
  problems.push(...withOrigin(parsed.problems));
  const listeners = parsed.endpoints;
  if (listeners.length === 0 && parsed.problems.length === 0) {
    problems.push(...withOrigin([{ key: 'listeners', value: listenersText, message: 'at least one listener is required' }]));
  }
  const isController = (e: ListenerEndpoint): boolean => controllerListenerNames.includes(e.name);
  const brokerListeners = listeners.filter((e) => !isController(e));

  const advertisedList = get('advertised.listeners') as readonly string[] | null;
  const advertisedText = advertisedList === null ? null : advertisedList.join(',');
  let advertisedAll = listeners;
  if (advertisedText !== null) {
    const adv = parseListeners(advertisedText, { key: 'advertised.listeners', requireDistinctPorts: false, protocolMap });
    problems.push(...withOrigin(adv.problems));
    problems.push(...withOrigin(advertisedListenerProblems(adv.endpoints, listeners)));
    advertisedAll = adv.endpoints;
  } else {
    for (const l of listeners) {
      if (l.host === '0.0.0.0' && !isController(l)) {
        problems.push(...withOrigin([{
          key: 'advertised.listeners',
          message: `listener ${formatEndpoint(l)} binds 0.0.0.0, which cannot be advertised: set advertised.listeners`,
        }]));
      }
    }
  }
  const advertisedListeners = advertisedAll.filter((e) => !isController(e));
  if (listeners.length > 0 && advertisedListeners.length === 0) {
    problems.push(...withOrigin([{ key: 'advertised.listeners', message: 'there must be at least one broker listener to advertise (are all listeners in controller.listener.names?)' }]));
  }

  const listenerNames = new Set(listeners.map((l) => l.name));
  const processRoles = get('process.roles') as readonly string[];
  if (processRoles.includes('controller')) {
    for (const n of controllerListenerNames) {
      if (!listenerNames.has(n)) {
        problems.push(...withOrigin([{ key: 'controller.listener.names', value: n, message: `controller listener ${n} does not appear in listeners` }]));
      }
    }
  }

  // Inter-broker listener: inter.broker.listener.name, else the one named after security.inter.broker.protocol.
  const ibName = get('inter.broker.listener.name') as string | null;
  if (ibName !== null && sourceOf('security.inter.broker.protocol').source !== ConfigSource.DEFAULT_CONFIG) {
    problems.push(...withOrigin([{ key: 'inter.broker.listener.name', value: ibName, message: 'only one of inter.broker.listener.name and security.inter.broker.protocol may be set' }]));
  }
  const interBrokerListenerName = (ibName ?? (get('security.inter.broker.protocol') as string)).toUpperCase();
  if (ibName !== null && !protocolMap.has(interBrokerListenerName)) {
    problems.push(...withOrigin([{ key: 'inter.broker.listener.name', value: ibName, message: `listener ${interBrokerListenerName} is not in listener.security.protocol.map` }]));
  } else if (advertisedListeners.length > 0 && !advertisedListeners.some((e) => e.name === interBrokerListenerName)) {
    problems.push(...withOrigin([{
      key: ibName !== null ? 'inter.broker.listener.name' : 'security.inter.broker.protocol',
      value: ibName ?? interBrokerListenerName,
      message: `inter-broker listener ${interBrokerListenerName} must be an advertised listener (advertised: ${advertisedListeners.map((e) => e.name).join(', ')}); set inter.broker.listener.name`,
    }]));
  }

  return { listenerSecurityProtocolMap: protocolMap, listeners, controllerListenerNames, brokerListeners, advertisedListeners, interBrokerListenerName };
}
