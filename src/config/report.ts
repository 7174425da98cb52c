/**
 * Start-up report of a loaded config: unknown and deprecated keys as warnings, keys that
 * are accepted but have no effect here as info, each with where it was set.
 */
import { logger as componentLogger, type Logger } from '../util/logger';
import type { BrokerConfig } from './broker-config';

export function logConfigReport(config: BrokerConfig, log: Logger = componentLogger('config')): void {
  for (const w of config.warnings) log.warn({ key: w.key, origin: w.origin }, `config ${w.key}: ${w.message}`);
  for (const n of config.notes) log.info({ key: n.key, origin: n.origin }, `config ${n.key}: ${n.message}`);
  log.info(
    {
      profile: config.profile,
      nodeId: config.nodeId,
      logDirs: config.logDirs,
      listeners: config.listeners.map((l) => `${l.name}://${l.host}:${l.port}`),
    },
    'broker config loaded',
  );
}
