/**
 * Applies config changes for AlterConfigs and IncrementalAlterConfigs, one change at a time
 * (each is read-modify-write across awaits, so two concurrent requests must not interleave;
 * Kafka's controller serializes them the same way).
 *
 * TOPIC: the new set of overrides is checked (INVALID_CONFIG), then the topic's existence
 * (UNKNOWN_TOPIC_OR_PARTITION) — Kafka's controller validates before it checks existence —
 * then stored and applied to the topic's logs live.
 * BROKER: the resource names this broker (its dynamic settings) or is empty (the cluster-wide
 * dynamic defaults); the change must pass validateBrokerConfigUpdate (only dynamic keys, values
 * that parse, per-broker-only keys not as cluster defaults): INVALID_REQUEST otherwise, as
 * Kafka answers for broker configs. It is stored, and the broker re-derives its config.
 */
import { type ConfigProblem, formatProblem, validateBrokerConfigUpdate, validateTopicConfigs } from '../../config';
import { ErrorCode } from '../../protocol/error-codes';
import type { BrokerServices } from '../services';
import { ResourceError, checkBrokerId } from './config-resources';
import { topicConfigProblemMessage } from './topic-creation';
import { topicNameError } from './topic-names';

/** Computes the resource's new settings from its current ones, or throws a ResourceError. */
export type ConfigChange = (current: Readonly<Record<string, string>>) => Record<string, string>;

export class ConfigUpdater {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly services: BrokerServices) {}

  /** Replaces a topic's overrides with `change(current)`. Throws ResourceError. */
  alterTopic(name: string, change: ConfigChange, validateOnly: boolean): Promise<void> {
    return this.serially(async () => {
      const nameError = topicNameError(name);
      if (nameError !== null) throw new ResourceError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
      const topic = this.services.metadata.topic(name);
      const next = change(topic?.configs ?? {});
      const problems = validateTopicConfigs(next, { broker: this.services.config() });
      if (problems.length > 0) throw new ResourceError(ErrorCode.INVALID_CONFIG, topicConfigProblemMessage(problems[0]));
      if (!topic) throw new ResourceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
      if (!validateOnly) await this.services.topics.setTopicConfigs(name, next);
    });
  }

  /** Replaces a BROKER resource's dynamic settings with `change(current)`. Throws ResourceError. */
  alterBroker(resourceName: string, change: ConfigChange, validateOnly: boolean): Promise<void> {
    return this.serially(async () => {
      const { metadata } = this.services;
      const config = this.services.config();
      const perBroker = resourceName !== '';
      if (perBroker) checkBrokerId(resourceName, config.nodeId, 'Node id', false);
      const scope = perBroker ? 'node' : 'cluster';
      const current = metadata.dynamicBrokerConfigs(scope);
      const next = change(current);
      const updates: Record<string, string | null> = { ...next };
      for (const k of Object.keys(current)) if (!(k in next)) updates[k] = null;
      const problems = validateBrokerConfigUpdate(updates, { perBroker, current: config });
      if (problems.length > 0) throw new ResourceError(ErrorCode.INVALID_REQUEST, brokerProblemsMessage(problems));
      if (!validateOnly) await metadata.setDynamicBrokerConfigs(scope, next);
    });
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

function brokerProblemsMessage(problems: readonly ConfigProblem[]): string {
  return `Invalid dynamic broker config: ${problems.map(formatProblem).join('; ')}`;
}
