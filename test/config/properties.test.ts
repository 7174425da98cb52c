import fc from 'fast-check';
import { parseProperties, parsePropertiesEntries, PropertiesSyntaxError } from '../../src/config/properties';

const props = (text: string): Record<string, string> => Object.fromEntries(parseProperties(text));

describe('parseProperties (java.util.Properties.load rules)', () => {
  it('accepts =, : and whitespace as separators, with whitespace around them', () => {
    expect(props('a=1\nb:2\nc 3\nd = 4\ne\t:\t5\nf  =  6')).toEqual({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' });
  });

  it('takes only the first separator; later = and : belong to the value', () => {
    expect(props('listeners=PLAINTEXT://:9092\nmap = A:B,C:D\nk==v')).toEqual({
      listeners: 'PLAINTEXT://:9092',
      map: 'A:B,C:D',
      k: '=v',
    });
  });

  it('whitespace then = counts as one separator', () => {
    expect(props('key   =value')).toEqual({ key: 'value' });
    expect(props('key value = x')).toEqual({ key: 'value = x' });
  });

  it('skips # and ! comments and blank lines, including indented ones', () => {
    expect(props('# comment\n  ! other\n\n   \na=1\n\t# x=2')).toEqual({ a: '1' });
  });

  it('does not continue a comment that ends in a backslash', () => {
    expect(props('# comment \\\na=1')).toEqual({ a: '1' });
  });

  it('joins continuation lines, dropping their leading whitespace', () => {
    expect(props('log.dirs=/a,\\\n     /b,\\\n\t/c\nx=1')).toEqual({ 'log.dirs': '/a,/b,/c', x: '1' });
  });

  it('an even number of trailing backslashes is an escaped backslash, not a continuation', () => {
    expect(props('path=C:\\\\dir\\\\\nx=1')).toEqual({ path: 'C:\\dir\\', x: '1' });
  });

  it('a continuation line that looks like a comment is part of the value', () => {
    expect(props('a=1\\\n# not a comment\nb=2')).toEqual({ a: '1# not a comment', b: '2' });
  });

  it('skips empty lines while looking for a continuation, as Java LineReader does', () => {
    expect(props('a=1\\\n\n   2\nb=3')).toEqual({ a: '12', b: '3' });
  });

  it('a continuation at the end of the text ends the value', () => {
    expect(props('a=1\\')).toEqual({ a: '1' });
  });

  it('handles \\r\\n and \\r line ends', () => {
    expect(props('a=1\r\nb=2\rc=3')).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('decodes escapes in keys and values', () => {
    expect(props('a\\=b=c\\:d')).toEqual({ 'a=b': 'c:d' });
    expect(props('my\\ key = v')).toEqual({ 'my key': 'v' });
    expect(props('t=a\\tb\\nc\\rd\\fe')).toEqual({ t: 'a\tb\nc\rd\fe' });
    expect(props('u=\\u00e9t\\u00C9')).toEqual({ u: 'étÉ' });
    expect(props('q=\\q\\#')).toEqual({ q: 'q#' });
  });

  it('keeps trailing whitespace of values and allows an empty value', () => {
    expect(props('a=x  \nb=\nc')).toEqual({ a: 'x  ', b: '', c: '' });
  });

  it('reads UTF-8 text directly and tolerates a BOM', () => {
    expect(props('\ufeffclient.id=café')).toEqual({ 'client.id': 'café' });
  });

  it('keeps the last value of a repeated key', () => {
    expect(props('a=1\na=2')).toEqual({ a: '2' });
  });

  it('reports the line each logical line started on', () => {
    const entries = parsePropertiesEntries('# c\n\na=1\nb=x,\\\n y\nc=3');
    expect(entries.map((e) => [e.key, e.line])).toEqual([
      ['a', 3],
      ['b', 4],
      ['c', 6],
    ]);
  });

  it('rejects a malformed \\u escape with the line number', () => {
    expect(() => parseProperties('a=1\nb=\\u12G4', 'server.properties')).toThrow(PropertiesSyntaxError);
    expect(() => parseProperties('a=1\nb=\\u12G4', 'server.properties')).toThrow('server.properties:2');
  });

  it('round-trips any key/value written with full escaping', () => {
    const escape = (s: string, isKey: boolean): string =>
      s.replace(/[\\=: \t\f\n\r#!]/g, (c, i: number) => {
        if (c === '\n') return '\\n';
        if (c === '\r') return '\\r';
        if (c === '\t') return '\\t';
        if (c === '\f') return '\\f';
        if (c === ' ' && !isKey && i > 0) return ' ';
        return `\\${c}`;
      });
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (k, v) => {
        const text = `${escape(k, true)}=${escape(v, false)}\n`;
        expect(Object.fromEntries(parseProperties(text))).toEqual({ [k]: v });
      }),
    );
  });
});
