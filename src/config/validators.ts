/**
 * Value validators, the counterparts of Kafka's `ConfigDef.Range`, `ValidString`,
 * `ValidList` and `CaseInsensitiveValidString`. They run on parsed values; a null value
 * (an optional key left unset) is never passed to them.
 */
import type { ConfigValue, Validator } from './types';

function asNumber(v: ConfigValue): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** Formats a bound the way Kafka's docs do: integers plainly, 2^63-1 as Long.MAX_VALUE's digits. */
function formatBound(n: number): string {
  if (n >= 2 ** 63) return '9223372036854775807';
  if (n <= -(2 ** 63)) return '-9223372036854775808';
  return String(n);
}

/** value ≥ min (Kafka's `Range.atLeast`). */
export function atLeast(min: number): Validator {
  return {
    describe: `[${formatBound(min)},...]`,
    check(v) {
      const n = asNumber(v);
      if (n === undefined || Number.isNaN(n)) return 'value must be a number';
      return n < min ? `value must be at least ${formatBound(min)}` : undefined;
    },
  };
}

/** min ≤ value ≤ max (Kafka's `Range.between`). */
export function between(min: number, max: number): Validator {
  return {
    describe: `[${formatBound(min)},...,${formatBound(max)}]`,
    check(v) {
      const n = asNumber(v);
      if (n === undefined || Number.isNaN(n)) return 'value must be a number';
      if (n < min) return `value must be at least ${formatBound(min)}`;
      if (n > max) return `value must be no more than ${formatBound(max)}`;
      return undefined;
    },
  };
}

/** One of the given strings, case-sensitive (Kafka's `ValidString.in`). */
export function oneOf(...allowed: readonly string[]): Validator {
  return {
    describe: `[${allowed.join(', ')}]`,
    check(v) {
      return typeof v === 'string' && allowed.includes(v) ? undefined : `value must be one of: ${allowed.join(', ')}`;
    },
  };
}

/** One of the given strings, ignoring case (Kafka's `CaseInsensitiveValidString.in`). */
export function oneOfIgnoreCase(...allowed: readonly string[]): Validator {
  const lower = allowed.map((a) => a.toLowerCase());
  return {
    describe: `(case insensitive) [${allowed.join(', ')}]`,
    check(v) {
      return typeof v === 'string' && lower.includes(v.toLowerCase())
        ? undefined
        : `value must be one of (case insensitive): ${allowed.join(', ')}`;
    },
  };
}

export interface ValidListOptions {
  /** Allowed items (case-sensitive); any non-empty item when absent. */
  readonly allowed?: readonly string[];
  /** Whether an empty list is accepted. */
  readonly emptyAllowed: boolean;
}

/**
 * A list whose items are distinct and non-empty, optionally drawn from `allowed`: Kafka's
 * `ValidList` as KIP-1161 (Kafka 4.2) made it. Checked in Kafka's order: empty list,
 * repeated items, empty items, then items outside `allowed`.
 */
export function validList(opts: ValidListOptions): Validator {
  const { allowed, emptyAllowed } = opts;
  const describe = allowed ? `[${allowed.join(', ')}]` : 'distinct non-empty items';
  return {
    describe: emptyAllowed ? describe : `${describe}, at least one`,
    check(v) {
      if (!Array.isArray(v)) return 'value must be a list';
      const items = v as readonly string[];
      if (items.length === 0) return emptyAllowed ? undefined : 'the list must not be empty';
      const dup = items.find((item, i) => items.indexOf(item) !== i);
      if (dup !== undefined) return `'${dup}' is listed twice`;
      if (items.includes('')) return 'list items must not be empty';
      if (!allowed) return undefined;
      const bad = items.filter((item) => !allowed.includes(item));
      if (bad.length === 0) return undefined;
      return `list items must each be one of: ${allowed.join(', ')} (got ${bad.map((b) => `'${b}'`).join(', ')})`;
    },
  };
}

/** Runs `first`, then `second` when the first passes. */
export function both(first: Validator, second: Validator, describe = second.describe): Validator {
  return { describe, check: (v) => first.check(v) ?? second.check(v) };
}

/** A non-empty string (Kafka's `NonEmptyString`). */
export const nonEmptyString: Validator = {
  describe: 'non-empty string',
  check(v) {
    return typeof v === 'string' && v.length > 0 ? undefined : 'value must be a non-empty string';
  },
};

/** A validator from a predicate over the value, for one-off rules. */
export function custom(describe: string, check: (v: ConfigValue) => string | undefined): Validator {
  return { describe, check };
}
