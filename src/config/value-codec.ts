/**
 * Converts config values between their text form (files, env, the wire) and typed values,
 * following Kafka's `ConfigDef.parseType` / `convertToString`:
 * - every text value is trimmed first (Kafka trims STRING and PASSWORD values too);
 * - BOOLEAN is `true`/`false` in any case;
 * - INT/SHORT/LONG are decimal integers with an optional sign, within the Java type's range;
 * - DOUBLE accepts Java's decimal syntax (`0.5`, `1e3`, `.5`, an `f`/`d` suffix);
 * - LIST splits on commas with any whitespace around them; an empty text is an empty list,
 *   and `a,,b` keeps the empty item (validators decide whether that is allowed).
 *
 * LONG values are JS numbers. Values beyond ±2^53 lose precision; in practice those are
 * Kafka's "unbounded" sentinel Long.MAX_VALUE (flush.ms, max.compaction.lag.ms, ...), which
 * reads as `LONG_MAX` (= 2^63 as a double) and prints back as 9223372036854775807.
 */
import { ConfigType, type ConfigValue } from './types';

/** Long.MAX_VALUE as a JS number (2^63); compare `>= LONG_MAX` to test for "unbounded". */
export const LONG_MAX = 2 ** 63;
export const LONG_MIN = -(2 ** 63);
export const INT_MAX = 2147483647;
export const INT_MIN = -2147483648;
export const SHORT_MAX = 32767;
export const SHORT_MIN = -32768;

export type ParseResult = { ok: true; value: ConfigValue } | { ok: false; reason: string };

const INTEGER = /^[+-]?\d+$/;
const JAVA_DOUBLE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?$/;
const COMMA_WITH_WHITESPACE = /\s*,\s*/;

function parseInteger(text: string, min: bigint, max: bigint, what: string): ParseResult {
  if (!INTEGER.test(text)) return { ok: false, reason: `expected ${what}` };
  const big = BigInt(text);
  if (big < min || big > max) return { ok: false, reason: `expected ${what} (between ${min} and ${max})` };
  return { ok: true, value: Number(big) };
}

/** Parses one text value as the given type. */
export function parseValue(type: ConfigType, raw: string): ParseResult {
  const text = raw.trim();
  switch (type) {
    case ConfigType.BOOLEAN: {
      const lower = text.toLowerCase();
      if (lower === 'true') return { ok: true, value: true };
      if (lower === 'false') return { ok: true, value: false };
      return { ok: false, reason: 'expected true or false' };
    }
    case ConfigType.STRING:
    case ConfigType.PASSWORD:
    case ConfigType.CLASS:
      return { ok: true, value: text };
    case ConfigType.INT:
      return parseInteger(text, BigInt(INT_MIN), BigInt(INT_MAX), 'a 32-bit integer');
    case ConfigType.SHORT:
      return parseInteger(text, BigInt(SHORT_MIN), BigInt(SHORT_MAX), 'a 16-bit integer');
    case ConfigType.LONG:
      return parseInteger(text, -(2n ** 63n), 2n ** 63n - 1n, 'a 64-bit integer');
    case ConfigType.DOUBLE: {
      if (!JAVA_DOUBLE.test(text)) return { ok: false, reason: 'expected a decimal number' };
      const n = Number(text.replace(/[fFdD]$/, ''));
      if (!Number.isFinite(n)) return { ok: false, reason: 'expected a finite decimal number' };
      return { ok: true, value: n };
    }
    case ConfigType.LIST:
      return { ok: true, value: text === '' ? [] : text.split(COMMA_WITH_WHITESPACE) };
  }
}

/** Formats a double as Java's `Double.toString` does (`1.0`, `0.5`, `1.7976931348623157E308`). */
export function formatJavaDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

/** Formats a LONG exactly at the Java type's ends (see the LONG note above). */
export function formatLong(n: number): string {
  if (n >= LONG_MAX) return '9223372036854775807';
  if (n <= LONG_MIN) return '-9223372036854775808';
  return BigInt(Math.trunc(n)).toString();
}

/** A typed value's text form, as Kafka's `ConfigDef.convertToString`; null stays null. */
export function formatValue(type: ConfigType, value: ConfigValue): string | null {
  if (value === null) return null;
  switch (type) {
    case ConfigType.LIST:
      return (value as readonly string[]).join(',');
    case ConfigType.LONG:
      return formatLong(value as number);
    case ConfigType.DOUBLE:
      return formatJavaDouble(value as number);
    default:
      return String(value);
  }
}

/** Parses a comma-separated list the way Kafka's `Csv.parseCsvList` does: empty items dropped. */
export function parseCsvList(text: string | null | undefined): string[] {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return [];
  return trimmed.split(COMMA_WITH_WHITESPACE).filter((s) => s.length > 0);
}
