/**
 * Loading a broker config from its usual sources: a `.properties` file, `KAFKA_*`
 * environment variables and `--override key=value` flags, layered in that order over
 * the profile defaults. The only module of config/ that touches the filesystem.
 */
import * as fs from 'node:fs';
import type { BrokerConfig } from './broker-config';
import { resolveBrokerConfig, tryResolveBrokerConfig, type BrokerConfigInput, type BrokerConfigResult, type SettingsLayer } from './broker-resolve';
import { configFromEnv } from './env';
import { ConfigValidationError } from './errors';
import { parseOverride, type OverrideEntry } from './overrides';
import type { ConfigProfile } from './profiles';
import { parsePropertiesEntries, PropertiesSyntaxError } from './properties';

export interface LoadBrokerConfigOptions {
  readonly profile?: ConfigProfile;
  /** Path of a `.properties` file (e.g. Kafka's server.properties). */
  readonly configFile?: string;
  /** Properties text given directly (instead of, or after, the file); `source` names it in messages. */
  readonly propertiesText?: { readonly text: string; readonly source: string };
  /** Environment to read `KAFKA_*` variables from; pass `process.env`. Omitted: no env layer. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `key=value` texts or parsed entries, applied last. */
  readonly overrides?: readonly (string | OverrideEntry)[];
  /** Programmatic settings (embedding), applied after env and before overrides. */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
  /** File reader seam for tests; defaults to fs.readFileSync(path, 'utf8'). */
  readonly readFile?: (path: string) => string;
}

function propertiesLayer(text: string, source: string): SettingsLayer {
  try {
    return { entries: parsePropertiesEntries(text, source).map((e) => ({ key: e.key, value: e.value, origin: `${source}:${e.line}` })) };
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) {
      throw new ConfigValidationError([{ key: '(file)', origin: `${source}:${err.line}`, message: err.detail }]);
    }
    throw err;
  }
}

/** Builds the resolver input (layers in precedence order) from the given sources. */
export function buildBrokerConfigInput(opts: LoadBrokerConfigOptions): BrokerConfigInput {
  const layers: SettingsLayer[] = [];
  if (opts.configFile !== undefined) {
    const read = opts.readFile ?? ((p: string) => fs.readFileSync(p, 'utf8'));
    let text: string;
    try {
      text = read(opts.configFile);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new ConfigValidationError([{ key: '(file)', origin: opts.configFile, message: `cannot read config file: ${reason}` }]);
    }
    layers.push(propertiesLayer(text, opts.configFile));
  }
  if (opts.propertiesText) layers.push(propertiesLayer(opts.propertiesText.text, opts.propertiesText.source));
  if (opts.env) {
    layers.push({ entries: configFromEnv(opts.env).map((e) => ({ key: e.key, value: e.value, origin: `env ${e.variable}` })) });
  }
  if (opts.settings) {
    layers.push({ entries: Object.entries(opts.settings).map(([key, v]) => ({ key, value: String(v), origin: 'settings' })) });
  }
  if (opts.overrides) {
    const entries = opts.overrides.map((o) => (typeof o === 'string' ? parseOverride(o) : o));
    layers.push({ entries: entries.map((e) => ({ key: e.key, value: e.value, origin: `--override ${e.key}` })) });
  }
  return { profile: opts.profile, layers };
}

/** Loads and resolves; throws `ConfigValidationError` listing every problem. */
export function loadBrokerConfig(opts: LoadBrokerConfigOptions = {}): BrokerConfig {
  return resolveBrokerConfig(buildBrokerConfigInput(opts));
}

/** Loads and resolves without throwing on invalid values (file read errors still throw). */
export function tryLoadBrokerConfig(opts: LoadBrokerConfigOptions = {}): BrokerConfigResult {
  return tryResolveBrokerConfig(buildBrokerConfigInput(opts));
}
