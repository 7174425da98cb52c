/**
 * `--override key=value` flags, as `kafka-server-start.sh server.properties --override k=v`
 * accepts them: the text is split at the first `=`, so values may contain `=`.
 */
import { ConfigArgumentError } from './errors';

export interface OverrideEntry {
  readonly key: string;
  readonly value: string;
}

/** Parses one `key=value` text; the key is trimmed, the value is kept as given. */
export function parseOverride(text: string): OverrideEntry {
  const eq = text.indexOf('=');
  const key = eq < 0 ? '' : text.slice(0, eq).trim();
  if (key === '') {
    throw new ConfigArgumentError(`invalid --override '${text}': expected key=value`);
  }
  return { key, value: text.slice(eq + 1) };
}

/**
 * Collects every `--override k=v` (or `--override=k=v`) from an argument list and returns
 * them with the remaining arguments, in order.
 */
export function extractOverrideArgs(args: readonly string[]): { overrides: OverrideEntry[]; rest: string[] } {
  const overrides: OverrideEntry[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--override') {
      if (i + 1 >= args.length) throw new ConfigArgumentError('--override needs a key=value argument');
      overrides.push(parseOverride(args[++i]));
    } else if (a.startsWith('--override=')) {
      overrides.push(parseOverride(a.slice('--override='.length)));
    } else {
      rest.push(a);
    }
  }
  return { overrides, rest };
}
