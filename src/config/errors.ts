/**
 * Config problems and warnings. Problems are collected over the whole input and reported
 * together in one `ConfigValidationError`; each names the key, the value given, where it
 * came from, and what is allowed. The server maps these to INVALID_CONFIG on the wire.
 */

/** Where a raw value came from, for messages (`server.properties:12`, `env KAFKA_NUM_PARTITIONS`, `--override`). */
export type ConfigOrigin = string;

export interface ConfigProblem {
  /** The key concerned (or the first of two keys that conflict). */
  readonly key: string;
  /** The text value given, when one was. */
  readonly value?: string;
  readonly origin?: ConfigOrigin;
  /** Why it is not accepted, including what would be. */
  readonly message: string;
}

export interface ConfigWarning {
  readonly key: string;
  readonly origin?: ConfigOrigin;
  readonly message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.origin ? ` (from ${p.origin})` : '';
  const value = p.value !== undefined ? ` value '${p.value}'` : '';
  return `${p.key}${value}${where}: ${p.message}`;
}

/** Thrown when a config input has one or more problems; `problems` lists them all. */
export class ConfigValidationError extends Error {
  override name = 'ConfigValidationError';
  readonly code = 'ERR_CONFIG_INVALID';
  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly warnings: readonly ConfigWarning[] = [],
  ) {
    super(
      problems.length === 1
        ? `Invalid configuration: ${formatProblem(problems[0])}`
        : `Invalid configuration (${problems.length} problems):\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
  }
}

/** A command-line `--override` that is not `key=value`. */
export class ConfigArgumentError extends Error {
  override name = 'ConfigArgumentError';
  readonly code = 'ERR_CONFIG_ARGUMENT';
}
