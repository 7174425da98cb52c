/**
 * Builds a `BrokerConfig` from layered text settings. Precedence, lowest first:
 * schema default < profile default < file < env < `--override` < dynamic cluster default
 * < dynamic per-broker. File, env and overrides together are the static config
 * (STATIC_BROKER_CONFIG); the two dynamic layers come from IncrementalAlterConfigs on
 * BROKER resources. Unknown keys are warnings; bad values, and checks spanning several
 * keys, are problems, all collected into one `ConfigValidationError`.
 */
import { BrokerConfig, type BrokerConfigData, type RawSetting, type ValueSource } from './broker-config';
import { deriveBrokerValues } from './broker-derive';
import { ConfigValidationError, type ConfigProblem, type ConfigWarning } from './errors';
import { ConfigProfile, PROFILE_DEFAULTS } from './profiles';
import { BROKER_SCHEMA, isListenerPrefixedKey, REMOVED_BROKER_KEYS } from './schema';
import { ConfigSource, type ConfigKeyDef, type ConfigValue } from './types';
import { formatValue, parseValue } from './value-codec';

/** One static layer's settings in order (a later entry for the same key wins). */
export interface SettingsLayer {
  readonly entries: readonly { readonly key: string; readonly value: string; readonly origin: string }[];
}

export interface BrokerConfigInput {
  /** Default: production (Kafka's own defaults). */
  readonly profile?: ConfigProfile;
  /** Static layers, lowest precedence first: typically file, env, overrides. */
  readonly layers?: readonly SettingsLayer[];
  /** Dynamic cluster-wide defaults (DescribeConfigs source DYNAMIC_DEFAULT_BROKER_CONFIG). */
  readonly dynamicDefault?: Readonly<Record<string, string>>;
  /** Dynamic settings of this broker (DYNAMIC_BROKER_CONFIG). */
  readonly dynamicBroker?: Readonly<Record<string, string>>;
}

export interface BrokerConfigResult {
  readonly config?: BrokerConfig;
  readonly problems: readonly ConfigProblem[];
  readonly warnings: readonly ConfigWarning[];
}

/** Copies node.id to broker.id or back when only one is set (Kafka's `populateSynonyms`). */
function populateIdSynonyms(settings: Map<string, RawSetting>, problems: ConfigProblem[]): void {
  const node = settings.get('node.id');
  const broker = settings.get('broker.id');
  if (node && !broker) settings.set('broker.id', { value: node.value, origin: `${node.origin}, via node.id` });
  else if (broker && !node) settings.set('node.id', { value: broker.value, origin: `${broker.origin}, via broker.id` });
  else if (node && broker && node.value.trim() !== broker.value.trim()) {
    problems.push({
      key: 'node.id',
      value: node.value,
      origin: node.origin,
      message: `must equal broker.id when both are set (broker.id is '${broker.value}' from ${broker.origin})`,
    });
  }
}

/** Parses and validates one text value against its key's declaration. */
export function checkValue(def: ConfigKeyDef, text: string): { value?: ConfigValue; reason?: string } {
  const parsed = parseValue(def.type, text);
  if (!parsed.ok) return { reason: parsed.reason };
  if (def.validator && parsed.value !== null) {
    const reason = def.validator.check(parsed.value);
    if (reason) return { reason: `${reason}; allowed: ${def.validator.describe}` };
  }
  return { value: parsed.value };
}

/** Kafka keeps unknown broker keys (its "unused" configs) and ignores them; so do we, with a warning. */
function unknownKeyMessage(key: string): string {
  const removed = REMOVED_BROKER_KEYS.get(key);
  return removed === undefined ? 'unknown configuration key; ignored' : `${removed}; ignored`;
}

/** Resolves without throwing: returns the config when there are no problems. */
export function tryResolveBrokerConfig(input: BrokerConfigInput = {}): BrokerConfigResult {
  const profile = input.profile ?? ConfigProfile.PRODUCTION;
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  const notes: ConfigWarning[] = [];

  const staticSettings = new Map<string, RawSetting>();
  for (const layer of input.layers ?? []) {
    for (const e of layer.entries) staticSettings.set(e.key, { value: e.value, origin: e.origin });
  }
  populateIdSynonyms(staticSettings, problems);
  const dynamicDefault = new Map(Object.entries(input.dynamicDefault ?? {}));
  const dynamicBroker = new Map(Object.entries(input.dynamicBroker ?? {}));

  const profileDefaults = PROFILE_DEFAULTS[profile] as Readonly<Record<string, string>>;
  const defaultTexts = new Map<string, string>();
  const values = new Map<string, ConfigValue>();
  const sources = new Map<string, ValueSource>();

  for (const def of BROKER_SCHEMA.values()) {
    const profileText = profileDefaults[def.name];
    const schemaText = formatValue(def.type, def.default);
    const defaultText = profileText ?? schemaText;
    if (defaultText !== null) defaultTexts.set(def.name, defaultText);

    const candidates: { text: string; src: ValueSource }[] = [];
    const dynB = dynamicBroker.get(def.name);
    const dynD = dynamicDefault.get(def.name);
    const stat = staticSettings.get(def.name);
    if (dynB !== undefined) candidates.push({ text: dynB, src: { source: ConfigSource.DYNAMIC_BROKER_CONFIG, origin: 'dynamic broker config' } });
    if (dynD !== undefined) candidates.push({ text: dynD, src: { source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, origin: 'dynamic cluster default' } });
    if (stat !== undefined) candidates.push({ text: stat.value, src: { source: ConfigSource.STATIC_BROKER_CONFIG, origin: stat.origin } });
    if (profileText !== undefined) candidates.push({ text: profileText, src: { source: ConfigSource.DEFAULT_CONFIG, origin: `${profile} profile` } });

    const chosen = candidates[0];
    if (chosen === undefined) {
      values.set(def.name, def.default as ConfigValue);
      sources.set(def.name, { source: ConfigSource.DEFAULT_CONFIG });
    } else {
      const checked = checkValue(def, chosen.text);
      if (checked.reason !== undefined) {
        problems.push({ key: def.name, value: chosen.text, origin: chosen.src.origin, message: checked.reason });
        values.set(def.name, def.default as ConfigValue); // keep going so later checks still run
      } else {
        values.set(def.name, checked.value as ConfigValue);
      }
      sources.set(def.name, chosen.src);
      if (chosen.src.source !== ConfigSource.DEFAULT_CONFIG) {
        if (def.deprecated) warnings.push({ key: def.name, origin: chosen.src.origin, message: `deprecated: ${def.deprecated}` });
        if (def.ignoredNote) notes.push({ key: def.name, origin: chosen.src.origin, message: def.ignoredNote });
      }
    }
    // A static value hidden by a dynamic one is still checked, as Kafka validates static config at start-up.
    if (stat !== undefined && chosen !== undefined && chosen.src.source !== ConfigSource.STATIC_BROKER_CONFIG) {
      const checked = checkValue(def, stat.value);
      if (checked.reason !== undefined) problems.push({ key: def.name, value: stat.value, origin: stat.origin, message: checked.reason });
    }
  }

  for (const [key, s] of staticSettings) {
    if (!BROKER_SCHEMA.has(key) && !isListenerPrefixedKey(key)) warnings.push({ key, origin: s.origin, message: unknownKeyMessage(key) });
  }
  for (const [key] of [...dynamicDefault, ...dynamicBroker]) {
    if (!BROKER_SCHEMA.has(key) && !isListenerPrefixedKey(key)) warnings.push({ key, origin: 'dynamic config', message: unknownKeyMessage(key) });
  }

  const get = (k: string): ConfigValue => {
    const v = values.get(k);
    if (v === undefined) throw new Error(`broker key ${k} is not in the schema`);
    return v;
  };
  const sourceOf = (k: string): ValueSource => sources.get(k) ?? { source: ConfigSource.UNKNOWN };
  const { derived, problems: crossProblems } = deriveBrokerValues(get, sourceOf);
  // A key whose own value was rejected already has a problem; skip checks built on its fallback.
  const badKeys = new Set(problems.map((p) => p.key));
  problems.push(...crossProblems.filter((p) => !badKeys.has(p.key)));

  const data: BrokerConfigData = {
    profile,
    values,
    sources,
    staticSettings,
    defaultTexts,
    dynamicDefault,
    dynamicBroker,
    warnings,
    notes,
    derived,
  };
  return { config: problems.length === 0 ? new BrokerConfig(data) : undefined, problems, warnings };
}

/** Resolves a broker config; throws `ConfigValidationError` listing every problem. */
export function resolveBrokerConfig(input: BrokerConfigInput = {}): BrokerConfig {
  const result = tryResolveBrokerConfig(input);
  if (!result.config) throw new ConfigValidationError(result.problems, result.warnings);
  return result.config;
}

/** The same static config with new dynamic layers (after an IncrementalAlterConfigs on BROKER). */
export function withDynamicConfigs(
  config: BrokerConfig,
  dynamic: { readonly dynamicDefault?: Readonly<Record<string, string>>; readonly dynamicBroker?: Readonly<Record<string, string>> },
): BrokerConfig {
  const d = config.toData();
  const entries = [...d.staticSettings].map(([key, s]) => ({ key, value: s.value, origin: s.origin }));
  return resolveBrokerConfig({
    profile: d.profile,
    layers: [{ entries }],
    dynamicDefault: dynamic.dynamicDefault ?? Object.fromEntries(d.dynamicDefault),
    dynamicBroker: dynamic.dynamicBroker ?? Object.fromEntries(d.dynamicBroker),
  });
}
