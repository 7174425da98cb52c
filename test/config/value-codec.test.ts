import fc from 'fast-check';
import { formatJavaDouble, formatLong, formatValue, LONG_MAX, parseCsvList, parseValue } from '../../src/config/value-codec';
import { atLeast, between, both, custom, oneOf, oneOfIgnoreCase, validList } from '../../src/config/validators';

const ok = (type: Parameters<typeof parseValue>[0], text: string): unknown => {
  const r = parseValue(type, text);
  if (!r.ok) throw new Error(`expected ${text} to parse as ${type}: ${r.reason}`);
  return r.value;
};
const fails = (type: Parameters<typeof parseValue>[0], text: string): string => {
  const r = parseValue(type, text);
  if (r.ok) throw new Error(`expected ${text} not to parse as ${type}`);
  return r.reason;
};

describe('parseValue', () => {
  it('parses booleans case-insensitively after trimming, like ConfigDef', () => {
    expect(ok('BOOLEAN', ' TRUE ')).toBe(true);
    expect(ok('BOOLEAN', 'False')).toBe(false);
    expect(fails('BOOLEAN', 'yes')).toMatch(/true or false/);
    expect(fails('BOOLEAN', '1')).toMatch(/true or false/);
  });

  it('parses INT within the 32-bit range, with an optional sign', () => {
    expect(ok('INT', '+42')).toBe(42);
    expect(ok('INT', ' -7 ')).toBe(-7);
    expect(ok('INT', '2147483647')).toBe(2147483647);
    expect(ok('INT', '-2147483648')).toBe(-2147483648);
    expect(fails('INT', '2147483648')).toMatch(/32-bit/);
    expect(fails('INT', '1.5')).toMatch(/32-bit/);
    expect(fails('INT', '0x10')).toMatch(/32-bit/);
    expect(fails('INT', '')).toMatch(/32-bit/);
  });

  it('parses SHORT within 16 bits', () => {
    expect(ok('SHORT', '32767')).toBe(32767);
    expect(fails('SHORT', '32768')).toMatch(/16-bit/);
  });

  it('parses LONG within 64 bits; Long.MAX_VALUE reads as LONG_MAX and prints back exactly', () => {
    expect(ok('LONG', '604800000')).toBe(604800000);
    expect(ok('LONG', '9223372036854775807')).toBe(LONG_MAX);
    expect(formatValue('LONG', LONG_MAX)).toBe('9223372036854775807');
    expect(ok('LONG', '-9223372036854775808')).toBe(-LONG_MAX);
    expect(formatValue('LONG', -LONG_MAX)).toBe('-9223372036854775808');
    expect(fails('LONG', '9223372036854775808')).toMatch(/64-bit/);
  });

  it('round-trips every safe integer through LONG text', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const text = formatValue('LONG', n)!;
        expect(ok('LONG', text)).toBe(n);
      }),
    );
  });

  it('parses DOUBLE in Java syntax, rejecting NaN and infinities', () => {
    expect(ok('DOUBLE', '0.5')).toBe(0.5);
    expect(ok('DOUBLE', '.25')).toBe(0.25);
    expect(ok('DOUBLE', '1e3')).toBe(1000);
    expect(ok('DOUBLE', '2.5d')).toBe(2.5);
    expect(ok('DOUBLE', '1.7976931348623157E308')).toBe(Number.MAX_VALUE);
    expect(fails('DOUBLE', 'NaN')).toMatch(/decimal/);
    expect(fails('DOUBLE', 'abc')).toMatch(/decimal/);
    expect(fails('DOUBLE', '1e999')).toMatch(/finite/);
  });

  it('splits LIST on commas with surrounding whitespace, keeping empty items like Kafka', () => {
    expect(ok('LIST', 'compact, delete')).toEqual(['compact', 'delete']);
    expect(ok('LIST', '  ')).toEqual([]);
    expect(ok('LIST', 'a,,b')).toEqual(['a', '', 'b']);
  });

  it('trims STRING and PASSWORD values', () => {
    expect(ok('STRING', '  CreateTime \t')).toBe('CreateTime');
    expect(ok('PASSWORD', ' secret ')).toBe('secret');
  });
});

describe('formatValue', () => {
  it('formats doubles as Java Double.toString does', () => {
    expect(formatJavaDouble(0.5)).toBe('0.5');
    expect(formatJavaDouble(1)).toBe('1.0');
    expect(formatJavaDouble(0.9)).toBe('0.9');
    expect(formatJavaDouble(Number.MAX_VALUE)).toBe('1.7976931348623157E308');
    expect(formatJavaDouble(1e7)).toBe('1.0E7');
    expect(formatJavaDouble(1.5e-5)).toBe('1.5E-5');
    expect(formatJavaDouble(0)).toBe('0.0');
  });

  it('joins lists with commas and keeps null as null', () => {
    expect(formatValue('LIST', ['compact', 'delete'])).toBe('compact,delete');
    expect(formatValue('STRING', null)).toBeNull();
    expect(formatValue('BOOLEAN', false)).toBe('false');
  });

  it('formats longs exactly', () => {
    expect(formatLong(-1)).toBe('-1');
    expect(formatLong(2 ** 53)).toBe('9007199254740992');
  });
});

describe('parseCsvList', () => {
  it('drops empty items and surrounding whitespace (Kafka Csv.parseCsvList)', () => {
    expect(parseCsvList(' /a , /b ,, ')).toEqual(['/a', '/b']);
    expect(parseCsvList(null)).toEqual([]);
    expect(parseCsvList('')).toEqual([]);
  });
});

describe('validators', () => {
  it('atLeast and between report the bound and describe the range as Kafka docs do', () => {
    expect(atLeast(1).check(0)).toBe('value must be at least 1');
    expect(atLeast(1).check(1)).toBeUndefined();
    expect(atLeast(1).describe).toBe('[1,...]');
    expect(between(0, 1).check(1.5)).toBe('value must be no more than 1');
    expect(between(0, 1).check(-0.1)).toBe('value must be at least 0');
    expect(between(0, 1).describe).toBe('[0,...,1]');
  });

  it('oneOf is case-sensitive, oneOfIgnoreCase is not', () => {
    expect(oneOf('CreateTime', 'LogAppendTime').check('createtime')).toMatch(/one of: CreateTime, LogAppendTime/);
    expect(oneOfIgnoreCase('BIDIRECTIONAL').check('bidirectional')).toBeUndefined();
  });

  it('validList checks items against the allowed ones and names the bad ones', () => {
    const policy = validList({ allowed: ['compact', 'delete'], emptyAllowed: true });
    expect(policy.check(['compact', 'archive'])).toMatch(/'archive'/);
    expect(policy.check(['compact', 'delete'])).toBeUndefined();
    expect(policy.describe).toBe('[compact, delete]');
  });

  it('validList follows KIP-1161: repeats and empty items are refused, an empty list only when not allowed', () => {
    const roles = validList({ allowed: ['broker', 'controller'], emptyAllowed: false });
    expect(roles.check([])).toBe('the list must not be empty');
    expect(roles.check(['broker', 'broker'])).toBe("'broker' is listed twice");
    expect(roles.check(['broker', '', ''])).toBe("'' is listed twice"); // repeats are checked first, as in Kafka
    expect(roles.check(['broker', ''])).toBe('list items must not be empty');
    expect(validList({ emptyAllowed: true }).check([])).toBeUndefined();
    expect(validList({ emptyAllowed: true }).check(['anything', 'at all'])).toBeUndefined();
  });

  it('both runs the second validator only when the first passes', () => {
    const v = both(validList({ emptyAllowed: false }), custom('short items', (x) => ((x as string[]).some((i) => i.length > 3) ? 'too long' : undefined)));
    expect(v.check([])).toBe('the list must not be empty');
    expect(v.check(['abcd'])).toBe('too long');
    expect(v.check(['ab'])).toBeUndefined();
    expect(v.describe).toBe('short items');
  });
});
