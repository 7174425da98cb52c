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

/** Every list item is one of the given strings (Kafka's `ValidList.in`); an empty list passes. */
export function listOf(...allowed: readonly string[]): Validator {
  return {
    describe: `[${allowed.join(', ')}]`,
    check(v) {
      if (!Array.isArray(v)) return 'value must be a list';
      const bad = (v as readonly string[]).filter((item) => !allowed.includes(item));
      if (bad.length === 0) return undefined;
      return `list items must each be one of: ${allowed.join(', ')} (got ${bad.map((b) => `'${b}'`).join(', ')})`;
    },
  };
}

/** Like `listOf` but also rejects the same item twice (Kafka's process.roles check). */
export function distinctListOf(...allowed: readonly string[]): Validator {
  const inner = listOf(...allowed);
  return {
    describe: inner.describe,
    check(v) {
      const reason = inner.check(v);
      if (reason) return reason;
      const items = v as readonly string[];
      const dup = items.find((item, i) => items.indexOf(item) !== i);
      return dup === undefined ? undefined : `'${dup}' is listed twice`;
    },
  };
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
